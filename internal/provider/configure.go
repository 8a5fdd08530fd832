package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// Configure, written once: every data source, resource, ephemeral resource
// and action embeds one of the types below, which differ only in the
// framework's request and response types.

// configured holds the provider's data, set by Configure.
type configured struct {
	data *providerData
}

// configure keeps the provider's data that the framework hands over. It is
// nil before the provider is configured (during validation): data then
// stays as it is.
func (c *configured) configure(providerData any, diags *diag.Diagnostics) {
	data, d := providerDataFrom(providerData)
	diags.Append(d...)
	if data != nil {
		c.data = data
	}
}

// configuredDataSource is what every data source embeds.
type configuredDataSource struct{ configured }

func (c *configuredDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	c.configure(req.ProviderData, &resp.Diagnostics)
}

// configuredResource is what every resource embeds.
type configuredResource struct{ configured }

func (c *configuredResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	c.configure(req.ProviderData, &resp.Diagnostics)
}

// configuredAction is what every action embeds.
type configuredAction struct{ configured }

func (c *configuredAction) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	c.configure(req.ProviderData, &resp.Diagnostics)
}

// configuredEphemeral is what every ephemeral resource embeds.
type configuredEphemeral struct{ configured }

func (c *configuredEphemeral) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	c.configure(req.ProviderData, &resp.Diagnostics)
}
