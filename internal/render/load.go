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
	inputs, err := Inputs(paths)
	if err != nil {
		return nil, err
	}
	set := &Set{}
	for _, in := range inputs {
		part, err := in.Render(opts)
		if err != nil {
			return nil, err
		}
		set.add(part)
	}
	return set, nil
}

// Input is one thing the paths hold: a plain file, a chart or a
// kustomization.
type Input struct {
	Path string
	kind inputKind
}

// Plain says whether the input is a file read as it is; else Render
// renders it.
func (in Input) Plain() bool { return in.kind == plainFile }

// Chart says whether the input is a Helm chart's directory.
func (in Input) Chart() bool { return in.kind == chartDir }

// Inputs lists what paths hold, in the order Load reads them, for callers
// that read plain files their own way: a kustomization that another one
// builds on is left out, checked as part of it, and so is a file named on
// its own that lies in a kustomization also read.
func Inputs(paths []string) ([]Input, error) {
	found, err := findInputs(paths)
	if err != nil {
		return nil, err
	}
	consumed := consumedKustomizations(found)
	var built []string
	for _, in := range found {
		if in.kind == kustomizationDir {
			built = append(built, absPath(in.path))
		}
	}
	var inputs []Input
	for _, in := range found {
		switch {
		case in.kind == kustomizationDir && consumed[in.path]:
		case in.kind == plainFile && under(absPath(in.path), built):
		default:
			inputs = append(inputs, Input{Path: in.path, kind: in.kind})
		}
	}
	return inputs, nil
}

// Render renders a chart or builds a kustomization; a plain file is
// parsed.
func (in Input) Render(opts Options) (*Set, error) {
	switch {
	case in.kind == plainFile:
		return readFile(in.Path)
	case in.kind == chartDir:
		return renderChart(in.Path, opts)
	case isComponent(in.Path):
		return leftAlone(in.Path, "kustomize Component: built only as part of a kustomization that names it"), nil
	}
	return buildKustomization(in.Path)
}

func readFile(path string) (*Set, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %w", path, err)
	}
	return Parse(path, data)
}
