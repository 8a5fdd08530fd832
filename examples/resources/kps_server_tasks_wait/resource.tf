# Someone reset the key pair of this server from the console, or another
# pipeline is replacing it; nobody here has the task ID. Wait until the server
# has no running key-pair task before anything touches it.
resource "kps_server_tasks_wait" "web" {
  server_id = "c9aa197b-a6b6-4c33-b3a6-fa0b4ec50006"

  timeouts {
    create = "15m"
  }
}

# Created only once the server is idle and none of its tasks failed.
resource "terraform_data" "configure_web" {
  input = kps_server_tasks_wait.web.completed_at

  # e.g. a provisioner that connects with the new key pair
}
