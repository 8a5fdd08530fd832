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

# A fleet: every server at once, as fast as KPS's request limit allows,
#   terraform apply -invoke=action.kps_associate_keypair.rotate_fleet
# with a line per server as its task ends and a summary every 30 s. The
# error at the end lists the servers that failed, grouped by reason.
action "kps_associate_keypair" "rotate_fleet" {
  config {
    server_ids = [
      "c9aa197b-a6b6-4c33-b3a6-fa0b4ec50006",
      "5e1c0f4a-8d1b-4c5e-9f3a-2b7d6e8a9c10",
      "0b2e4f6a-1c3d-4e5f-8a9b-7c6d5e4f3a21",
    ]
    keypair_name = "ops-2026"
    auth = {
      type = "keypair"
      key  = ephemeral.kps_keypair_private_key.current.private_key
    }
    max_failures = 5 # no further start once five servers have failed
    timeout      = "30m"
  }
}
