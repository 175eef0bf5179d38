package cli

import (
	"flag"
	"io"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/internal/render"
)

// For commands that only read the manifests (lbguard explain): the same
// flags among paths, files, directories and standard input as audit and
// fix, and the same config.

// ReadObjects reads the resources of paths ("-" is standard input), skipping
// the config file and what is not a resource, as audit does: charts are
// rendered with their own values, kustomizations built.
func ReadObjects(paths []string, stdin io.Reader, configPath string) (fn.KubeObjects, error) {
	read, err := readInputs(paths, stdin, configPath, render.Options{})
	if err != nil {
		return nil, err
	}
	if len(read.failed) > 0 {
		return nil, read.failed[0].err
	}
	return newInputs(read.sources).objects(), nil
}

// ParseInterspersed parses flags anywhere among the paths, as audit, fix
// and explain take them; "--" ends the flags. It returns the paths.
func ParseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var paths []string
	for len(args) > 0 {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			break
		}
		if len(args) > len(rest) && args[len(args)-len(rest)-1] == "--" {
			return append(paths, rest...), nil // after --: paths only
		}
		paths = append(paths, rest[0])
		args = rest[1:]
	}
	return paths, nil
}
