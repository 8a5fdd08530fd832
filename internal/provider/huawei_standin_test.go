package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// A stand-in for Huawei's provider, for the move tests: one resource type,
// huaweicloud_kps_keypair, with the attributes Huawei's provider gives it,
// that keeps in state what it is configured with (a private key included,
// as Huawei's does) and calls nothing.

// huaweiStandInFactories is the provider under test and the stand-in for
// Huawei's, as the test harness serves them.
func huaweiStandInFactories() map[string]func() (tfprotov6.ProviderServer, error) {
	factories := map[string]func() (tfprotov6.ProviderServer, error){
		"huaweicloud": providerserver.NewProtocol6WithError(&huaweiStandIn{}),
	}
	for name, f := range testFactories {
		factories[name] = f
	}
	return factories
}

type huaweiStandIn struct{}

func (p *huaweiStandIn) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "huaweicloud"
}
func (p *huaweiStandIn) Schema(context.Context, provider.SchemaRequest, *provider.SchemaResponse) {}
func (p *huaweiStandIn) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}
func (p *huaweiStandIn) DataSources(context.Context) []func() datasource.DataSource { return nil }
func (p *huaweiStandIn) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{func() resource.Resource { return &huaweiKeypairStandIn{} }}
}

type huaweiKeypairStandIn struct{}

func (r *huaweiKeypairStandIn) Metadata(_ context.Context, _ resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = "huaweicloud_kps_keypair"
}

func (r *huaweiKeypairStandIn) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	optional := schema.StringAttribute{Optional: true}
	computed := schema.StringAttribute{Computed: true, PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}}
	resp.Schema = schema.Schema{Attributes: map[string]schema.Attribute{
		"id": computed, "region": computed, "created_at": computed, "fingerprint": computed, "key_file": computed,
		"name": schema.StringAttribute{Required: true}, "scope": optional, "encryption_type": optional,
		"kms_key_name": optional, "description": optional, "public_key": optional,
		"private_key": schema.StringAttribute{Optional: true, Sensitive: true},
		"is_managed":  schema.BoolAttribute{Computed: true},
	}}
}

// keep saves what the configuration says, with the computed attributes as
// Huawei's provider fills them.
func (r *huaweiKeypairStandIn) keep(ctx context.Context, plan tfsdk.Plan, state *tfsdk.State) {
	var name types.String
	plan.GetAttribute(ctx, path.Root("name"), &name)
	state.Raw = plan.Raw
	for attr, v := range map[string]string{"id": name.ValueString(), "region": "cn-north-4", "created_at": "2024-03-01T12:00:00Z",
		"fingerprint": "SHA256:huawei", "key_file": ""} {
		state.SetAttribute(ctx, path.Root(attr), v)
	}
	state.SetAttribute(ctx, path.Root("is_managed"), true)
}

func (r *huaweiKeypairStandIn) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	r.keep(ctx, req.Plan, &resp.State)
}
func (r *huaweiKeypairStandIn) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {}
func (r *huaweiKeypairStandIn) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	r.keep(ctx, req.Plan, &resp.State)
}
func (r *huaweiKeypairStandIn) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {
}
