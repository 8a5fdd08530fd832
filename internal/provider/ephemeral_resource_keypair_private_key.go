package provider

import (
	"context"
	"errors"

	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/kpsops/terraform-provider-kps/internal/kps"
)

var (
	_ ephemeral.EphemeralResource              = (*keypairPrivateKeyEphemeral)(nil)
	_ ephemeral.EphemeralResourceWithConfigure = (*keypairPrivateKeyEphemeral)(nil)
)

func newKeypairPrivateKeyEphemeral() ephemeral.EphemeralResource {
	return &keypairPrivateKeyEphemeral{}
}

// keypairPrivateKeyEphemeral is the private key KPS hosts for a key pair,
// for one run only: Terraform keeps it in neither plan nor state, and it
// can go only where ephemeral values may (write-only arguments such as
// auth.key_wo, an action's auth.key). It is never in a model that is saved.
type keypairPrivateKeyEphemeral struct {
	configuredEphemeral
}

type keypairPrivateKeyModel struct {
	Name        types.String `tfsdk:"name"`
	ProjectID   types.String `tfsdk:"project_id"`
	PrivateKey  types.String `tfsdk:"private_key"`
	Fingerprint types.String `tfsdk:"fingerprint"`
}

func (e *keypairPrivateKeyEphemeral) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_keypair_private_key"
}

func (e *keypairPrivateKeyEphemeral) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The private key KPS hosts for a key pair, fetched (`POST /v3/{project_id}/keypairs/private-key/export`) " +
			"for the length of one run: Terraform keeps it in neither plan nor state. It can go only where ephemeral " +
			"values may: write-only arguments such as `kps_keypair_association`'s `auth.key_wo` and an action's `auth.key`, " +
			"provider blocks, other ephemeral resources. Terraform 1.10 and newer, OpenTofu 1.11 and newer.",
		Attributes: map[string]schema.Attribute{
			"name": schema.StringAttribute{
				Required: true, MarkdownDescription: "The key pair whose private key KPS hosts. " + descKeypairName,
				Validators: []validator.String{keypairNameValidator()},
			},
			"project_id": schema.StringAttribute{
				Optional: true, Computed: true, MarkdownDescription: descKeypairProject,
				Validators: []validator.String{idValidator()},
			},
			"private_key": schema.StringAttribute{
				Computed: true, Sensitive: true,
				MarkdownDescription: "The private key, for this run only.",
			},
			"fingerprint": schema.StringAttribute{Computed: true, MarkdownDescription: descFingerprint},
		},
	}
}

// Open exports the private key. A key pair whose private key KPS does not
// host is an error that says so, and how to make KPS host it.
func (e *keypairPrivateKeyEphemeral) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	var m keypairPrivateKeyModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	client, project, diags := e.data.clientFor(ctx, m.ProjectID)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := m.Name.ValueString()
	key, err := client.ExportPrivateKey(ctx, project, name)
	if err != nil {
		kp, readErr := client.Keypair(ctx, project, name)
		if readErr == nil && !kp.PrivateKeyHosted {
			resp.Diagnostics.AddAttributeError(path.Root("name"), "KPS does not host the private key of "+name,
				"Key pair "+name+" exists, but KPS holds no private key for it, so there is none to export ("+
					withoutNotFoundHint(err)+"). private_key_hosting on its kps_keypair makes KPS keep it (with "+
					"private_key_wo for a public key imported), or give the key from where it is kept.")
			return
		}
		resp.Diagnostics.AddError("Cannot export the private key of KPS key pair "+name, err.Error())
		return
	}
	kp, err := client.Keypair(ctx, project, name)
	if err != nil {
		resp.Diagnostics.AddError("Cannot read KPS key pair "+name, err.Error())
		return
	}
	m.ProjectID, m.PrivateKey, m.Fingerprint = types.StringValue(project), types.StringValue(key), types.StringValue(kp.Fingerprint)
	resp.Diagnostics.Append(resp.Result.Set(ctx, &m)...)
}

// withoutNotFoundHint is err's text without the hint that what was asked
// for may not exist: said of a key pair just read, it would contradict
// what the error says.
func withoutNotFoundHint(err error) string {
	var re *kps.ResponseError
	if !errors.As(err, &re) {
		return err.Error()
	}
	plain := *re
	plain.NotFoundHint = ""
	return plain.Error()
}
