package provider

import (
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/kpsops/terraform-provider-kps/internal/kps"
)

// idValidator checks task and project IDs at plan time, so that an ID that
// would change the request path (a "/", "..", "?", "%") is refused before any
// request is sent. The client checks again as a last line of defence.
func idValidator() validator.String {
	return stringvalidator.RegexMatches(kps.IDPattern, "must be "+kps.IDRule)
}

// keypairNameValidator checks key-pair names at plan time: the characters
// of an ID, up to the 255 KPS takes.
func keypairNameValidator() validator.String {
	return stringvalidator.RegexMatches(kps.KeypairNamePattern, "must be "+kps.KeypairNameRule)
}
