# Every value may instead come from the environment variables Huawei Cloud's
# own provider reads: HW_REGION_NAME, HW_PROJECT_ID, HW_AUTH_TOKEN, ...
provider "kps" {
  region     = "cn-north-4"
  project_id = "0123456789abcdef0123456789abcdef"
  token      = var.iam_token
}

variable "iam_token" {
  description = "An IAM user token (the X-Subject-Token of IAM's \"get user token\" call)."
  type        = string
  sensitive   = true
}
