# A fleet's key pair rotated in one apply, at the API's pace, with no
# secret at rest: KPS generates and hosts each new key pair, the fleet's
# current private key is fetched from KPS as an ephemeral value for this run
# only, and kps_associate_keypair replaces the key pair on every server in
# one invocation, as fast as KPS's request limit allows (DEW allows 20
# requests a second: 500 servers start in about 25 s, their tasks running
# side by side). The same fleet as kps_keypair_association resources with
# for_each runs ten servers at a time at Terraform's default parallelism.
#
# Rotate again by adding a name to generations: the action runs after the
# new key pair is created, on every server, KPS logging in with the key of
# the generation before. A server that fails is listed in the action's
# error, grouped by reason; the others are rotated.
#
# Retire a generation no server uses any more in two applies: add it to
# retired (its deletion_protection becomes false; nothing is sent), then
# remove it from generations (its key pair is deleted). Removing it first is
# refused at plan time: KPS holds its private key, maybe the only copy.
terraform {
  required_version = ">= 1.14" # actions
  required_providers {
    kps = {
      source = "kpsops/kps"
    }
  }
}

provider "kps" {}

variable "server_ids" {
  description = "The ECS servers of the fleet, which share their key pair."
  type        = set(string)
}

variable "first_keypair" {
  description = "The key pair the fleet had before the first rotation here; KPS hosts its private key."
  type        = string
}

variable "generations" {
  description = "The key pairs rotated through, oldest first: the fleet gets the last."
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

# The key the fleet accepts now, for this run only.
ephemeral "kps_keypair_private_key" "current" {
  name = local.current
}

# Every server at once: progress per server, a summary every 30 s.
action "kps_associate_keypair" "rotate" {
  config {
    server_ids   = var.server_ids
    keypair_name = kps_keypair.generation[local.next].name
    auth = {
      type = "keypair"
      key  = ephemeral.kps_keypair_private_key.current.private_key
    }
    max_failures = 10 # stop starting more after ten failures
  }
}

# The generation the fleet should have: when it changes, the rotation runs.
resource "terraform_data" "generation" {
  input = kps_keypair.generation[local.next].name

  lifecycle {
    action_trigger {
      events  = [after_create, after_update]
      actions = [action.kps_associate_keypair.rotate]
    }
  }
}
