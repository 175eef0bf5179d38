package render

import (
	"fmt"
	"os"
)

// Load reads the files and directories of paths: plain manifests as they
// are, charts rendered with Helm, kustomizations built with kustomize (see
// findInputs for which is which). It stops at the first input it cannot
// read or render; a document that repeats a key is such an input
// (a *DocumentError around a *yamlnode.DuplicateKeyError).
func Load(paths []string, opts Options) (*Set, error) {
	inputs, err := findInputs(paths)
	if err != nil {
		return nil, err
	}
	consumed := consumedKustomizations(inputs)
	set := &Set{}
	for _, in := range inputs {
		var part *Set
		switch {
		case in.kind == plainFile:
			part, err = readFile(in.path)
		case in.kind == chartDir:
			part, err = renderChart(in.path, opts)
		case consumed[in.path]:
			continue
		case isComponent(in.path):
			part = leftAlone(in.path, "kustomize Component: built only as part of a kustomization that names it")
		default:
			part, err = buildKustomization(in.path)
		}
		if err != nil {
			return nil, err
		}
		set.add(part)
	}
	return set, nil
}

func readFile(path string) (*Set, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %w", path, err)
	}
	return Parse(path, data)
}
