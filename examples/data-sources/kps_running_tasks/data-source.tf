# Every task of the project that has not ended yet.
data "kps_running_tasks" "all" {}

# Only the resets running on one server.
data "kps_running_tasks" "web_resets" {
  server_id = "c9aa197b-a6b6-4c33-b3a6-fa0b4ec50006"
  operation = "RESET"
}

output "web_busy" {
  value = length(data.kps_running_tasks.web_resets.tasks) > 0
}

output "running_task_ids" {
  value = [for t in data.kps_running_tasks.all.tasks : t.task_id]
}
