# By name, in the provider's project:
terraform import kps_keypair.ops ops-2026

# Or in another project:
terraform import kps_keypair.ops 0123456789abcdef0123456789abcdef/ops-2026
