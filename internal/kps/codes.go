package kps

import "slices"

// KPS's own error codes that change what the client does, from Huawei's
// published error-code table for SSH key pairs (see the API notes). The
// client decides by these codes, never by the words of error_msg: the
// messages are terse, partly Chinese, and "User not found" is no missing
// key pair. Every other code is shown as it came.
const (
	// CodeKeypairNotExist and CodeNoKeypairFound are KPS's two codes for a
	// key pair that does not exist ("The key pair is not exist", "No
	// Keypair find").
	CodeKeypairNotExist = "KPS.4016"
	CodeNoKeypairFound  = "KPS.6004"
	// CodeFailedTaskNotFound is a failed-task record that is not there.
	CodeFailedTaskNotFound = "KPS.0005"
	// CodeNoPrivateKey is "No private key managed": KPS hosts no private
	// key for the key pair, so there is nothing to clear or export.
	CodeNoPrivateKey = "KPS.6005"
	// CodeKeypairVerifyFailed is a 403 about the key pair, not about a
	// permission: shown as it came.
	CodeKeypairVerifyFailed = "KPS.6009"
)

// kmsFailures are KMS failing to encrypt or store a private key ("KMS
// encrypt failed", "KMS save failed"): most often the user lacks the KMS
// actions the call needs with KMS encryption, or the key is disabled.
var kmsFailures = []string{"KPS.6008", "KPS.6010"}

// accountRefusals are the codes with which KPS refuses an account, not a
// permission, in words of their own: no IAM policy or token changes them.
var accountRefusals = map[string]string{
	"KPS.9002": "KPS refuses public-test accounts: this account cannot call KPS's API, whatever its credentials or permissions",
	"KPS.9004": "the account is frozen (in arrears, or frozen by an administrator): KPS refuses every call until it is " +
		"unfrozen, whatever the user's permissions",
	"KPS.9005": "the account is restricted: KPS refuses its calls, whatever the user's permissions; the console's account " +
		"centre says why",
	"KPS.9006": "KPS does not know this user's type (not an IAM user or federated user it serves): no permission changes " +
		"that; try the credentials of an IAM user of the account",
}

// The error codes of a 400 that mean the object asked for does not exist,
// for each kind of object; a 404 (but the gateway's "no such API") always
// does.
var (
	keypairGone    = []string{CodeKeypairNotExist, CodeNoKeypairFound}
	failedTaskGone = []string{CodeFailedTaskNotFound}
	// taskGone: KPS publishes no code for a task it does not know; its
	// code for a task ID it does not take, "taskId is illegal", is what a
	// read of an ID it never gave, or purged, comes back with. Any other
	// 400 is shown as it came, never taken for a task that ended unseen.
	taskGone = []string{CodeTaskIDIllegal}
)

// CodeTaskIDIllegal is "taskId is illegal".
const CodeTaskIDIllegal = "KPS.0001"

// codeIn reports whether code is one of codes.
func codeIn(code string, codes []string) bool {
	return code != "" && slices.Contains(codes, code)
}
