package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// kps_keypair's deletion_protection: Terraform-side only, refused at plan
// time. When the configuration does not set it, it follows whether KPS
// holds the private key, and the state remembers (in private state) that
// it is that default, so that a refresh that sees KPS stop holding the key
// lifts it.

// privateProtectionDefault is the private-state key that says
// deletion_protection is its default, not set in the configuration.
const privateProtectionDefault = "deletion_protection_default"

// refuseProtectedDelete refuses a plan that would delete the key pair in
// state while deletion_protection holds: by default, while KPS holds its
// private key, the only copy of it, so that a careless destroy would leave
// every server bound to it accepting a key nobody has.
func refuseProtectedDelete(ctx context.Context, state tfsdk.State, action string) diag.Diagnostics {
	var m keypairModel
	diags := state.Get(ctx, &m)
	if diags.HasError() || !protected(m) {
		return diags
	}
	name := m.Name.ValueString()
	why := "deletion_protection is true for it"
	if m.PrivateKeyHosted.ValueBool() {
		why = "KPS holds its private key, maybe the only copy, and deletion_protection is true for it (the default while " +
			"KPS holds the key): deleting it would leave every server bound to it accepting a key nobody has"
	}
	diags.AddAttributeError(path.Root("deletion_protection"), "KPS key pair "+name+" is protected from deletion",
		"This plan would delete key pair "+name+" to "+action+", but "+why+". To delete it, first set "+
			"deletion_protection = false on it and apply that alone; then "+action+". To stop managing it without deleting "+
			"it, use a removed block with lifecycle { destroy = false }, or terraform state rm.")
	return diags
}

// protected is whether m's deletion_protection holds. A state written
// before the attribute existed has none: its default applies.
func protected(m keypairModel) bool {
	if m.DeletionProtection.IsNull() || m.DeletionProtection.IsUnknown() {
		return m.PrivateKeyHosted.ValueBool()
	}
	return m.DeletionProtection.ValueBool()
}

// privateData is the framework's private state of a resource, as Create,
// Update and Read hand it over.
type privateData interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

// settleProtection gives deletion_protection its value after a create or
// an update: the configuration's, or its default, which private state then
// remembers as such. A create that fails after the key pair exists
// (halfMade) saves it tainted, for the next apply to replace: nothing can
// be bound to a key pair that was never whole, so its default is false,
// kept through refreshes, rather than a protection that would refuse the
// replacement.
func settleProtection(ctx context.Context, config tfsdk.Config, m *keypairModel, private privateData, halfMade bool) diag.Diagnostics {
	defaulted := defaultProtection(ctx, config)
	switch {
	case defaulted && halfMade:
		m.DeletionProtection, defaulted = types.BoolValue(false), false
	case defaulted:
		m.DeletionProtection = types.BoolValue(m.PrivateKeyHosted.ValueBool())
	}
	value := []byte("false")
	if defaulted {
		value = []byte("true")
	}
	return private.SetKey(ctx, privateProtectionDefault, value)
}

// refreshProtection follows KPS on a refresh where deletion_protection is
// its default: a state from before the attribute existed, an import, or a
// configuration that does not set it.
func refreshProtection(ctx context.Context, prior, next privateData, m *keypairModel) diag.Diagnostics {
	marker, diags := prior.GetKey(ctx, privateProtectionDefault)
	if m.DeletionProtection.IsNull() || m.DeletionProtection.IsUnknown() || string(marker) == "true" {
		m.DeletionProtection = types.BoolValue(m.PrivateKeyHosted.ValueBool())
		diags.Append(next.SetKey(ctx, privateProtectionDefault, []byte("true"))...)
	}
	return diags
}

// defaultProtection reports whether the configuration leaves
// deletion_protection to its default.
func defaultProtection(ctx context.Context, config tfsdk.Config) bool {
	var configured types.Bool
	if config.GetAttribute(ctx, path.Root("deletion_protection"), &configured).HasError() {
		return false
	}
	return configured.IsNull() || configured.IsUnknown()
}
