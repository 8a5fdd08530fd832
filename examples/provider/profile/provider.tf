# Keys, region and project from a KooCLI (hcloud) profile in
# ~/.hcloud/config.json, as `hcloud configure init` or an SSO sign-in stores
# them. KooCLI encrypts the keys unless told not to; store them usably with
#   hcloud configure set --cli-auth-encrypt=false
provider "kps" {
  profile = "ci"
}
