# KPS generates the pair and keeps the private key, encrypted with a KMS key.
# Nobody holds the private key outside KPS: a run that needs it fetches it as
# an ephemeral value. While KPS holds it, the key pair is protected from
# deletion: set deletion_protection = false, and apply, before a destroy.
resource "kps_keypair" "ops" {
  name        = "ops-2026"
  description = "rotated every year"
  private_key_hosting = {
    encryption = "kms"
    kms_key_id = var.kms_key_id
  }
}

# Or bring your own public key (a .pub file, never the private key), and have
# KPS host its private key too. The private key is write-only (Terraform
# 1.11 and newer): sent, never stored; it must be the one of public_key.
resource "kps_keypair" "ci" {
  name                   = "ci-2026"
  public_key             = var.ci_public_key
  private_key_hosting    = {} # KPS's own encryption
  private_key_wo         = var.ci_private_key
  private_key_wo_version = 1 # change it to send a new private_key_wo
}

variable "kms_key_id" {
  type = string
}

variable "ci_public_key" {
  type = string
}

variable "ci_private_key" {
  type      = string
  sensitive = true
  ephemeral = true
}
