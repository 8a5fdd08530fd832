# The demo that `make demo` runs against the local KPS stand-in. The provider
# reads its endpoint, token and project from HW_KPS_ENDPOINT, HW_AUTH_TOKEN and
# HW_PROJECT_ID, which the demo sets (with -access-key: HW_ACCESS_KEY,
# HW_SECRET_KEY, HW_SECURITY_TOKEN and HW_REGION_NAME instead).
terraform {
  required_providers {
    kps = {
      source = "kpsops/kps"
    }
  }
}

provider "kps" {}

variable "task_id" {
  description = "The key-pair task to wait for."
  type        = string
}

variable "current_private_key" {
  description = "The private key of the key pair the server has now, for KPS to log in with."
  type        = string
  sensitive   = true
  ephemeral   = true # never in the plan or state (Terraform 1.10+)
}

# Read while planning: the task has only just started.
data "kps_keypair_task" "at_plan" {
  task_id = var.task_id
}

# Wait, during apply, until the task ends.
resource "kps_keypair_task_wait" "reset" {
  task_id       = var.task_id
  poll_interval = "2s"

  timeouts {
    create = "2m"
  }
}

# Runs only once the task has succeeded: it needs the wait's result.
resource "terraform_data" "after_reset" {
  input = "server ${kps_keypair_task_wait.reset.server_id} is ready (${kps_keypair_task_wait.reset.task_status})"
}

# Someone else is replacing a key pair on the same server, and nobody here has
# that task's ID: wait until the server has no running key-pair task at all.
resource "kps_server_tasks_wait" "server_idle" {
  server_id     = kps_keypair_task_wait.reset.server_id
  poll_interval = "2s"
}

# Runs only once the server is idle: every task on it has ended, none failed.
resource "terraform_data" "after_server_idle" {
  input = [for t in kps_server_tasks_wait.server_idle.tasks : "${t.task_id} ended ${t.task_status}"]
}

# The key pair to rotate to: KPS generates it and keeps its private key,
# encrypted. No private key is in the state, the plan or any file.
resource "kps_keypair" "next" {
  name                = "kp-2026"
  description         = "the demo's next key pair"
  private_key_hosting = {}
}

# Once the server is idle, rotate it to key pair kp-2026 (a REPLACE task).
# (Without depends_on it would still wait for the other task to end before
# starting: a resource that starts a task never starts one on a busy server.)
# The current key is write-only: sent to KPS, stored nowhere.
resource "kps_keypair_association" "rotate" {
  server_id     = kps_keypair_task_wait.reset.server_id
  keypair_name  = kps_keypair.next.name
  poll_interval = "2s"
  depends_on    = [kps_server_tasks_wait.server_idle]

  auth = {
    type           = "keypair"
    key_wo         = var.current_private_key
    key_wo_version = 1
  }
}

# Runs only once kp-2026 is on the server.
resource "terraform_data" "after_rotation" {
  input = "server ${kps_keypair_association.rotate.server_id} has ${kps_keypair_association.rotate.keypair_name} (task ${kps_keypair_association.rotate.task_id}, ${kps_keypair_association.rotate.task_status})"
}

output "status_when_planned" {
  value = data.kps_keypair_task.at_plan.task_status
}

output "status_after_wait" {
  value = kps_keypair_task_wait.reset.task_status
}

output "completed_at" {
  value = kps_keypair_task_wait.reset.completed_at
}

output "gated_resource" {
  value = terraform_data.after_reset.output
}

output "server_tasks_seen" {
  value = terraform_data.after_server_idle.output
}

output "rotation" {
  value = terraform_data.after_rotation.output
}
