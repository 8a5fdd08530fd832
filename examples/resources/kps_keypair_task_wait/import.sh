# By task ID, in the provider's project:
terraform import kps_keypair_task_wait.reset aee8d2fe-5484-4753-9177-5a38dc15546c

# Or by project ID and task ID:
terraform import kps_keypair_task_wait.reset 0123456789abcdef0123456789abcdef/aee8d2fe-5484-4753-9177-5a38dc15546c
