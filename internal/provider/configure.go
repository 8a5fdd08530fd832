package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/action"
)

// Configure: the provider's data, handed to each type.

// configuredAction is what every action embeds: the provider's data, set
// by Configure.
type configuredAction struct {
	data *providerData
}

func (a *configuredAction) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	data, diags := providerDataFrom(req.ProviderData)
	resp.Diagnostics.Append(diags...)
	a.data = data
}
