package provider

import (
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/kpsops/terraform-provider-kps/internal/kps"
)

// What the key-pair types (the resource and both data sources) share: how
// KPS's values read in Terraform.

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

// createdAt is KPS's create time in RFC 3339 UTC, null when it sent none.
func createdAt(kp kps.Keypair) types.String {
	if kp.CreatedAt.IsZero() {
		return types.StringNull()
	}
	return types.StringValue(kp.CreatedAt.UTC().Format(time.RFC3339))
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
