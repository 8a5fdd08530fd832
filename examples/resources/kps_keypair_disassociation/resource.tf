variable "bound_private_key" {
  description = "The private key of the key pair bound to the server now."
  type        = string
  sensitive   = true
  ephemeral   = true
}

# Before a running server is handed over: unbind its key pair (an UNBIND
# task, which restores password login). A running server needs the private
# key of the key pair bound now; a shut-down one needs no auth.
resource "kps_keypair_disassociation" "handover" {
  server_id = "c9aa197b-a6b6-4c33-b3a6-fa0b4ec50006"

  auth = {
    type   = "keypair"
    key_wo = var.bound_private_key
  }
}
