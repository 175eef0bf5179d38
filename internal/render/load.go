package render

import (
	"errors"
	"fmt"
	"io/fs"
)

// Load reads the files and directories of paths: plain manifests as they
// are, charts rendered with Helm, kustomizations built with kustomize (see
// findInputs for which is which). It stops at the first input it cannot
// read or render; a document that repeats a key is such an input
// (a *DocumentError around a *yamlnode.DuplicateKeyError).
func Load(paths []string, opts Options) (*Set, error) {
	if len(paths) == 0 {
		return &Set{}, nil
	}
	opts, done, err := opts.withRoot(paths[0])
	if err != nil {
		return nil, err
	}
	defer done()
	inputs, err := Inputs(paths, opts)
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

// Kind names what the input is: "file", "Helm chart" or "kustomization".
func (in Input) Kind() string {
	return [...]string{plainFile: "file", chartDir: "Helm chart", kustomizationDir: "kustomization"}[in.kind]
}

// Inputs lists what paths hold, in the order Load reads them, for callers
// that read plain files their own way: a kustomization that another one
// builds on is left out, checked as part of it, and so is a file named on
// its own that lies in a kustomization also read.
//
// opts.Root confines the walk's reads; paths matching opts.Exclude are
// passed over.
func Inputs(paths []string, opts Options) ([]Input, error) {
	root := opts.Root
	found, err := findInputs(root, paths, opts.Exclude)
	if err != nil {
		return nil, err
	}
	consumed := consumedKustomizations(root, found)
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
// Every read is held to opts.Root (or, when it is nil, to the root
// FindRoot gives for the input).
func (in Input) Render(opts Options) (*Set, error) {
	opts, done, err := opts.withRoot(in.Path)
	if err != nil {
		return nil, err
	}
	defer done()
	switch {
	case in.kind == plainFile:
		return readFile(opts.Root, in.Path)
	case in.kind == chartDir:
		return renderChart(in.Path, opts)
	case isComponent(opts.Root, in.Path):
		return leftAlone(in.Path, "kustomize Component: built only as part of a kustomization that names it"), nil
	}
	return buildKustomization(opts.Root, in.Path)
}

func readFile(r *Root, path string) (*Set, error) {
	data, err := r.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %w", path, unwrapPath(err))
	}
	return Parse(path, data)
}

// unwrapPath is a path error's reason alone: messages name the path
// already.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
