package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

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
