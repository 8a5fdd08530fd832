// Package provider is the Terraform side of terraform-provider-kps: schemas,
// models and the glue between Terraform and the KPS client in internal/kps.
package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// TypeName is the provider's local name and the prefix of its types.
const TypeName = "kps"

var (
	_ provider.Provider            = (*kpsProvider)(nil)
	_ provider.ProviderWithActions = (*kpsProvider)(nil)
)

type kpsProvider struct {
	version string
	// getenv reads environment variables; tests replace it so that they can run in parallel.
	getenv func(string) string
	// retryWait, when set, replaces the pauses between retries; tests shorten it.
	retryWait time.Duration
}

// New returns a constructor for the provider, as providerserver.Serve wants.
func New(version string) func() provider.Provider {
	return func() provider.Provider {
		return &kpsProvider{version: version, getenv: osGetenv}
	}
}

func (p *kpsProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = TypeName
	resp.Version = p.version
}

func (p *kpsProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		newKeypairTaskWaitResource, newServerTasksWaitResource, newKeypairAssociationResource, newKeypairDisassociationResource,
	}
}

// Actions are the operations Terraform 1.14 and newer can invoke.
func (p *kpsProvider) Actions(context.Context) []func() action.Action {
	return []func() action.Action{newAssociateKeypairAction, newDisassociateKeypairAction, newDeleteFailedTasksAction}
}

func (p *kpsProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{newKeypairTaskDataSource, newRunningTasksDataSource, newFailedTasksDataSource}
}
