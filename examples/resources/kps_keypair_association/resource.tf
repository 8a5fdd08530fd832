variable "current_private_key" {
  description = "The private key of the key pair the server has now."
  type        = string
  sensitive   = true
  ephemeral   = true # Terraform 1.10+: never in the plan or state
}

# Rotate a running server to the key pair ops-2026 (a REPLACE task). KPS logs
# in with the key the server accepts now, passed write-only: it is sent to
# KPS and stored nowhere.
resource "kps_keypair_association" "web" {
  server_id    = "c9aa197b-a6b6-4c33-b3a6-fa0b4ec50006"
  keypair_name = "ops-2026"

  auth = {
    type           = "keypair"
    key_wo         = var.current_private_key
    key_wo_version = 1 # change it to run the rotation again with a new key
  }

  timeouts {
    create = "10m"
  }
}

# Created only once the new key pair is on the server.
resource "terraform_data" "after_rotation" {
  input = kps_keypair_association.web.task_id
}

# On Terraform older than 1.11 (no write-only arguments), use key instead: it
# is kept in state, marked sensitive.
resource "kps_keypair_association" "legacy" {
  server_id    = "0b6c4a1e-7d2f-4e8a-9c3b-5f1d2e3a4b5c"
  keypair_name = "ops-2026"

  auth = {
    type = "password"
    key  = var.root_password
  }
}

variable "root_password" {
  type      = string
  sensitive = true
}

# A shut-down server has its key reset instead (a RESET task): no auth.
resource "kps_keypair_association" "stopped" {
  server_id        = "5e2f9a7c-1b3d-4c5e-8f9a-0b1c2d3e4f5a"
  keypair_name     = "ops-2026"
  disable_password = true
}
