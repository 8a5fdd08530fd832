resource "kps_keypair_task_wait" "reset" {
  task_id = "aee8d2fe-5484-4753-9177-5a38dc15546c"

  timeouts {
    create = "15m"
  }
}

# Created only once the task has succeeded: it uses the wait's result.
resource "terraform_data" "after_reset" {
  input = kps_keypair_task_wait.reset.server_id
}
