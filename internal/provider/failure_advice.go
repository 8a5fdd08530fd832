package provider

import (
	"strings"

	"github.com/kpsops/terraform-provider-kps/internal/keypairops"
)

// failureAdvice is what to do about a task that failed, fitted to its
// reason and operation where they say enough: a reset of a running server
// wants it stopped, a refused login the key the server accepts now, an
// unbind of a server with no key pair nothing at all. KPS does not document
// its codes, so the reason's words are read as well as its code.
func failureAdvice(f *keypairops.TaskFailedError) string {
	reason := strings.ToLower(f.ErrorCode + " " + f.ErrorMsg)
	switch {
	case f.Status.Operation == "RESET" && (strings.Contains(reason, "running") || f.ErrorCode == "KPS.6006"):
		return "A reset (a key pair bound without auth) needs the server shut down: stop it first, or give auth to " +
			"replace the key pair on the running server instead."
	case strings.Contains(reason, "not running") || f.ErrorCode == "KPS.6005":
		return "A replace, or an unbind with auth, needs the server running: start it first."
	case strings.Contains(reason, "no key pair") || f.ErrorCode == "KPS.6020":
		return "The server has no key pair bound, so there is nothing to unbind."
	case strings.Contains(reason, "authentication") || strings.Contains(reason, "log in") || f.ErrorCode == "KPS.6015":
		return "KPS could not log in to the server: check that auth holds the password or private key the server " +
			"accepts now (after a rotation, the private key of the key pair bound since), and that the SSH port is " +
			"open to 100.125.0.0/16, where KPS connects from."
	}
	return "Common causes: a wrong private key or password, the SSH port closed to 100.125.0.0/16 (where KPS " +
		"connects from), a changed sshd configuration or authorized_keys, the server stopped or started during the " +
		"task, or an image KPS does not support."
}
