# The private key KPS hosts for the key pair a server has now, for this run
# only: in neither the plan nor the state.
ephemeral "kps_keypair_private_key" "current" {
  name = "ops-2025"
}

resource "kps_keypair" "next" {
  name                = "ops-2026"
  private_key_hosting = {}
}

# It can go only where ephemeral values may: here a write-only argument.
resource "kps_keypair_association" "rotate" {
  server_id    = var.server_id
  keypair_name = kps_keypair.next.name
  auth = {
    type           = "keypair"
    key_wo         = ephemeral.kps_keypair_private_key.current.private_key
    key_wo_version = 2026
  }
}

variable "server_id" {
  type = string
}
