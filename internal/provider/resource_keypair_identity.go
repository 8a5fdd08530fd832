package provider

import (
	"cmp"
	"context"
	"encoding/json"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/kpsops/terraform-provider-kps/internal/kps"
)

// Adopting what exists, for kps_keypair: its identity {name, project_id}
// (import blocks by identity, Terraform 1.12), and a move from Huawei's
// own huaweicloud_kps_keypair (moved blocks, Terraform 1.8) that carries
// the key pair over unchanged and drops any private key its state held.

var (
	_ resource.ResourceWithIdentity  = (*keypairResource)(nil)
	_ resource.ResourceWithMoveState = (*keypairResource)(nil)
)

// keypairIdentity is kps_keypair's identity.
type keypairIdentity struct {
	Name      types.String `tfsdk:"name"`
	ProjectID types.String `tfsdk:"project_id"`
}

func (r *keypairResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"name": identityschema.StringAttribute{RequiredForImport: true, Description: "The key pair's name."},
			"project_id": identityschema.StringAttribute{OptionalForImport: true,
				Description: "The IAM project of the key pair; the provider's when not given."},
		},
	}
}

// identityOf is m's identity.
func identityOf(m *keypairModel) keypairIdentity {
	return keypairIdentity{Name: m.Name, ProjectID: m.ProjectID}
}

// recordIdentity records m's identity, where the framework hands one over:
// a CLI below Terraform 1.12 sends none (identity is nil then).
func recordIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, m *keypairModel) diag.Diagnostics {
	if identity == nil {
		return nil
	}
	id := identityOf(m)
	return identity.Set(ctx, &id)
}

// importTarget is the name and project an import names, by identity or by
// an ID of <name> or <project_id>/<name>.
func importTarget(ctx context.Context, req resource.ImportStateRequest) (name, project string, diags diag.Diagnostics) {
	if req.ID == "" && req.Identity != nil {
		var id keypairIdentity
		diags.Append(req.Identity.Get(ctx, &id)...)
		return id.Name.ValueString(), id.ProjectID.ValueString(), diags
	}
	project, name, found := strings.Cut(req.ID, "/")
	if !found {
		project, name = "", req.ID
	}
	return name, project, diags
}

// huaweiKeypairType is the resource type of Huawei's provider that moves here.
const huaweiKeypairType = "huaweicloud_kps_keypair"

func (r *keypairResource) MoveState(context.Context) []resource.StateMover {
	return []resource.StateMover{{StateMover: r.moveFromHuawei}}
}

// huaweiKeypairState is what the state of huaweicloud_kps_keypair holds
// that carries over (its schema: huaweicloud/services/dew/
// resource_huaweicloud_kps_keypair.go). user_id and kms_key_id are in its
// newer versions only.
type huaweiKeypairState struct {
	Name           string `json:"name"`
	Scope          string `json:"scope"`
	UserID         string `json:"user_id"`
	Description    string `json:"description"`
	PublicKey      string `json:"public_key"`
	Fingerprint    string `json:"fingerprint"`
	EncryptionType string `json:"encryption_type"`
	KMSKeyID       string `json:"kms_key_id"`
	KMSKeyName     string `json:"kms_key_name"`
	IsManaged      *bool  `json:"is_managed"`
	PrivateKey     string `json:"private_key"`
}

// moveFromHuawei adopts a huaweicloud_kps_keypair's key pair as it is:
// recreating it would mean a new key on every server. Its private key, if
// its state held one, is dropped, never copied. Any other source type is
// refused, naming it.
func (r *keypairResource) moveFromHuawei(ctx context.Context, req resource.MoveStateRequest, resp *resource.MoveStateResponse) {
	if req.SourceTypeName != huaweiKeypairType {
		resp.Diagnostics.AddError("Cannot move "+req.SourceTypeName+" to kps_keypair",
			"kps_keypair adopts only Huawei's huaweicloud_kps_keypair (moved { from = huaweicloud_kps_keypair.x  to = "+
				"kps_keypair.x }); "+req.SourceTypeName+" from "+req.SourceProviderAddress+" is not a key pair it knows. "+
				"Import the key pair by name instead.")
		return
	}
	if req.SourceRawState == nil {
		resp.Diagnostics.AddError("Cannot move "+huaweiKeypairType+" to kps_keypair", "The source state is empty.")
		return
	}
	var src huaweiKeypairState
	if err := json.Unmarshal(req.SourceRawState.JSON, &src); err != nil || kps.CheckKeypairName("name", src.Name) != nil {
		resp.Diagnostics.AddError("Cannot move "+huaweiKeypairType+" to kps_keypair",
			"Its state could not be read as Huawei's provider writes it (a name of 1 to 255 letters, digits, - and _).")
		return
	}
	m := keypairModel{
		Name: types.StringValue(src.Name), ID: types.StringValue(src.Name), Type: types.StringValue("ssh"),
		Scope:       types.StringValue(cmp.Or(src.Scope, "user")),
		UserID:      nullIfEmpty(src.UserID),
		Description: nullIfEmpty(src.Description),
		PublicKey:   nullIfEmpty(src.PublicKey), Fingerprint: nullIfEmpty(src.Fingerprint),
		PrivateKeyHosting: types.ObjectNull(hostingAttrTypes), PrivateKeyWO: types.StringNull(),
		PrivateKeyWOVersion: types.Int64Null(), Frozen: types.BoolNull(), CreatedAt: timetypes.NewRFC3339Null(),
		ProjectID: types.StringNull(), PrivateKeyHosted: types.BoolNull(),
		// Its default, set by the refresh that follows the move.
		DeletionProtection: types.BoolNull(),
	}
	if src.IsManaged != nil {
		m.PrivateKeyHosted = types.BoolValue(*src.IsManaged)
	}

	if src.EncryptionType != "" {
		hosting, d := types.ObjectValueFrom(ctx, hostingAttrTypes, hostingModel{
			Encryption: types.StringValue(src.EncryptionType), KMSKeyID: nullIfEmpty(src.KMSKeyID), KMSKeyName: nullIfEmpty(src.KMSKeyName),
		})
		resp.Diagnostics.Append(d...)
		m.PrivateKeyHosting = hosting
	}
	if src.PrivateKey != "" {
		resp.Diagnostics.AddAttributeWarning(path.Root("private_key_hosting"), "The private key in the moved state was dropped",
			"The state of "+huaweiKeypairType+" held the private key of "+src.Name+" in plain text. kps_keypair keeps no "+
				"private key, so it was not copied. The old state's earlier versions, in its backend, still hold it: remove "+
				"them (for example, delete the state file's backups and old object versions of a remote backend). To have "+
				"KPS keep the key, set private_key_hosting with private_key_wo.")
	}
	// No identity yet: Huawei's state does not say which project, and the
	// provider is not configured while a move is planned. The refresh that
	// follows records it, from no identity to one, which Terraform allows
	// (a half-known identity would be an "unexpected identity change").
	resp.Diagnostics.Append(resp.TargetState.Set(ctx, &m)...)
}

// hostingAttrTypes are private_key_hosting's attributes.
var hostingAttrTypes = map[string]attr.Type{
	"encryption": types.StringType, "kms_key_id": types.StringType, "kms_key_name": types.StringType,
}
