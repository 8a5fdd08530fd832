package kps

// KPS's own error codes that change what the client does, from Huawei's
// published error-code table for SSH key pairs (see the API notes). Every
// other code is shown as it came.
const (
	// CodeNoPrivateKey is "No private key managed": KPS hosts no private
	// key for the key pair, so there is nothing to clear or export.
	CodeNoPrivateKey = "KPS.6005"
)
