// Command terraform-provider-kps serves the KPS provider (the key pairs of
// Huawei Cloud's Key Pair Service, and the tasks that bind them to servers
// and unbind them) to Terraform and OpenTofu, over plugin protocol 6.
package main

import (
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/kpsops/terraform-provider-kps/internal/provider"
)

// version is set by goreleaser through -ldflags "-X main.version=...".
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "start the provider with support for debuggers like delve")
	flag.Parse()

	// tf6server.Serve directly rather than providerserver.Serve, which does
	// the same, so that the server can be wrapped: internal/releasectx and
	// internal/writeonlyaction work around two of the framework's faults
	// (provider.NewServer applies both).
	var opts []tf6server.ServeOpt
	if debug {
		opts = append(opts, tf6server.WithManagedDebug())
	}
	if err := tf6server.Serve(provider.Address, provider.NewServer(version), opts...); err != nil {
		log.Fatal(err)
	}
}
