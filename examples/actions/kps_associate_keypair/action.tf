# The private key of the key pair the server has now, from KPS, for this
# run only: auth.key is write-only, so it takes an ephemeral value.
ephemeral "kps_keypair_private_key" "current" {
  name = "ops-2025"
}

# Rotate a running server to ops-2026: invoke it when it is time,
#   terraform apply -invoke=action.kps_associate_keypair.rotate
# or from a resource's lifecycle, as below.
action "kps_associate_keypair" "rotate" {
  config {
    server_id    = "c9aa197b-a6b6-4c33-b3a6-fa0b4ec50006"
    keypair_name = "ops-2026"
    auth = {
      type = "keypair"
      key  = ephemeral.kps_keypair_private_key.current.private_key
    }
    timeout = "10m"
  }
}

# A server created by this configuration gets the key pair right after it
# is created; nothing about the rotation is kept in state.
resource "terraform_data" "web" {
  input = "c9aa197b-a6b6-4c33-b3a6-fa0b4ec50006"

  lifecycle {
    action_trigger {
      events  = [after_create]
      actions = [action.kps_associate_keypair.rotate]
    }
  }
}
