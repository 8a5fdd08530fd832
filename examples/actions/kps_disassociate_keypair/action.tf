# The private key of the key pair bound to the server now, from KPS, for
# this run only (auth.key is write-only, so it takes an ephemeral value).
ephemeral "kps_keypair_private_key" "bound" {
  name = "ops-2026"
}

# Before a server is handed over: terraform apply -invoke=action.kps_disassociate_keypair.handover
action "kps_disassociate_keypair" "handover" {
  config {
    server_id = "c9aa197b-a6b6-4c33-b3a6-fa0b4ec50006"
    auth = {
      type = "keypair"
      key  = ephemeral.kps_keypair_private_key.bound.private_key
    }
  }
}
