package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

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
	Name                types.String `tfsdk:"name"`
	Type                types.String `tfsdk:"type"`
	Scope               types.String `tfsdk:"scope"`
	UserID              types.String `tfsdk:"user_id"`
	Description         types.String `tfsdk:"description"`
	PublicKey           types.String `tfsdk:"public_key"`
	PrivateKeyHosting   types.Object `tfsdk:"private_key_hosting"`
	PrivateKeyWO        types.String `tfsdk:"private_key_wo"`
	PrivateKeyWOVersion types.Int64  `tfsdk:"private_key_wo_version"`
	ID                  types.String `tfsdk:"id"`
	Fingerprint         types.String `tfsdk:"fingerprint"`
	PrivateKeyHosted    types.Bool   `tfsdk:"private_key_hosted"`
	Frozen              types.Bool   `tfsdk:"frozen"`
	CreatedAt           types.String `tfsdk:"created_at"`
	ProjectID           types.String `tfsdk:"project_id"`
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
			"A create is sent once only: when its answer is lost, the key pair is read by name and adopted before anything " +
			"is sent again. A key pair deleted elsewhere is planned as a create, with a warning; a delete of one already " +
			"gone succeeds. Import with `terraform import kps_keypair.x <name>` or `<project_id>/<name>`.",
		Attributes: map[string]schema.Attribute{
			"name": schema.StringAttribute{
				Required: true, MarkdownDescription: descKeypairName + " Changing it forces a new key pair.",
				Validators: []validator.String{idValidator()}, PlanModifiers: replace,
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
				Optional: true, MarkdownDescription: "A description; updated in place.",
				Validators: []validator.String{stringvalidator.LengthAtMost(255)},
			},
			"public_key": schema.StringAttribute{
				Optional: true, Computed: true,
				MarkdownDescription: "The public key to import, in OpenSSH form. When not set, KPS generates the pair and this is " +
					"the public key it made (the private key is then only hosted: set `private_key_hosting`). KPS may give an " +
					"imported key back with other white space or without its comment: that is no change. Changing it forces a " +
					"new key pair.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplace()},
			},
			"private_key_hosting": schema.SingleNestedAttribute{
				Optional: true,
				MarkdownDescription: "KPS keeps the private key, encrypted. Set it to `{}` for KPS's own encryption. Removing it " +
					"has KPS forget the private key (for a generated pair, its only copy). KPS does not say how a key it holds " +
					"is encrypted: this is what the configuration last applied, and changing it without a new " +
					"`private_key_wo_version` changes nothing in KPS.",
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
				MarkdownDescription: "A private key for KPS to host: the one matching `public_key`. Write-only (Terraform 1.11 and " +
					"newer): sent to KPS, never stored in the plan or state. Needs `private_key_hosting`.",
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
			"created_at": schema.StringAttribute{Computed: true, MarkdownDescription: "When KPS created the key pair, in RFC 3339 UTC.", PlanModifiers: keep},
			"project_id": schema.StringAttribute{
				Optional: true, Computed: true,
				MarkdownDescription: "The IAM project of the key pair. Defaults to the provider's `project_id`. " + descIDRule +
					" Changing it forces a new key pair.",
				Validators:    []validator.String{idValidator()},
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplace()},
			},
		},
	}
}

// ValidateConfig stops, at plan time, what KPS would refuse or what would
// lose a private key; nothing is sent.
func (r *keypairResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m keypairModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || m.PublicKey.IsUnknown() || m.PrivateKeyHosting.IsUnknown() || m.PrivateKeyWO.IsUnknown() {
		return
	}
	hosting, publicKey, privateKey := !m.PrivateKeyHosting.IsNull(), !m.PublicKey.IsNull(), !m.PrivateKeyWO.IsNull()
	switch {
	case !publicKey && !hosting:
		resp.Diagnostics.AddAttributeError(path.Root("private_key_hosting"), "A generated key pair needs private_key_hosting",
			"Without public_key, KPS generates the key pair, and its private key would be kept by nobody. Set "+
				"private_key_hosting (private_key_hosting = {} for KPS's own encryption), or give public_key (for "+
				"example from ephemeral \"tls_private_key\") to import a key pair whose private key you keep.")
	case privateKey && !hosting:
		resp.Diagnostics.AddAttributeError(path.Root("private_key_wo"), "private_key_wo needs private_key_hosting",
			"private_key_wo is sent for KPS to host, encrypted: set private_key_hosting too.")
	case privateKey && !publicKey:
		resp.Diagnostics.AddAttributeError(path.Root("private_key_wo"), "private_key_wo needs public_key",
			"Without public_key KPS generates the key pair and its private key itself: set public_key to the key "+
				"matching private_key_wo, or remove private_key_wo.")
	}
	if hosting {
		var h hostingModel
		resp.Diagnostics.Append(m.PrivateKeyHosting.As(ctx, &h, basetypes.ObjectAsOptions{})...)
		resp.Diagnostics.Append(h.check()...)
	}
}

// checkCreate refuses, at plan time, to create an imported public key with
// private_key_hosting but no private_key_wo: KPS would have nothing to host,
// and refuses that create (KPS.0002). For a key pair that exists (imported,
// or moved from Huawei's provider) and whose key KPS already holds, the same
// configuration is right, so this is checked for creates only.
func checkCreate(ctx context.Context, config tfsdk.Config) diag.Diagnostics {
	var m keypairModel
	diags := config.Get(ctx, &m)
	if diags.HasError() || m.PublicKey.IsUnknown() || m.PrivateKeyHosting.IsUnknown() || m.PrivateKeyWO.IsUnknown() {
		return diags
	}
	if !m.PublicKey.IsNull() && !m.PrivateKeyHosting.IsNull() && m.PrivateKeyWO.IsNull() {
		diags.AddAttributeError(path.Root("private_key_hosting"), "private_key_hosting needs private_key_wo here",
			"With public_key imported, KPS has no private key to host unless it is sent: set private_key_wo (and "+
				"private_key_wo_version), or remove private_key_hosting. KPS refuses this create with KPS.0002.")
	}
	return diags
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

// sent is the hosting to send, with the private key given.
func (h hostingModel) sent(privateKey string) kps.Hosting {
	return kps.Hosting{PrivateKey: privateKey, Encryption: h.Encryption.ValueString(),
		KMSKeyID: h.KMSKeyID.ValueString(), KMSKeyName: h.KMSKeyName.ValueString()}
}

// ModifyPlan refuses a create KPS would refuse, and warns where an update
// would change less, or more, than it looks: KPS cannot re-encrypt a key it
// holds without being sent it, and removing private_key_hosting has KPS
// forget the key.
func (r *keypairResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	if req.State.Raw.IsNull() {
		resp.Diagnostics.Append(checkCreate(ctx, req.Config)...)
		return
	}
	var plan, state keypairModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	sending := !plan.PrivateKeyWOVersion.Equal(state.PrivateKeyWOVersion) || plan.PrivateKeyWOVersion.IsUnknown()
	switch {
	case plan.PrivateKeyHosting.IsNull() && !state.PrivateKeyHosting.IsNull():
		resp.Diagnostics.AddAttributeWarning(path.Root("private_key_hosting"), "KPS will no longer hold the private key",
			"Removing private_key_hosting has KPS forget the private key of "+state.Name.ValueString()+". For a key pair "+
				"KPS generated, that is the only copy: no one will be able to log in with it again.")
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("private_key_hosted"), types.BoolUnknown())...)
	case !plan.PrivateKeyHosting.Equal(state.PrivateKeyHosting) && state.PrivateKeyHosted.ValueBool() && !sending:
		resp.Diagnostics.AddAttributeWarning(path.Root("private_key_hosting"), "Nothing changes in KPS",
			"KPS already holds the private key of "+state.Name.ValueString()+" and cannot re-encrypt it without being sent "+
				"the key: the new private_key_hosting is recorded, and takes effect when a new private_key_wo_version "+
				"sends the key again.")
	case sending || !plan.PrivateKeyHosting.Equal(state.PrivateKeyHosting):
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("private_key_hosted"), types.BoolUnknown())...)
	}
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
	created, err := createOnce(ctx, client, project, create)
	if err != nil {
		resp.Diagnostics.AddError("Cannot create KPS key pair "+create.Name, err.Error())
		return
	}
	plan.ProjectID = types.StringValue(project)
	plan.ID = plan.Name
	// The create's answer has no description (the call takes none): the
	// planned one is what the PUT below sets.
	description := plan.Description
	r.refresh(&plan, created)
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
			r.refresh(&plan, kp)
		}
	}
	settleUnknown(&plan)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(recordIdentity(ctx, resp.Identity, &plan)...)
}

// createSends is how many times one create is sent at most.
const createSends = 3

// createAdoptWindow is how long before a lost create a generated key pair
// may have been made and still be taken for the one it made.
const createAdoptWindow = time.Minute

// createOnce sends the create once only. After an answer that may hide a
// created key pair, it reads the key pair by name: one there with the
// public key sent (an import), or hosted and created within a minute of
// the request (a generated pair), is this create's, and adopted; none there
// is sent again, at most createSends times in all; another of that name is
// an error that says how to import it. A 400 saying the name is taken is
// the same error.
func createOnce(ctx context.Context, client *kps.Client, project string, req kps.CreateKeypairRequest) (kps.Keypair, error) {
	for sends := 1; ; sends++ {
		sentAt := time.Now()
		created, err := client.CreateKeypair(ctx, project, req)
		if err == nil {
			return created, nil
		}
		var re *kps.ResponseError
		refused := errors.As(err, &re) && re.StatusCode == 400
		if ctx.Err() != nil || (!kps.MayHaveActed(err) && !refused) {
			return kps.Keypair{}, err
		}
		existing, readErr := client.Keypair(ctx, project, req.Name)
		switch {
		case readErr != nil && kps.IsGone(readErr) && !refused && sends < createSends:
			continue // the lost create made nothing: send it again
		case readErr != nil && kps.IsGone(readErr):
			return kps.Keypair{}, err
		case readErr != nil:
			return kps.Keypair{}, fmt.Errorf("%w; the request may have reached KPS, and reading key pair %s, which would "+
				"show whether it made it, failed: %w", err, req.Name, readErr)
		case !refused && madeBy(existing, req, sentAt):
			return existing, nil
		}
		return kps.Keypair{}, fmt.Errorf("a key pair named %s already exists in project %s (%w). To manage it here, import "+
			"it: terraform import <address> %s/%s, or an import block; or choose another name", req.Name, project, err,
			project, req.Name)
	}
}

// madeBy reports whether kp is the key pair that req, sent at sentAt, made.
func madeBy(kp kps.Keypair, req kps.CreateKeypairRequest, sentAt time.Time) bool {
	if req.PublicKey != "" {
		return samePublicKey(kp.PublicKey, req.PublicKey)
	}
	return kp.PrivateKeyHosted && (kp.CreatedAt.IsZero() || !kp.CreatedAt.Before(sentAt.Add(-createAdoptWindow)))
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

// refresh sets m's computed attributes, and what KPS reports of the others,
// from kp. public_key keeps the configured text when KPS's differs from it
// only in white space or comment.
func (r *keypairResource) refresh(m *keypairModel, kp kps.Keypair) {
	if kp.Type != "" {
		m.Type = types.StringValue(kp.Type)
	}
	if kp.Scope != "" {
		m.Scope = types.StringValue(scopeFromWire(kp.Scope))
	}
	if kp.UserID != "" {
		m.UserID = types.StringValue(kp.UserID)
	}
	if kp.PublicKey != "" && (m.PublicKey.IsNull() || m.PublicKey.IsUnknown() || !samePublicKey(kp.PublicKey, m.PublicKey.ValueString())) {
		m.PublicKey = types.StringValue(kp.PublicKey)
	}
	if kp.Description != "" || !m.Description.IsNull() {
		m.Description = types.StringValue(kp.Description)
	}
	if kp.Fingerprint != "" {
		m.Fingerprint = types.StringValue(kp.Fingerprint)
	}
	m.PrivateKeyHosted = types.BoolValue(kp.PrivateKeyHosted)
	m.Frozen = types.BoolValue(kp.FrozenState != 0)
	if !kp.CreatedAt.IsZero() || m.CreatedAt.IsUnknown() {
		m.CreatedAt = createdAt(kp)
	}
}

// settleUnknown gives every computed attribute still unknown after a create
// a value: null, where KPS said nothing of it.
func settleUnknown(m *keypairModel) {
	for _, s := range []*types.String{&m.UserID, &m.PublicKey, &m.Fingerprint, &m.CreatedAt} {
		if s.IsUnknown() {
			*s = types.StringNull()
		}
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
	}
	m.ProjectID = types.StringValue(project)
	m.ID = m.Name
	r.refresh(&m, kp)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	resp.Diagnostics.Append(recordIdentity(ctx, resp.Identity, &m)...)
}

// Update sets the description, sends the private key again for a new
// private_key_wo_version (or when hosting is asked of a key pair whose key
// KPS does not hold), and has KPS forget it when private_key_hosting is
// removed; everything else forces a new key pair.
func (r *keypairResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state keypairModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	client, project, privateKey := r.inputs(ctx, req.Config, state.ProjectID, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	name := state.Name.ValueString()
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
	case !plan.PrivateKeyHosting.IsNull() && privateKey != "" &&
		(!plan.PrivateKeyWOVersion.Equal(state.PrivateKeyWOVersion) || !state.PrivateKeyHosted.ValueBool()):
		var h hostingModel
		resp.Diagnostics.Append(plan.PrivateKeyHosting.As(ctx, &h, basetypes.ObjectAsOptions{})...)
		if err := client.ImportPrivateKey(ctx, project, name, state.UserID.ValueString(), h.sent(privateKey)); err != nil {
			resp.Diagnostics.AddError("Cannot have KPS host the private key of "+name, err.Error())
			resp.Diagnostics.Append(resp.State.Set(ctx, &saved)...)
			return
		}
	}
	saved.PrivateKeyHosting, saved.PrivateKeyWOVersion = plan.PrivateKeyHosting, plan.PrivateKeyWOVersion
	kp, err := client.Keypair(ctx, project, name)
	if err != nil {
		resp.Diagnostics.AddError("KPS key pair "+name+" was updated, but could not be read back", err.Error())
		saved.PrivateKeyHosted = types.BoolNull()
		resp.Diagnostics.Append(resp.State.Set(ctx, &saved)...)
		return
	}
	r.refresh(&saved, kp)
	resp.Diagnostics.Append(resp.State.Set(ctx, &saved)...)
	resp.Diagnostics.Append(recordIdentity(ctx, resp.Identity, &saved)...)
}

// Delete deletes the key pair; one already gone is success. A refusal keeps
// the state, with KPS's code and message.
func (r *keypairResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var m keypairModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	client, project, diags := r.data.clientFor(ctx, m.ProjectID)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if err := client.DeleteKeypair(ctx, project, m.Name.ValueString()); err != nil && !kps.IsGone(err) {
		resp.Diagnostics.AddError("Cannot delete KPS key pair "+m.Name.ValueString(), err.Error())
	}
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
		if err := kps.CheckID(attribute, v); err != nil {
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
}
