package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/kpsops/terraform-provider-kps/internal/keymaterial"
	"github.com/kpsops/terraform-provider-kps/internal/kps"
)

var (
	_ datasource.DataSource                   = (*keypairsDataSource)(nil)
	_ datasource.DataSourceWithConfigure      = (*keypairsDataSource)(nil)
	_ datasource.DataSourceWithValidateConfig = (*keypairsDataSource)(nil)
)

func newKeypairsDataSource() datasource.DataSource { return &keypairsDataSource{} }

// keypairsDataSource lists the project's key pairs over every page,
// filtered by exact matches.
type keypairsDataSource struct {
	configuredDataSource
}

type keypairsDataModel struct {
	ProjectID   types.String         `tfsdk:"project_id"`
	Name        types.String         `tfsdk:"name"`
	Fingerprint types.String         `tfsdk:"fingerprint"`
	PublicKey   types.String         `tfsdk:"public_key"`
	ID          types.String         `tfsdk:"id"`
	Keypairs    []listedKeypairModel `tfsdk:"keypairs"`
}

// listedKeypairModel is one key pair of keypairs.
type listedKeypairModel struct {
	Name types.String `tfsdk:"name"`
	keypairFacts
}

func (d *keypairsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_keypairs"
}

func (d *keypairsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	filter := func(what string) schema.StringAttribute {
		return schema.StringAttribute{Optional: true, MarkdownDescription: "Keep only the key pairs whose " + what + " is exactly this."}
	}
	computed := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: desc}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the project's KPS key pairs (`GET /v3/{project_id}/keypairs`), every page, following " +
			"`page_info.next_marker`; a marker already seen, or a page with no key pairs, ends the reading.",
		Attributes: map[string]schema.Attribute{
			"project_id": schema.StringAttribute{Optional: true, Computed: true, MarkdownDescription: descKeypairProject,
				Validators: []validator.String{idValidator()}},
			"name":        filter("name"),
			"fingerprint": filter("fingerprint"),
			"public_key":  schema.StringAttribute{Optional: true, MarkdownDescription: descPublicKeyFilter},
			"id":          computed("The project ID."),
			"keypairs": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The key pairs, in the API's order; never null (empty when none).",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"name":               computed("The key pair's name."),
					"type":               computed("`ssh` or `x509`."),
					"scope":              computed(descScope),
					"public_key":         computed("The public key."),
					"fingerprint":        computed(descFingerprint),
					"private_key_hosted": schema.BoolAttribute{Computed: true, MarkdownDescription: descHosted},
					"frozen":             schema.BoolAttribute{Computed: true, MarkdownDescription: descFrozen},
				}},
			},
		},
	}
}

// ValidateConfig refuses a private key given as the public_key filter: a
// data source's arguments are saved in state.
func (d *keypairsDataSource) ValidateConfig(ctx context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	var filter types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("public_key"), &filter)...)
	resp.Diagnostics.Append(refusePrivateKeyFilter(filter)...)
}

// refusePrivateKeyFilter is the error for a private key given where the
// public_key filter belongs, with no attribute path: Terraform would print
// the attribute's source lines, the key itself when it is written there.
func refusePrivateKeyFilter(filter types.String) diag.Diagnostics {
	var diags diag.Diagnostics
	if !filter.IsNull() && !filter.IsUnknown() && keymaterial.IsPrivateKey(filter.ValueString()) {
		diags.AddError("The public_key filter holds a private key",
			"A private key was given where a public key belongs; it is not shown here, and nothing was read or saved. "+
				"The usual cause is file(\"id_ed25519\") in place of file(\"id_ed25519.pub\").")
	}
	return diags
}

func (d *keypairsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m keypairsDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	// Checked here too: a filter unknown at validation (from another
	// resource) is known by the read.
	resp.Diagnostics.Append(refusePrivateKeyFilter(m.PublicKey)...)
	client, project, diags := d.data.clientFor(ctx, m.ProjectID)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	all, err := client.Keypairs(ctx, project)
	if err != nil {
		resp.Diagnostics.AddError("Cannot list the KPS key pairs of project "+project, err.Error())
		return
	}
	m.Keypairs = []listedKeypairModel{} // an empty list, not null, when none is kept
	for _, kp := range all {
		if m.keeps(kp) {
			m.Keypairs = append(m.Keypairs, listedKeypairModel{Name: types.StringValue(kp.Name), keypairFacts: keypairFactsOf(kp)})
		}
	}
	m.ProjectID, m.ID = types.StringValue(project), types.StringValue(project)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// keeps reports whether kp passes every filter that is set.
func (m keypairsDataModel) keeps(kp kps.Keypair) bool {
	for _, f := range []struct {
		filter types.String
		value  string
	}{{m.Name, kp.Name}, {m.Fingerprint, kp.Fingerprint}} {
		if !f.filter.IsNull() && f.filter.ValueString() != f.value {
			return false
		}
	}
	// The same key in another text (a comment, a trailing newline) is the
	// same key: file(...) and trimspace(file(...)) find the same key pairs.
	return m.PublicKey.IsNull() || keymaterial.SameKey(m.PublicKey.ValueString(), kp.PublicKey)
}
