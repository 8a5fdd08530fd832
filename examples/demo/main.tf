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
