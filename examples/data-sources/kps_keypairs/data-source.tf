# Every key pair of the project, over every page.
data "kps_keypairs" "all" {}

# The key pair that holds a given public key, if any.
data "kps_keypairs" "by_key" {
  public_key = var.public_key
}

variable "public_key" {
  type = string
}

output "keypair_names" {
  value = [for kp in data.kps_keypairs.all.keypairs : kp.name]
}

output "not_hosted" {
  value = [for kp in data.kps_keypairs.all.keypairs : kp.name if !kp.private_key_hosted]
}
