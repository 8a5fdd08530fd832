# Terraform 1.12 and newer: by identity. project_id is optional.
import {
  to = kps_keypair.ops
  identity = {
    name       = "ops-2026"
    project_id = "0123456789abcdef0123456789abcdef"
  }
}
