# Requests are signed with an access key instead of carrying a token. For
# temporary keys (from an agency or SSO), add security_token. The keys may
# instead come from HW_ACCESS_KEY, HW_SECRET_KEY and HW_SECURITY_TOKEN.
# With no project_id anywhere, the provider asks IAM for the project named
# after the region, once per run.
provider "kps" {
  region         = "cn-north-4"
  access_key     = var.access_key
  secret_key     = var.secret_key
  security_token = var.security_token
}

variable "access_key" {
  type = string
}

variable "secret_key" {
  type      = string
  sensitive = true
}

variable "security_token" {
  description = "Only for temporary keys; leave null for a permanent key."
  type        = string
  sensitive   = true
  default     = null
}
