# A key pair made elsewhere, by name: its public key and fingerprint, and
# whether KPS holds its private key. No private key is ever read here.
data "kps_keypair" "ops" {
  name = "ops-2026"
}

output "ops_fingerprint" {
  value = data.kps_keypair.ops.fingerprint
}

output "ops_private_key_hosted" {
  value = data.kps_keypair.ops.private_key_hosted
}
