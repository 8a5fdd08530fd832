package provider

import (
	"context"
	"errors"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/kpsops/terraform-provider-kps/internal/keymaterial"
	"github.com/kpsops/terraform-provider-kps/internal/keypairops"
	"github.com/kpsops/terraform-provider-kps/internal/kps"
)

var (
	_ resource.Resource                   = (*keypairResource)(nil)
	_ resource.ResourceWithConfigure      = (*keypairResource)(nil)
	_ resource.ResourceWithValidateConfig = (*keypairResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*keypairResource)(nil)
	_ resource.ResourceWithImportState    = (*keypairResource)(nil)
)

func newKeypairResource() resource.Resource { return &keypairResource{} }

// keypairResource is a KPS key pair, under one rule: a private key never
// rests outside KPS. KPS generates and hosts it, or hosts one sent through
// the write-only private_key_wo; no private key is ever in a model that is
// saved, and the one a create's answer carries is dropped by the client.
type keypairResource struct {
	configuredResource
}

type keypairModel struct {
	Name                types.String      `tfsdk:"name"`
	Type                types.String      `tfsdk:"type"`
	Scope               types.String      `tfsdk:"scope"`
	UserID              types.String      `tfsdk:"user_id"`
	Description         types.String      `tfsdk:"description"`
	PublicKey           types.String      `tfsdk:"public_key"`
	PrivateKeyHosting   types.Object      `tfsdk:"private_key_hosting"`
	PrivateKeyWO        types.String      `tfsdk:"private_key_wo"`
	PrivateKeyWOVersion types.Int64       `tfsdk:"private_key_wo_version"`
	ID                  types.String      `tfsdk:"id"`
	Fingerprint         types.String      `tfsdk:"fingerprint"`
	PrivateKeyHosted    types.Bool        `tfsdk:"private_key_hosted"`
	Frozen              types.Bool        `tfsdk:"frozen"`
	CreatedAt           timetypes.RFC3339 `tfsdk:"created_at"`
	ProjectID           types.String      `tfsdk:"project_id"`
	DeletionProtection  types.Bool        `tfsdk:"deletion_protection"`
}

// hostingModel is private_key_hosting.
type hostingModel struct {
	Encryption types.String `tfsdk:"encryption"`
	KMSKeyID   types.String `tfsdk:"kms_key_id"`
	KMSKeyName types.String `tfsdk:"kms_key_name"`
}

func (r *keypairResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_keypair"
}

func (r *keypairResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	keep := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "A KPS key pair, under one rule: **a private key never rests outside KPS**. KPS generates " +
			"the pair and keeps the private key, encrypted (`private_key_hosting`), or you import a public key and, " +
			"optionally, have KPS keep its private key too, sent write-only (`private_key_wo`). No private key is ever " +
			"in the state, the plan, a file or a log line; a run that needs one fetches it as an ephemeral value.\n\n" +
			"A create is sent once only: when its answer is lost, the key pair is read by name and adopted only when it is " +
			"the one this create made. A key pair deleted elsewhere is planned as a create, with a warning; a delete of one " +
			"already gone succeeds. While KPS holds the private key, `deletion_protection` refuses, at plan time, any plan " +
			"that would delete the key pair. Import with `terraform import kps_keypair.x <name>` or `<project_id>/<name>`.",
		Attributes: map[string]schema.Attribute{
			"name": schema.StringAttribute{
				Required: true, MarkdownDescription: descKeypairName + " Changing it forces a new key pair.",
				Validators: []validator.String{keypairNameValidator()}, PlanModifiers: replace,
			},
			"type": schema.StringAttribute{
				Optional: true, Computed: true, Default: stringdefault.StaticString("ssh"),
				MarkdownDescription: "`ssh` or `x509`. Defaults to `ssh`. Changing it forces a new key pair.",
				Validators:          []validator.String{stringvalidator.OneOf("ssh", "x509")}, PlanModifiers: replace,
			},
			"scope": schema.StringAttribute{
				Optional: true, Computed: true, Default: stringdefault.StaticString("user"),
				MarkdownDescription: descScope + " Defaults to `user`. Changing it forces a new key pair.",
				Validators:          []validator.String{stringvalidator.OneOf("user", "account")}, PlanModifiers: replace,
			},
			"user_id": schema.StringAttribute{
				Optional: true, Computed: true,
				MarkdownDescription: "The IAM user the key pair belongs to; KPS defaults to the caller. Changing it forces a new key pair.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplace()},
			},
			"description": schema.StringAttribute{
				Optional: true, MarkdownDescription: "A description, at most 255 characters; updated in place.",
				Validators: []validator.String{stringvalidator.LengthAtMost(255)},
			},
			"public_key": schema.StringAttribute{
				Optional: true, Computed: true,
				MarkdownDescription: "The public key to import: an OpenSSH line or an RFC 4716 block for `type = \"ssh\"`, a PEM " +
					"block for `x509`; never a private key (refused at plan time, and shown nowhere). When not set, KPS " +
					"generates the pair and this is the public key it made (the private key is then only hosted: set " +
					"`private_key_hosting`). The same key in another text (another comment or white space, or the OpenSSH " +
					"line of an RFC 4716 block) is no change: KPS may give an imported key back without its comment. Changing " +
					"it to another key forces a new key pair.",
				PlanModifiers: []planmodifier.String{
					stringplanmodifier.UseStateForUnknown(), sameKeyKeepsState{}, stringplanmodifier.RequiresReplace(),
				},
			},
			"private_key_hosting": schema.SingleNestedAttribute{
				Optional: true,
				MarkdownDescription: "KPS keeps the private key, encrypted. Set it to `{}` for KPS's own encryption. Removing it " +
					"has KPS forget the private key (for a generated pair, its only copy; the configuration needs nothing else: " +
					"the public key KPS made stays in state). KPS does not say how a key it holds is encrypted: this is what " +
					"the configuration last applied, and changing it without a new `private_key_wo_version` changes nothing in " +
					"KPS. Set on a key pair whose private key KPS does not hold, without a new `private_key_wo_version`, the " +
					"plan warns and the apply is refused, sending nothing.",
				Attributes: map[string]schema.Attribute{
					"encryption": schema.StringAttribute{
						Optional: true, Computed: true, Default: stringdefault.StaticString("default"),
						MarkdownDescription: "`default` (KPS's own key) or `kms` (a KMS key: set exactly one of `kms_key_id` and `kms_key_name`). Defaults to `default`.",
						Validators:          []validator.String{stringvalidator.OneOf("default", "kms")},
					},
					"kms_key_id":   schema.StringAttribute{Optional: true, MarkdownDescription: "The KMS key's ID, with `encryption = \"kms\"`."},
					"kms_key_name": schema.StringAttribute{Optional: true, MarkdownDescription: "The KMS key's name, with `encryption = \"kms\"`."},
				},
			},
			"private_key_wo": schema.StringAttribute{
				Optional: true, Sensitive: true, WriteOnly: true,
				MarkdownDescription: "A private key for KPS to host: an unencrypted PEM or OpenSSH private key whose public key is " +
					"`public_key` (both checked at plan time when known). Write-only (Terraform 1.11 and newer): sent to KPS, " +
					"never stored in the plan or state. Needs `private_key_hosting`. A new one on a key pair whose name is longer " +
					"than 64 characters is refused: KPS's private-key import takes no longer names.",
			},
			"private_key_wo_version": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: "Any number; changing it sends `private_key_wo` again (write-only values are not compared " +
					"between plans). Only with `private_key_wo`.",
				Validators: []validator.Int64{int64validator.AlsoRequires(path.MatchRoot("private_key_wo"))},
			},
			"id":          schema.StringAttribute{Computed: true, MarkdownDescription: "The key pair's name.", PlanModifiers: keep},
			"fingerprint": schema.StringAttribute{Computed: true, MarkdownDescription: descFingerprint, PlanModifiers: keep},
			"private_key_hosted": schema.BoolAttribute{
				Computed: true, MarkdownDescription: descHosted,
				PlanModifiers: []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()},
			},
			"frozen": schema.BoolAttribute{
				Computed: true, MarkdownDescription: descFrozen,
				PlanModifiers: []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()},
			},
			"created_at": schema.StringAttribute{Computed: true, CustomType: timetypes.RFC3339Type{},
				MarkdownDescription: "When KPS created the key pair, in RFC 3339 UTC.", PlanModifiers: keep},
			"project_id": schema.StringAttribute{
				Optional: true, Computed: true,
				MarkdownDescription: "The IAM project of the key pair. Defaults to the provider's `project_id`. " + descIDRule +
					" Changing it forces a new key pair.",
				Validators:    []validator.String{idValidator()},
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplace()},
			},
			"deletion_protection": schema.BoolAttribute{
				Optional: true, Computed: true,
				MarkdownDescription: "When true, a plan that would delete the key pair (`terraform destroy`, a replacement, its " +
					"removal from the configuration) fails at plan time, naming it and saying how to proceed. When not set: " +
					"true while KPS holds the private key (then KPS holds the only copy, and deleting it would leave every " +
					"server bound to it accepting a key nobody has), false otherwise. To delete a protected key pair, set " +
					"`deletion_protection = false` and apply that first. Terraform-side only: nothing is sent to KPS.",
			},
		},
	}
}

// sent is the hosting to send, with the private key given.
func (h hostingModel) sent(privateKey string) kps.Hosting {
	return kps.Hosting{PrivateKey: privateKey, Encryption: h.Encryption.ValueString(),
		KMSKeyID: h.KMSKeyID.ValueString(), KMSKeyName: h.KMSKeyName.ValueString()}
}

// Create creates the key pair, then sets its description (the create call
// has none) and reads it back. The create is sent once only; once the key
// pair exists, a later step that fails still saves it, tainted, so that
// nothing is left behind unmanaged.
func (r *keypairResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan keypairModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	client, project, privateKey := r.inputs(ctx, req.Config, plan.ProjectID, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	create := kps.CreateKeypairRequest{
		Name: plan.Name.ValueString(), Type: plan.Type.ValueString(), Scope: scopeToWire(plan.Scope.ValueString()),
		UserID: plan.UserID.ValueString(), PublicKey: plan.PublicKey.ValueString(),
	}
	if !plan.PrivateKeyHosting.IsNull() {
		var h hostingModel
		resp.Diagnostics.Append(plan.PrivateKeyHosting.As(ctx, &h, basetypes.ObjectAsOptions{})...)
		hosting := h.sent(privateKey)
		create.Hosting = &hosting
	}
	if resp.Diagnostics.HasError() {
		return
	}
	created, err := keypairops.CreateKeypair(ctx, client, project, create, time.Now)
	if err != nil {
		resp.Diagnostics.AddError("Cannot create KPS key pair "+create.Name, createErrorDetail(project, create.Name, err))
		return
	}
	if created.Adopted {
		tflog.Info(ctx, "The create's answer was lost; the key pair it made was found by name and adopted",
			map[string]any{"name": create.Name})
	}
	plan.ProjectID = types.StringValue(project)
	plan.ID = plan.Name
	// The create's answer has no description (the call takes none): the
	// planned one is what the PUT below sets.
	description := plan.Description
	refreshKeypair(&plan, created.Keypair)
	plan.Description = description
	if !plan.Description.IsNull() {
		if err := client.UpdateKeypairDescription(ctx, project, create.Name, plan.Description.ValueString()); err != nil {
			resp.Diagnostics.AddError("KPS key pair "+create.Name+" was created, but its description could not be set",
				err.Error()+". The key pair is saved to state, tainted: the next apply replaces it.")
		}
	}
	if !resp.Diagnostics.HasError() {
		if kp, err := client.Keypair(ctx, project, create.Name); err != nil {
			resp.Diagnostics.AddError("KPS key pair "+create.Name+" was created, but could not be read back",
				err.Error()+". The key pair is saved to state, tainted: the next apply replaces it.")
		} else {
			refreshKeypair(&plan, kp)
		}
	}
	settleUnknown(&plan)
	resp.Diagnostics.Append(settleProtection(ctx, req.Config, &plan, resp.Private, resp.Diagnostics.HasError())...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(recordIdentity(ctx, resp.Identity, &plan)...)
}

// inputs are what Create and Update need first: the client and project,
// and private_key_wo, read from the configuration, the only place a
// write-only value is.
func (r *keypairResource) inputs(ctx context.Context, config tfsdk.Config, projectOverride types.String, diags *diag.Diagnostics,
) (client *kps.Client, project, privateKey string) {
	client, project, d := r.data.clientFor(ctx, projectOverride)
	diags.Append(d...)
	var key types.String
	diags.Append(config.GetAttribute(ctx, path.Root("private_key_wo"), &key)...)
	return client, project, key.ValueString()
}

// refreshKeypair sets m's computed attributes, and what KPS reports of the
// others, from kp. public_key keeps the text in m when KPS's is the same
// key in another text.
func refreshKeypair(m *keypairModel, kp kps.Keypair) {
	facts := keypairFactsOf(kp)
	if kp.Type != "" {
		m.Type = facts.Type
	}
	if kp.Scope != "" {
		m.Scope = facts.Scope
	}
	if kp.UserID != "" {
		m.UserID = types.StringValue(kp.UserID)
	}
	if kp.PublicKey != "" && (m.PublicKey.IsNull() || m.PublicKey.IsUnknown() || !keymaterial.SameKey(kp.PublicKey, m.PublicKey.ValueString())) {
		m.PublicKey = facts.PublicKey
	}
	if kp.Description != "" || !m.Description.IsNull() {
		m.Description = types.StringValue(kp.Description)
	}
	if kp.Fingerprint != "" {
		m.Fingerprint = facts.Fingerprint
	}
	m.PrivateKeyHosted, m.Frozen = facts.PrivateKeyHosted, facts.Frozen
	if !kp.CreatedAt.IsZero() || m.CreatedAt.IsUnknown() {
		m.CreatedAt = createdAt(kp)
	}
}

// settleUnknown gives every computed attribute still unknown after a create
// a value: null, where KPS said nothing of it.
func settleUnknown(m *keypairModel) {
	for _, s := range []*types.String{&m.UserID, &m.PublicKey, &m.Fingerprint} {
		if s.IsUnknown() {
			*s = types.StringNull()
		}
	}
	if m.CreatedAt.IsUnknown() {
		m.CreatedAt = timetypes.NewRFC3339Null()
	}
	for _, b := range []*types.Bool{&m.PrivateKeyHosted, &m.Frozen} {
		if b.IsUnknown() {
			*b = types.BoolNull()
		}
	}
}

// Read refreshes the key pair. One that no longer exists is removed from
// state with a warning, so that the next plan creates it.
// private_key_hosting is kept as the configuration last applied it: KPS does
// not say how a key it holds is encrypted.
func (r *keypairResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var m keypairModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	client, project, diags := r.data.clientFor(ctx, m.ProjectID)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	kp, err := client.Keypair(ctx, project, m.Name.ValueString())
	switch {
	case kps.IsGone(err):
		// The framework wants an identity after a Read even when the
		// resource is removed: a CLI below 1.12 sent none to keep.
		m.ProjectID = types.StringValue(project)
		resp.Diagnostics.Append(recordIdentity(ctx, resp.Identity, &m)...)
		resp.Diagnostics.AddWarning("KPS key pair "+m.Name.ValueString()+" no longer exists",
			"It was deleted outside Terraform ("+err.Error()+"). It is removed from state: the next plan creates it anew, "+
				"with a new key, so every server bound to it needs the new key pair.")
		resp.State.RemoveResource(ctx)
		return
	case err != nil:
		resp.Diagnostics.AddError("Cannot read KPS key pair "+m.Name.ValueString(), err.Error())
		return
	case replacedElsewhere(m, kp):
		// Not the key pair this state made or adopted: deleting or
		// replacing it would delete someone else's key. Forgotten, so that
		// the next plan's create says whose it is and how to import it.
		m.ProjectID = types.StringValue(project)
		resp.Diagnostics.Append(recordIdentity(ctx, resp.Identity, &m)...)
		resp.Diagnostics.AddWarning("KPS key pair "+m.Name.ValueString()+" now holds another key",
			"The key pair of that name in KPS (made "+madeWhen(kp)+") holds another public key than the one in state: it "+
				"was deleted and made again outside Terraform. It is removed from state and left as it is in KPS; the next "+
				"plan creates the key pair anew, and that create fails while the name is taken. Import the key pair that "+
				"holds it to manage it here, or choose another name.")
		resp.State.RemoveResource(ctx)
		return
	}
	m.ProjectID = types.StringValue(project)
	m.ID = m.Name
	refreshKeypair(&m, kp)
	resp.Diagnostics.Append(refreshProtection(ctx, req.Private, resp.Private, &m)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	resp.Diagnostics.Append(recordIdentity(ctx, resp.Identity, &m)...)
}

// Update sets the description, sends the private key again for a new
// private_key_wo_version, and has KPS forget it when private_key_hosting is
// removed; everything else forces a new key pair (ModifyPlan refuses
// hosting asked of a key KPS does not hold, with no key sent).
func (r *keypairResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state keypairModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	client, project, privateKey := r.inputs(ctx, req.Config, state.ProjectID, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	name := state.Name.ValueString()
	sending := !plan.PrivateKeyWOVersion.Equal(state.PrivateKeyWOVersion)
	if hostingUnmet(plan, state, sending) {
		resp.Diagnostics.AddAttributeError(path.Root("private_key_hosting"), "KPS holds no private key for "+name,
			hostingUnmetDetail(name))
		return
	}
	if !r.stillOurs(ctx, client, project, state, "update", &resp.Diagnostics) {
		return
	}
	// What each step changed is saved as it succeeds, so that a step that
	// fails leaves the state true to KPS.
	saved := state
	if !plan.Description.Equal(state.Description) {
		if err := client.UpdateKeypairDescription(ctx, project, name, plan.Description.ValueString()); err != nil {
			resp.Diagnostics.AddError("Cannot update the description of KPS key pair "+name, err.Error())
			resp.Diagnostics.Append(resp.State.Set(ctx, &saved)...)
			return
		}
		saved.Description = plan.Description
	}
	switch {
	case plan.PrivateKeyHosting.IsNull() && !state.PrivateKeyHosting.IsNull():
		if err := client.ClearPrivateKey(ctx, project, name); err != nil {
			resp.Diagnostics.AddError("Cannot have KPS forget the private key of "+name, err.Error())
			resp.Diagnostics.Append(resp.State.Set(ctx, &saved)...)
			return
		}
	case !plan.PrivateKeyHosting.IsNull() && privateKey != "" && !plan.PrivateKeyWOVersion.Equal(state.PrivateKeyWOVersion):
		var h hostingModel
		resp.Diagnostics.Append(plan.PrivateKeyHosting.As(ctx, &h, basetypes.ObjectAsOptions{})...)
		if err := client.ImportPrivateKey(ctx, project, name, state.UserID.ValueString(), h.sent(privateKey)); err != nil {
			resp.Diagnostics.AddError("Cannot have KPS host the private key of "+name, err.Error())
			resp.Diagnostics.Append(resp.State.Set(ctx, &saved)...)
			return
		}
	}
	saved.PrivateKeyHosting, saved.PrivateKeyWOVersion = plan.PrivateKeyHosting, plan.PrivateKeyWOVersion
	saved.DeletionProtection = plan.DeletionProtection
	kp, err := client.Keypair(ctx, project, name)
	if err != nil {
		resp.Diagnostics.AddError("KPS key pair "+name+" was updated, but could not be read back", err.Error())
		saved.PrivateKeyHosted = types.BoolNull()
		resp.Diagnostics.Append(settleProtection(ctx, req.Config, &saved, resp.Private, false)...)
		resp.Diagnostics.Append(resp.State.Set(ctx, &saved)...)
		return
	}
	refreshKeypair(&saved, kp)
	resp.Diagnostics.Append(settleProtection(ctx, req.Config, &saved, resp.Private, false)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &saved)...)
	resp.Diagnostics.Append(recordIdentity(ctx, resp.Identity, &saved)...)
}

// Delete deletes the key pair; one already gone is success. A refusal keeps
// the state, with KPS's code and message. It refuses a protected key pair
// too: ModifyPlan refuses every plan it can see deleting one, but a
// tainted resource, or terraform apply -replace, plans a deletion the
// provider is not shown while planning. And it deletes only the key pair
// this state made: one made again elsewhere under its name (a plan made
// with -refresh=false would not have seen it) is forgotten, not deleted.
func (r *keypairResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var m keypairModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	client, project, diags := r.data.clientFor(ctx, m.ProjectID)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := m.Name.ValueString()
	if protected(m) {
		resp.Diagnostics.AddError("KPS key pair "+name+" is protected from deletion",
			"This apply would delete key pair "+name+" (to replace it: terraform apply -replace, or a resource marked "+
				"tainted), but deletion_protection is true for it, as it is by default while KPS holds its private key. "+
				"Nothing was deleted. To delete it, first set deletion_protection = false on it and apply that alone; to "+
				"keep it, terraform untaint it, or drop -replace.")
		return
	}
	current, err := client.Keypair(ctx, project, name)
	switch {
	case kps.IsGone(err):
		return
	case err != nil:
		resp.Diagnostics.AddError("Cannot delete KPS key pair "+name, "Reading it first, to delete only the key pair this "+
			"state made, failed: "+err.Error())
		return
	case replacedElsewhere(m, current):
		resp.Diagnostics.AddWarning("KPS key pair "+name+" was not deleted: it now holds another key",
			"The key pair of that name in KPS (made "+madeWhen(current)+") holds another public key than the one in state: "+
				"it was deleted and made again outside Terraform, and is not this configuration's to delete. It is "+
				"forgotten, and left as it is in KPS.")
		return
	}
	if err := client.DeleteKeypair(ctx, project, name); err != nil && !kps.IsGone(err) {
		resp.Diagnostics.AddError("Cannot delete KPS key pair "+name, err.Error())
	}
}

// stillOurs reads the key pair in state before an update changes it, and
// reports whether it is still the one this state made: not gone, and not
// made again elsewhere under its name with another key (a plan made with
// -refresh=false would not have seen either). Otherwise nothing is changed,
// and diags says why.
func (r *keypairResource) stillOurs(ctx context.Context, client *kps.Client, project string, state keypairModel, what string,
	diags *diag.Diagnostics,
) bool {
	name := state.Name.ValueString()
	current, err := client.Keypair(ctx, project, name)
	switch {
	case kps.IsGone(err):
		diags.AddError("KPS key pair "+name+" no longer exists",
			"It was deleted outside Terraform, so there is nothing to "+what+" ("+err.Error()+"). Nothing was changed: "+
				"plan again with refresh, which removes it from state and plans it anew.")
	case err != nil:
		diags.AddError("Cannot read KPS key pair "+name, "Reading it before the "+what+" failed: "+err.Error())
	case replacedElsewhere(state, current):
		diags.AddError("KPS key pair "+name+" now holds another key",
			"The key pair of that name in KPS (made "+madeWhen(current)+") holds another public key than the one in "+
				"state: it was deleted and made again outside Terraform, and is not this configuration's to change. "+
				"Nothing was changed: plan again with refresh, which removes it from state.")
	default:
		return true
	}
	return false
}

// ImportState takes <name> or <project_id>/<name>, or (Terraform 1.12 and
// newer) the identity {name, project_id}; Read fills in the rest.
func (r *keypairResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	name, project, diags := importTarget(ctx, req)
	resp.Diagnostics.Append(diags...)
	for attribute, v := range map[string]string{"name": name, "project_id": project} {
		if v == "" && attribute == "project_id" {
			continue
		}
		check := kps.CheckID
		if attribute == "name" {
			check = kps.CheckKeypairName
		}
		if err := check(attribute, v); err != nil {
			resp.Diagnostics.AddError("Invalid import ID", "Use <name> or <project_id>/<name>, or an identity "+
				"{ name = ..., project_id = ... }: "+err.Error())
			return
		}
	}
	// The identity names the project the read will: the provider's when
	// the import names none.
	_, project, d := r.data.clientFor(ctx, nullIfEmpty(project))
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	m := keypairModel{Name: types.StringValue(name), ID: types.StringValue(name), ProjectID: types.StringValue(project)}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("name"), m.Name)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), m.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("project_id"), m.ProjectID)...)
	resp.Diagnostics.Append(recordIdentity(ctx, resp.Identity, &m)...)
	// Unset in the configuration until it says otherwise: the refresh
	// after the import gives deletion_protection its default.
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateProtectionDefault, []byte("true"))...)
}

// createErrorDetail words a create that failed: for a name taken by a key
// pair this create did not make, whose it is and how to import it. The
// provider is not told the resource's address; Terraform shows it with the
// error ("with kps_keypair.NAME").
func createErrorDetail(project, name string, err error) string {
	var exists *keypairops.KeypairExistsError
	if !errors.As(err, &exists) {
		return err.Error()
	}
	id := project + "/" + name
	return exists.Error() + ". To manage it with this resource, import it: terraform import ADDRESS " + id + ", where " +
		"ADDRESS is this resource's address, shown with this error after \"with\" (or an import block with id = \"" + id +
		"\"); or choose another name."
}

// replacedElsewhere reports whether kp, read by the name in m, holds
// another key than the one m holds: the key pair m made was deleted, and
// another made under its name.
func replacedElsewhere(m keypairModel, kp kps.Keypair) bool {
	return !m.PublicKey.IsNull() && !m.PublicKey.IsUnknown() && m.PublicKey.ValueString() != "" && kp.PublicKey != "" &&
		!keymaterial.SameKey(m.PublicKey.ValueString(), kp.PublicKey)
}

// madeWhen says when KPS made kp, and by whom, for a warning.
func madeWhen(kp kps.Keypair) string {
	when := "at a time KPS does not say"
	if !kp.CreatedAt.IsZero() {
		when = "at " + timeValue(kp.CreatedAt).ValueString()
	}
	if kp.UserID != "" {
		when += " by user " + kp.UserID
	}
	return when
}
