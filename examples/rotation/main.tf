# A key-pair rotation with no secret at rest: KPS generates and hosts each
# new key pair, the current key pair's private key is fetched from KPS as an
# ephemeral value for this run only, and goes write-only to the task that
# replaces it. No private key is in the state, the plan or any file.
#
# Rotate again by adding a name to generations: the server gets the last
# one, KPS logging in with the key of the one before.
#
# Retire a generation no server uses any more in two applies: add it to
# retired (its deletion_protection becomes false; nothing is sent), then
# remove it from generations (its key pair is deleted). Removing it first is
# refused at plan time: KPS holds its private key, maybe the only copy.
terraform {
  required_version = ">= 1.11" # ephemeral resources (1.10) and write-only arguments (1.11)
  required_providers {
    kps = {
      source = "kpsops/kps"
    }
  }
}

provider "kps" {}

variable "server_id" {
  description = "The ECS server whose key pair is rotated."
  type        = string
}

variable "first_keypair" {
  description = "The key pair the server had before the first rotation here; KPS hosts its private key."
  type        = string
}

variable "generations" {
  description = "The key pairs rotated through, oldest first: the server gets the last."
  type        = list(string)
}

variable "retired" {
  description = "Generations no server uses any more, older than the last two: their key pairs may be deleted."
  type        = set(string)
  default     = []
}

locals {
  next    = var.generations[length(var.generations) - 1]
  current = length(var.generations) > 1 ? var.generations[length(var.generations) - 2] : var.first_keypair
}

# Each generation: KPS generates the pair and keeps its private key,
# encrypted. While it does, the key pair is protected from deletion (the
# default), unless retired.
resource "kps_keypair" "generation" {
  for_each            = toset(var.generations)
  name                = each.key
  private_key_hosting = {}
  deletion_protection = contains(var.retired, each.key) ? false : null
}

# The key the server accepts now, for this run only.
ephemeral "kps_keypair_private_key" "current" {
  name = local.current
}

resource "kps_keypair_association" "rotate" {
  server_id    = var.server_id
  keypair_name = kps_keypair.generation[local.next].name

  # A new generation changes keypair_name, which runs the task again with
  # the key of the one before; retiring an old one changes nothing here.
  auth = {
    type   = "keypair"
    key_wo = ephemeral.kps_keypair_private_key.current.private_key
  }
}

# Created only once the new key pair is on the server.
resource "terraform_data" "after_rotation" {
  input = "server ${kps_keypair_association.rotate.server_id} has ${kps_keypair_association.rotate.keypair_name}"
}
