package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/kpsops/terraform-provider-kps/internal/keymaterial"
	"github.com/kpsops/terraform-provider-kps/internal/kps"
)

// kps_keypair at plan time: what KPS would refuse, what would lose a
// private key or put one where it does not belong, and what would delete a
// key pair that holds the only copy of one. Each is an error before
// anything is sent.

// ValidateConfig checks what the configuration alone decides: the key
// material, and the hosting settings.
func (r *keypairResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m keypairModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(checkKeyMaterial(m)...)
	if m.PrivateKeyHosting.IsUnknown() || m.PrivateKeyWO.IsUnknown() {
		return
	}
	if !m.PrivateKeyWO.IsNull() && m.PrivateKeyHosting.IsNull() {
		resp.Diagnostics.AddAttributeError(path.Root("private_key_wo"), "private_key_wo needs private_key_hosting",
			"private_key_wo is sent for KPS to host, encrypted: set private_key_hosting too.")
	}
	if !m.PrivateKeyWO.IsNull() && m.PublicKey.IsNull() {
		resp.Diagnostics.AddAttributeError(path.Root("private_key_wo"), "private_key_wo needs public_key",
			"Without public_key KPS generates the key pair and its private key itself: set public_key to the key "+
				"matching private_key_wo, or remove private_key_wo.")
	}
	if !m.PrivateKeyHosting.IsNull() {
		var h hostingModel
		resp.Diagnostics.Append(m.PrivateKeyHosting.As(ctx, &h, basetypes.ObjectAsOptions{})...)
		resp.Diagnostics.Append(h.check()...)
	}
}

// checkKeyMaterial checks public_key and private_key_wo where they are
// known. No message quotes either: a private key given as public_key must
// show nowhere, not even in the error that refuses it. So the errors about
// their text name the attribute in words and carry no attribute path:
// Terraform prints the source lines of an attribute an error points at,
// and those are the key itself when it is written in the configuration.
func checkKeyMaterial(m keypairModel) diag.Diagnostics {
	var diags diag.Diagnostics
	publicKey := path.Root("public_key")
	publicKnown := !m.PublicKey.IsNull() && !m.PublicKey.IsUnknown()
	switch {
	case !publicKnown:
	case m.PublicKey.ValueString() == "":
		diags.AddAttributeError(publicKey, "public_key is empty",
			"Omit public_key to have KPS generate the key pair (with private_key_hosting, so that KPS keeps its private "+
				"key), or set it to the public key to import.")
		publicKnown = false
	case keymaterial.IsPrivateKey(m.PublicKey.ValueString()):
		diags.AddError("public_key holds a private key",
			"A private key was given where the public key belongs; it is not shown here, and nothing was sent or "+
				"saved. The usual cause is file(\"id_ed25519\") in place of file(\"id_ed25519.pub\"). To have KPS keep "+
				"the private key too, give it as private_key_wo, with private_key_hosting.")
		publicKnown = false
	case m.Type.IsUnknown():
	default:
		if err := keymaterial.CheckPublicKey(m.PublicKey.ValueString(), typeOrDefault(m.Type)); err != nil {
			diags.AddError("public_key is not a public key KPS can import", err.Error()+".")
			publicKnown = false
		}
	}
	if m.PrivateKeyWO.IsNull() || m.PrivateKeyWO.IsUnknown() {
		return diags
	}
	privateKey := m.PrivateKeyWO.ValueString()
	switch err := keymaterial.CheckPrivateKey(privateKey); {
	case errors.Is(err, keymaterial.ErrEncrypted):
		diags.AddError("private_key_wo is encrypted",
			"The private key is protected by a passphrase, and KPS would host a key that no rotation could use. "+
				"Give it unencrypted (ssh-keygen -p -N \"\" -f KEY writes a copy without one); KPS encrypts what it "+
				"hosts (private_key_hosting).")
	case err != nil:
		diags.AddError("private_key_wo is not a private key KPS can host",
			"It must be an unencrypted PEM or OpenSSH private key: "+err.Error()+".")
	case publicKnown:
		if matches, known := keymaterial.Matches(privateKey, m.PublicKey.ValueString()); known && !matches {
			diags.AddError("private_key_wo does not belong to public_key",
				"The public key of private_key_wo is not public_key, so a rotation that exports the hosted key "+
					"could not log in to a server that accepts public_key. Give the private key of public_key.")
		}
	}
	return diags
}

// typeOrDefault is the key pair's type as configured, "ssh" when not set.
func typeOrDefault(t types.String) string {
	if t.IsNull() {
		return "ssh"
	}
	return t.ValueString()
}

// check refuses a KMS encryption without exactly one key, and a key without
// KMS encryption.
func (h hostingModel) check() diag.Diagnostics {
	var diags diag.Diagnostics
	if h.Encryption.IsUnknown() || h.KMSKeyID.IsUnknown() || h.KMSKeyName.IsUnknown() {
		return diags
	}
	at := path.Root("private_key_hosting")
	kms := h.Encryption.ValueString() == "kms"
	keys := 0
	for _, k := range []types.String{h.KMSKeyID, h.KMSKeyName} {
		if !k.IsNull() {
			keys++
		}
	}
	switch {
	case kms && keys != 1:
		diags.AddAttributeError(at, "KMS encryption needs exactly one KMS key",
			fmt.Sprintf("With encryption = \"kms\", set exactly one of kms_key_id and kms_key_name (%d set).", keys))
	case !kms && keys > 0:
		diags.AddAttributeError(at, "A KMS key without KMS encryption",
			"kms_key_id and kms_key_name go with encryption = \"kms\"; with KPS's own encryption they would be ignored.")
	}
	return diags
}

// ModifyPlan checks what depends on the key pair as it is: a create KPS
// would refuse, hosting asked of a key KPS does not hold, a plan that would
// delete a protected key pair. It warns where an update changes less, or
// more, than it looks, and plans deletion_protection's default.
func (r *keypairResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		resp.Diagnostics.Append(refuseProtectedDelete(ctx, req.State, "destroy it")...)
		return
	}
	var plan, config keypairModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// Checked here as well as in ValidateConfig: a public_key unknown then
	// (from another resource) is known by the plan at apply time.
	resp.Diagnostics.Append(checkKeyMaterial(config)...)
	if req.State.Raw.IsNull() {
		resp.Diagnostics.Append(checkCreate(config)...)
	} else {
		var state keypairModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		if resp.Diagnostics.HasError() {
			return
		}
		if replacing(plan, state) {
			resp.Diagnostics.Append(refuseProtectedDelete(ctx, req.State, "replace it")...)
		}
		resp.Diagnostics.Append(planUpdate(&plan, state)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	if config.DeletionProtection.IsNull() {
		// true while KPS holds the private key: then it holds the only copy.
		plan.DeletionProtection = plan.PrivateKeyHosted
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

// replacing reports whether the plan replaces the key pair in state: an
// attribute that forces a new key pair changes. The framework hands a
// resource's ModifyPlan none of what the attributes' RequiresReplace found,
// so it is told here from the values, after the attributes' plan
// modifiers (the same key in another text is no change).
func replacing(plan, state keypairModel) bool {
	for _, pair := range [][2]types.String{
		{plan.Name, state.Name}, {plan.Type, state.Type}, {plan.Scope, state.Scope}, {plan.UserID, state.UserID},
		{plan.PublicKey, state.PublicKey}, {plan.ProjectID, state.ProjectID},
	} {
		if !pair[0].Equal(pair[1]) {
			return true
		}
	}
	return false
}

// checkCreate refuses, at plan time, a create that would lose a private
// key or that KPS would refuse. A generated pair needs hosting: nobody
// else would ever hold its private key. An imported public key with
// hosting needs private_key_wo: KPS would have nothing to host, and
// refuses that create (KPS.0002). For a key pair that exists (imported,
// or moved from Huawei's provider) both configurations can be right, so
// these are checked for creates only.
func checkCreate(config keypairModel) diag.Diagnostics {
	var diags diag.Diagnostics
	if config.PublicKey.IsUnknown() || config.PrivateKeyHosting.IsUnknown() || config.PrivateKeyWO.IsUnknown() {
		return diags
	}
	switch hosting := !config.PrivateKeyHosting.IsNull(); {
	case config.PublicKey.IsNull() && !hosting:
		diags.AddAttributeError(path.Root("private_key_hosting"), "A generated key pair needs private_key_hosting",
			"Without public_key, KPS generates the key pair, and its private key would be kept by nobody. Set "+
				"private_key_hosting (private_key_hosting = {} for KPS's own encryption), or give public_key to import a "+
				"key pair whose private key you keep: a .pub file (file(\"~/.ssh/id_ed25519.pub\")), or the "+
				"public_key_openssh of a tls_private_key resource.")
	case !config.PublicKey.IsNull() && hosting && config.PrivateKeyWO.IsNull():
		diags.AddAttributeError(path.Root("private_key_hosting"), "private_key_hosting needs private_key_wo here",
			"With public_key imported, KPS has no private key to host unless it is sent: set private_key_wo (and "+
				"private_key_wo_version), or remove private_key_hosting. KPS refuses this create with KPS.0002.")
	}
	return diags
}

// planUpdate checks and plans an update of the key pair in state: hosting
// asked of a key KPS does not hold is an error, a private key for a name
// KPS's import refuses too; removing hosting, or changing it for a key KPS
// holds, is a warning, and what KPS will hold is unknown until applied.
func planUpdate(plan *keypairModel, state keypairModel) diag.Diagnostics {
	var diags diag.Diagnostics
	at := path.Root("private_key_hosting")
	name := state.Name.ValueString()
	sending := !plan.PrivateKeyWOVersion.Equal(state.PrivateKeyWOVersion) || plan.PrivateKeyWOVersion.IsUnknown()
	hostingChanged := !plan.PrivateKeyHosting.Equal(state.PrivateKeyHosting)
	switch {
	case sending && len(name) > kps.MaxImportedKeyName && !plan.PrivateKeyWOVersion.IsNull():
		diags.AddAttributeError(path.Root("private_key_wo_version"), "KPS cannot host a new private key for "+name,
			fmt.Sprintf("KPS's private-key import takes names of at most %d characters, and %s has %d. Host the key "+
				"on a key pair with a shorter name.", kps.MaxImportedKeyName, name, len(name)))
	case plan.PrivateKeyHosting.IsNull() && !state.PrivateKeyHosting.IsNull():
		diags.AddAttributeWarning(at, "KPS will no longer hold the private key",
			"Removing private_key_hosting has KPS forget the private key of "+name+". For a key pair "+
				"KPS generated, that is the only copy: no one will be able to log in with it again.")
		plan.PrivateKeyHosted = types.BoolUnknown()
	case hostingUnmet(*plan, state, sending):
		// A warning and a planned change, not an error: terraform destroy
		// plans the configuration too, to refresh, and an error here would
		// stop the destroy of a key pair whose key was cleared elsewhere.
		// The apply of this change is refused, sending nothing (Update).
		diags.AddAttributeWarning(at, "KPS holds no private key for "+name, hostingUnmetDetail(name))
		plan.PrivateKeyHosted = types.BoolValue(true)
	case hostingChanged && state.PrivateKeyHosted.ValueBool() && !sending:
		diags.AddAttributeWarning(at, "Nothing changes in KPS",
			"KPS already holds the private key of "+name+" and cannot re-encrypt it without being sent "+
				"the key: the new private_key_hosting is recorded, and takes effect when a new private_key_wo_version "+
				"sends the key again.")
	case sending || hostingChanged:
		plan.PrivateKeyHosted = types.BoolUnknown()
	}
	return diags
}

// hostingUnmet reports whether the plan asks KPS to keep a private key it
// does not hold for the key pair in state (imported without one, or
// cleared outside Terraform), with no new private_key_wo_version to send
// one.
func hostingUnmet(plan, state keypairModel, sending bool) bool {
	return !plan.PrivateKeyHosting.IsNull() && !plan.PrivateKeyHosting.IsUnknown() && !sending &&
		!state.PrivateKeyHosted.IsNull() && !state.PrivateKeyHosted.IsUnknown() && !state.PrivateKeyHosted.ValueBool()
}

// hostingUnmetDetail says what hostingUnmet means, and the two ways out.
func hostingUnmetDetail(name string) string {
	return "private_key_hosting asks KPS to keep the private key of " + name + ", but KPS holds none for it (it was " +
		"imported without one, or its key was cleared outside Terraform), and nothing in this configuration sends " +
		"one: an apply is refused, and sends nothing. Either send the private key: private_key_wo with a new " +
		"private_key_wo_version; or remove private_key_hosting, to manage the key pair without a hosted key."
}

// sameKeyKeepsState plans public_key as it is in state when the
// configuration gives the same key in another text (another comment, white
// space, or form: KPS gives an imported key back without its comment), so
// that an import, a move or a refresh of a matching key pair plans nothing.
type sameKeyKeepsState struct{}

func (sameKeyKeepsState) Description(context.Context) string {
	return "The same key in another text is no change."
}

func (m sameKeyKeepsState) MarkdownDescription(ctx context.Context) string { return m.Description(ctx) }

func (sameKeyKeepsState) PlanModifyString(_ context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if req.StateValue.IsNull() || req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() || req.StateValue.IsUnknown() {
		return
	}
	if keymaterial.SameKey(req.StateValue.ValueString(), req.ConfigValue.ValueString()) {
		resp.PlanValue = req.StateValue
	}
}
