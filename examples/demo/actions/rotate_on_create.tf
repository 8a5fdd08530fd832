# Added to the demo by make demo when the CLI runs actions (Terraform 1.14
# and newer): a server-like resource whose creation triggers a key-pair
# rotation, done once and kept nowhere in state.

# Terraform 1.14 refuses ephemeral values in an action's configuration: the
# key comes from a sensitive variable instead.
variable "action_private_key" {
  type      = string
  sensitive = true
}

action "kps_associate_keypair" "on_create" {
  config {
    server_id     = "0b6c4a1e-7d2f-4e8a-9c3b-5f1d2e3a4b5c"
    keypair_name  = "kp-2026"
    poll_interval = "2s"
    auth = {
      type = "keypair"
      key  = var.action_private_key
    }
  }
}

resource "terraform_data" "new_server" {
  input = "0b6c4a1e-7d2f-4e8a-9c3b-5f1d2e3a4b5c"

  # The action binds kp-2026, which KPS refuses until kps_keypair.next has
  # made it: nothing else orders the two.
  depends_on = [kps_keypair.next]

  lifecycle {
    action_trigger {
      events  = [after_create]
      actions = [action.kps_associate_keypair.on_create]
    }
  }
}
