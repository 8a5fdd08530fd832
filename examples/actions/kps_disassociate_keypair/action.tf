variable "bound_private_key" {
  description = "The private key of the key pair bound to the server now."
  type        = string
  sensitive   = true
}

# Before a server is handed over: terraform apply -invoke=action.kps_disassociate_keypair.handover
action "kps_disassociate_keypair" "handover" {
  config {
    server_id = "c9aa197b-a6b6-4c33-b3a6-fa0b4ec50006"
    auth = {
      type = "keypair"
      key  = var.bound_private_key
    }
  }
}
