# In a .tfquery.hcl file: terraform query lists the project's key pairs,
# and terraform query -generate-config-out=generated.tf writes an import
# block and a resource block for each, to adopt them all with one apply.
list "kps_keypair" "all" {
  provider         = kps
  include_resource = true # the attributes too, for the generated blocks
}

# Only the key pair that holds a given public key.
list "kps_keypair" "ci" {
  provider = kps
  config {
    public_key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA ci@example"
  }
}
