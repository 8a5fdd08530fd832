data "kps_keypair_task" "reset" {
  task_id = "aee8d2fe-5484-4753-9177-5a38dc15546c"
}

output "reset_status" {
  value = data.kps_keypair_task.reset.task_status # e.g. "RUNNING_RESET"
}

output "reset_finished" {
  value = data.kps_keypair_task.reset.terminal
}
