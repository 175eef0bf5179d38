// Command lbguard is a KRM function for kustomize and kpt that makes
// workloads behind AWS load balancers survive rollouts, scale-downs and node
// drains without dropped requests. This package only dispatches: with no
// command to the KRM function (internal/function), with audit or fix to the
// command line (internal/cli), with explain to internal/explain, with
// helm-post-render to Helm's post-renderer (internal/helmpost).
package main

import (
	"fmt"
	"io"
	"os"

	"github.com/lbguard/lbguard/internal/cli"
	"github.com/lbguard/lbguard/internal/explain"
	"github.com/lbguard/lbguard/internal/function"
	"github.com/lbguard/lbguard/internal/helmpost"
	"github.com/lbguard/lbguard/internal/render"
)

// version is stamped at build time with -ldflags "-X main.version=...".
var version = "dev"

const usage = `lbguard: keeps workloads behind AWS load balancers serving through rollouts and drains.

Usage:
  lbguard                  run as a KRM function: a ResourceList on stdin, the result on stdout
  lbguard audit PATH...    report what would drop requests, changing nothing; exit 1 on errors
  lbguard fix PATH...      apply the fixes: the fixed YAML on stdout, or --in-place into the files
  lbguard explain PATH...  how many seconds of requests fail in a rollout or drain, now and after fix
  lbguard helm-post-render Helm's post-renderer: the manifests on stdin, fixed on stdout
  lbguard version          print the version
  lbguard --help           print this help

PATH is a file, a directory (its .yaml and .yml files, recursively; Helm
charts rendered, kustomizations built) or - for standard input. "lbguard
audit --help", "lbguard fix --help" and "lbguard explain --help" tell more.

Exit status of audit and fix: 0 clean, 1 findings of error severity (a unit
that cannot be checked is one), 2 bad usage or nothing readable. explain
exits 0 whatever it finds (2 on bad usage, or a unit it cannot explain):
audit is the gate.

The config is a LBGuard (lbguard.dev/v1alpha1) or a ConfigMap; see the README.
`

func main() {
	if len(os.Args) > 1 {
		// A command that reads a repository: nothing to fetch or start
		// (docs/security.md).
		render.Seal()
	}
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run returns the exit status: 0 done, 1 failed (bad input, bad config, or an
// error result), 2 bad usage.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		switch args[0] {
		case "version", "--version":
			fmt.Fprintln(stdout, "lbguard", version)
			return 0
		case "help", "-h", "--help":
			fmt.Fprint(stdout, usage)
			return 0
		case "audit", "fix":
			return cli.Run(args[0], args[1:], version, stdin, stdout, stderr)
		case "explain":
			return explain.Command(args[1:], stdin, stdout, stderr)
		case "helm-post-render":
			return helmpost.Run(args[1:], version, stdin, stdout, stderr)
		}
		fmt.Fprintf(stderr, "lbguard: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	return functionEntry(stdin, stdout, stderr)
}

// functionEntry runs lbguard as a KRM function: function.Run with
// processor, except in the benchmarks' SDK-baseline build
// (sdkidentity_build.go).
var functionEntry = func(stdin io.Reader, stdout, stderr io.Writer) int {
	return function.Run(stdin, stdout, stderr, processor)
}

// processor is function.Process, except in the benchmarks' builds
// (identity_build.go, noresults_build.go).
var processor function.Processor = function.Process
