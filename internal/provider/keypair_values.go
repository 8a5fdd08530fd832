package provider

import (
	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/kpsops/terraform-provider-kps/internal/kps"
)

// What the key-pair types (the resource and both data sources) share: how
// KPS's values read in Terraform, and the words that describe them.

// scopeFromWire is a scope as users write it: KPS's "domain" is "account".
func scopeFromWire(s string) string {
	if s == "domain" {
		return "account"
	}
	return s
}

// scopeToWire is a scope as KPS takes it.
func scopeToWire(s string) string {
	if s == "account" {
		return "domain"
	}
	return s
}

// nullIfEmpty is s, or null when KPS (or a moved state) left it empty.
func nullIfEmpty(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

// createdAt is KPS's create time, null when it sent none.
func createdAt(kp kps.Keypair) timetypes.RFC3339 {
	if kp.CreatedAt.IsZero() {
		return timetypes.NewRFC3339Null()
	}
	return timeValue(kp.CreatedAt)
}

// keypairFacts are what KPS says of a key pair that every key-pair type
// shows: the kps_keypair resource and data source, and each of
// kps_keypairs' key pairs.
type keypairFacts struct {
	Type             types.String `tfsdk:"type"`
	Scope            types.String `tfsdk:"scope"`
	PublicKey        types.String `tfsdk:"public_key"`
	Fingerprint      types.String `tfsdk:"fingerprint"`
	PrivateKeyHosted types.Bool   `tfsdk:"private_key_hosted"`
	Frozen           types.Bool   `tfsdk:"frozen"`
}

// keypairFactsOf is the one mapping of KPS's key pair to Terraform values;
// kps_keypair's refresh takes from it what KPS did say (refreshKeypair).
func keypairFactsOf(kp kps.Keypair) keypairFacts {
	return keypairFacts{
		Type: types.StringValue(kp.Type), Scope: types.StringValue(scopeFromWire(kp.Scope)),
		PublicKey: types.StringValue(kp.PublicKey), Fingerprint: types.StringValue(kp.Fingerprint),
		PrivateKeyHosted: types.BoolValue(kp.PrivateKeyHosted), Frozen: types.BoolValue(kp.FrozenState != 0),
	}
}

const (
	descKeypairProject  = "The IAM project of the key pairs. Defaults to the provider's `project_id`. " + descIDRule
	descKeypairName     = "The key pair's name: 1 to 255 characters of letters, digits, `-` and `_`."
	descFingerprint     = "The public key's fingerprint, as KPS reports it."
	descHosted          = "Whether KPS holds the private key (hosting, `is_key_protection`)."
	descFrozen          = "Whether KPS has frozen the key pair (`frozen_state` other than 0)."
	descPublicKeyFilter = "Keep only the key pairs that hold this public key: the same key in another text (another " +
		"comment, white space, a trailing newline, the OpenSSH line of an RFC 4716 block) matches."
	descScope = "`user` (the key pair belongs to one IAM user) or `account` (every user of the account sees it; " +
		"KPS calls it `domain`)."
)
