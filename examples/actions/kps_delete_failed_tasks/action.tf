# Clear the failed-task records of one server once its failures are dealt with:
#   terraform apply -invoke=action.kps_delete_failed_tasks.web
action "kps_delete_failed_tasks" "web" {
  config {
    server_id = "c9aa197b-a6b6-4c33-b3a6-fa0b4ec50006"
  }
}

# Or some records by task ID...
action "kps_delete_failed_tasks" "some" {
  config {
    task_ids = ["aee8d2fe-5484-4753-9177-5a38dc15546c"]
  }
}

# ...or every failed-task record of the project.
action "kps_delete_failed_tasks" "all" {
  config {}
}
