package cli

import (
	"io"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/transformers"
)

// For commands that only read the manifests (lbguard explain): the same
// files, directories and standard input as audit and fix, and the same config.

// ReadObjects reads the resources of paths ("-" is standard input), skipping
// the config file and what is not a resource, as audit does.
func ReadObjects(paths []string, stdin io.Reader, configPath string) (fn.KubeObjects, error) {
	sources, err := readInputs(paths, stdin, configPath)
	if err != nil {
		return nil, err
	}
	return newInputs(sources).objects(), nil
}

// ReadConfig reads a --config file; its problems are printed on stderr,
// naming the key, and ok is false.
func ReadConfig(path string, stderr io.Writer) (cfg transformers.Config, ok bool) {
	return readCLIConfig(path, stderr)
}
