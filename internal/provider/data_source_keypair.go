package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var (
	_ datasource.DataSource              = (*keypairDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*keypairDataSource)(nil)
)

func newKeypairDataSource() datasource.DataSource { return &keypairDataSource{} }

// keypairDataSource reads one key pair by name. Like everything here, it
// holds no private key: KPS keeps that.
type keypairDataSource struct {
	configuredDataSource
}

type keypairDataModel struct {
	Name      types.String `tfsdk:"name"`
	ProjectID types.String `tfsdk:"project_id"`
	ID        types.String `tfsdk:"id"`
	keypairFacts
	UserID      types.String      `tfsdk:"user_id"`
	Description types.String      `tfsdk:"description"`
	CreatedAt   timetypes.RFC3339 `tfsdk:"created_at"`
}

func (d *keypairDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_keypair"
}

func (d *keypairDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	computed := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: desc}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads one KPS key pair by name (`GET /v3/{project_id}/keypairs/{name}`): its public key, " +
			"fingerprint and whether KPS holds its private key. No private key is ever read here.",
		Attributes: map[string]schema.Attribute{
			"name": schema.StringAttribute{Required: true, MarkdownDescription: descKeypairName,
				Validators: []validator.String{keypairNameValidator()}},
			"project_id": schema.StringAttribute{Optional: true, Computed: true, MarkdownDescription: descKeypairProject,
				Validators: []validator.String{idValidator()}},
			"id":                 computed("The key pair's name."),
			"type":               computed("`ssh` or `x509`."),
			"scope":              computed(descScope),
			"user_id":            computed("The IAM user the key pair belongs to."),
			"description":        computed("The key pair's description."),
			"public_key":         computed("The public key."),
			"fingerprint":        computed(descFingerprint),
			"private_key_hosted": schema.BoolAttribute{Computed: true, MarkdownDescription: descHosted},
			"frozen":             schema.BoolAttribute{Computed: true, MarkdownDescription: descFrozen},
			"created_at": schema.StringAttribute{Computed: true, CustomType: timetypes.RFC3339Type{},
				MarkdownDescription: "When KPS created the key pair, in RFC 3339 UTC; null when KPS does not say."},
		},
	}
}

func (d *keypairDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m keypairDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	client, project, diags := d.data.clientFor(ctx, m.ProjectID)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	kp, err := client.Keypair(ctx, project, m.Name.ValueString())
	if err != nil {
		resp.Diagnostics.AddError("Cannot read KPS key pair "+m.Name.ValueString(), err.Error())
		return
	}
	m.ProjectID, m.ID = types.StringValue(project), m.Name
	m.keypairFacts = keypairFactsOf(kp)
	m.UserID, m.Description, m.CreatedAt = types.StringValue(kp.UserID), types.StringValue(kp.Description), createdAt(kp)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
