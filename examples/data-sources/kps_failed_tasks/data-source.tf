# The failed key-pair tasks of one server, with why they failed.
data "kps_failed_tasks" "web" {
  server_id = "c9aa197b-a6b6-4c33-b3a6-fa0b4ec50006"
}

output "web_failures" {
  value = {
    for t in data.kps_failed_tasks.web.tasks :
    t.task_id => "${t.operation} at ${t.started_at}: ${t.error_code} ${t.error_msg}"
  }
}
