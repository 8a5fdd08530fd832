// Package provider is the Terraform side of terraform-provider-kps: schemas,
// models and the glue between Terraform and the KPS client in internal/kps.
package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// TypeName is the provider's local name and the prefix of its types.
const TypeName = "kps"

var _ provider.Provider = (*kpsProvider)(nil)

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

func (p *kpsProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{newKeypairTaskDataSource, newRunningTasksDataSource, newFailedTasksDataSource}
}
