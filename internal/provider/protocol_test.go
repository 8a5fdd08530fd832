package provider

// Helpers for tests that drive the provider's protocol server directly, as
// Terraform does over gRPC, for what the CLI cannot show: allocations per
// read, or a deferral the installed CLI does not offer.
