package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/kpsops/terraform-provider-kps/internal/kps"
)

// The auth object of the resources that start a task: how KPS logs in to
// the server now. Its model, what is sent from it (key_wo read from the
// configuration), its schema and its checks.

// authModel is the auth object: how KPS logs in to the server now.
type authModel struct {
	Type         types.String `tfsdk:"type"`
	Key          types.String `tfsdk:"key"`
	KeyWO        types.String `tfsdk:"key_wo"`
	KeyWOVersion types.Int64  `tfsdk:"key_wo_version"`
}

// sentAuth is the auth to send for obj, nil when it is null: key_wo is read
// from the configuration, the only place a write-only value is. At apply
// time every value of the plan is known.
func sentAuth(ctx context.Context, obj types.Object, config tfsdk.Config) (*kps.ServerAuth, diag.Diagnostics) {
	if obj.IsNull() || obj.IsUnknown() {
		return nil, nil
	}
	var a authModel
	diags := obj.As(ctx, &a, basetypes.ObjectAsOptions{})
	var keyWO types.String
	diags.Append(config.GetAttribute(ctx, path.Root("auth").AtName("key_wo"), &keyWO)...)
	key := a.Key.ValueString()
	if !keyWO.IsNull() && !keyWO.IsUnknown() {
		key = keyWO.ValueString()
	}
	return &kps.ServerAuth{Type: a.Type.ValueString(), Key: key}, diags
}

// authAttribute is the auth object's schema: description is the object's,
// keyWhat says whose private key the key is for auth.type "keypair".
func authAttribute(description, keyWhat string, modifiers ...planmodifier.Object) schema.SingleNestedAttribute {
	return schema.SingleNestedAttribute{
		Optional:            true,
		MarkdownDescription: description,
		PlanModifiers:       modifiers,
		Validators:          []validator.Object{authObjectValidator{withKeyWO: true}},
		Attributes: map[string]schema.Attribute{
			"type": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "`password` (the key is the server's password) or `keypair` (the key is " + keyWhat + ").",
			},
			"key": schema.StringAttribute{
				Optional: true, Sensitive: true,
				MarkdownDescription: "The password or private key, kept in state (sensitive). Set exactly one of " +
					"`key` and `key_wo`; prefer `key_wo` on Terraform 1.11 and newer.",
			},
			"key_wo": schema.StringAttribute{
				Optional: true, Sensitive: true, WriteOnly: true,
				MarkdownDescription: "The password or private key, write-only: sent to KPS, never stored in the " +
					"plan or state. Terraform cannot tell when a write-only value changes: change `key_wo_version` " +
					"to run the task again with a new one.",
			},
			"key_wo_version": schema.Int64Attribute{
				Optional:            true,
				MarkdownDescription: "Any number; changing it runs the task again with the `key_wo` given now. Only with `key_wo`.",
			},
		},
	}
}

// authObjectValidator checks an auth object as a whole, so that every
// error about it points at auth in the configuration and says, in words,
// what to set: the framework's path-expression validators would print
// "[auth.key.<.key_wo]", and Terraform cannot point inside an object value.
// withKeyWO is set for the resources' auth (key or key_wo); an action's has
// one required key, which the schema checks.
type authObjectValidator struct{ withKeyWO bool }

func (v authObjectValidator) Description(context.Context) string {
	if v.withKeyWO {
		return "type is password or keypair; exactly one of key and key_wo is set; key_wo_version goes with key_wo"
	}
	return "type is password or keypair"
}

func (v authObjectValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v authObjectValidator) ValidateObject(_ context.Context, req validator.ObjectRequest, resp *validator.ObjectResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	attrs := req.ConfigValue.Attributes()
	given := func(name string) (set, known bool) {
		a, ok := attrs[name]
		if !ok || a == nil {
			return false, true
		}
		return !a.IsNull(), !a.IsUnknown()
	}
	if t, ok := attrs["type"].(types.String); ok && !t.IsNull() && !t.IsUnknown() {
		if s := t.ValueString(); s != "password" && s != "keypair" {
			resp.Diagnostics.AddAttributeError(req.Path, "Invalid auth.type",
				fmt.Sprintf("auth.type is %q: it must be \"password\" (the key is the server's password) or \"keypair\" "+
					"(the key is the private key of the key pair the server has now).", s))
		}
	}
	if !v.withKeyWO {
		return
	}
	key, keyKnown := given("key")
	keyWO, keyWOKnown := given("key_wo")
	version, _ := given("key_wo_version")
	switch {
	case !keyKnown || !keyWOKnown:
	case key && keyWO:
		resp.Diagnostics.AddAttributeError(req.Path, "auth sets both key and key_wo",
			"Set one of them: key_wo (write-only, Terraform 1.11 and newer) sends the key without keeping it in state; "+
				"key keeps it in state, marked sensitive.")
	case !key && !keyWO:
		resp.Diagnostics.AddAttributeError(req.Path, "auth has no key",
			"Set key_wo (write-only, Terraform 1.11 and newer) or key: the password or private key KPS logs in to the "+
				"server with now. Leave auth out altogether to reset the key of a shut-down server.")
	case version && !keyWO:
		resp.Diagnostics.AddAttributeError(req.Path, "auth.key_wo_version without auth.key_wo",
			"key_wo_version says when key_wo changed (write-only values are not compared between plans); with key it "+
				"has no meaning. Remove it, or pass the key as key_wo.")
	}
}

var _ validator.Object = authObjectValidator{}
