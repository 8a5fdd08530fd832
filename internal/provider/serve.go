package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/kpsops/terraform-provider-kps/internal/releasectx"
	"github.com/kpsops/terraform-provider-kps/internal/writeonlyaction"
)

// Address is the provider's source address in the registry.
const Address = "registry.terraform.io/kpsops/kps"

// NewServer returns the protocol 6 server factory that main serves, as
// providerserver.Serve would build it, with the framework's per-call context
// leak worked around (see package releasectx), and its refusal of values in
// write-only action attributes (see package writeonlyaction).
func NewServer(version string) func() tfprotov6.ProviderServer {
	return func() tfprotov6.ProviderServer { return protocolServer(New(version)()) }
}

func protocolServer(p provider.Provider) tfprotov6.ProviderServer {
	return releasectx.Wrap(writeonlyaction.Wrap(providerserver.NewProtocol6(p)()))
}
