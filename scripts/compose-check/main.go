// Command compose-check validates a docker-compose file offline with the same loader Docker Compose
// uses (compose-spec/compose-go), so a typo or unknown key fails here instead of on a user's machine.
//
// Usage: compose-check path/to/docker-compose.yml
//
// On success it prints the normalized project as JSON on stdout (tests read services and healthchecks
// from it); on failure it prints the loader's error on stderr and exits 1.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/compose-spec/compose-go/v2/cli"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: compose-check <docker-compose.yml>")
		os.Exit(2)
	}
	opts, err := cli.NewProjectOptions(
		[]string{os.Args[1]},
		cli.WithName("hearth"),
		cli.WithOsEnv,
		cli.WithResolvedPaths(false),
	)
	if err != nil {
		fail(err)
	}
	project, err := opts.LoadProject(context.Background())
	if err != nil {
		fail(err)
	}
	out, err := project.MarshalJSON()
	if err != nil {
		fail(err)
	}
	os.Stdout.Write(out)
	os.Stdout.Write([]byte("\n"))
}

func fail(err error) {
	fmt.Fprintf(os.Stderr, "compose-check: %v\n", err)
	os.Exit(1)
}
