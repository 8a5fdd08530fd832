// Command cli-dir prints the folder of a pinned CLI, building it from the
// Go module proxy first unless internal/dev/clis has it cached, so that a
// tool which finds terraform on PATH can be given that one:
//
//	PATH="$(go run ./internal/dev/clis/cmd/cli-dir terraform-1.14.3):$PATH" tfplugindocs generate
//
// make docs and make bench use it: documenting actions, and invoking the
// fleet action, need Terraform 1.14 or newer.
package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/kpsops/terraform-provider-kps/internal/dev/clis"
)

var pinned = map[string]clis.Pinned{
	"terraform-1.14.3": clis.Terraform1143,
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: cli-dir terraform-1.14.3")
		os.Exit(2)
	}
	p, ok := pinned[os.Args[1]]
	if !ok {
		fmt.Fprintf(os.Stderr, "cli-dir: no pinned CLI %q\n", os.Args[1])
		os.Exit(2)
	}
	bin, err := p.Build(context.Background(), os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "cli-dir:", err)
		os.Exit(1)
	}
	fmt.Println(filepath.Dir(bin))
}
