package render

import (
	"fmt"
	"path/filepath"
)

// Options are the command line's choices for rendering.
type Options struct {
	// ValueFiles are Helm values files (--values), merged in order over
	// each chart's own values.yaml.
	ValueFiles []string
	// Set are Helm values as key=value in Helm's --set syntax (strvals),
	// applied after ValueFiles.
	Set []string
	// SkipHelm leaves charts alone (--helm-skip): not rendered, not read,
	// named in Set.LeftAlone.
	SkipHelm bool
	// ReleaseName and Namespace are the release's, as charts see them in
	// .Release; "release-name" (as `helm template`) and "default" when
	// empty.
	ReleaseName string
	Namespace   string
	// Root confines every read (root.go); nil reads each input under the
	// root FindRoot gives for it.
	Root *Root
	// Exclude are the patterns of paths, relative to the root, that are
	// not read (exclude.go).
	Exclude []string
	// Charts give a chart, by its directory relative to the root in
	// slashes, options of its own (the repository config).
	Charts map[string]ChartOptions
}

// ChartOptions are one chart's own values, namespace and release name:
// its values files and --set values apply after the command line's, its
// namespace and release name instead of theirs.
type ChartOptions struct {
	ValueFiles, Set        []string
	Namespace, ReleaseName string
}

// forChart is o with the options the repository config gives the chart in
// dir.
func (o Options) forChart(dir string) Options {
	if o.Root == nil || len(o.Charts) == 0 {
		return o
	}
	rel, err := o.Root.Rel(dir)
	if err != nil {
		return o
	}
	c, ok := o.Charts[filepath.ToSlash(rel)]
	if !ok {
		return o
	}
	o.ValueFiles = append(append([]string{}, o.ValueFiles...), c.ValueFiles...)
	o.Set = append(append([]string{}, o.Set...), c.Set...)
	if c.Namespace != "" {
		o.Namespace = c.Namespace
	}
	if c.ReleaseName != "" {
		o.ReleaseName = c.ReleaseName
	}
	return o
}

func (o Options) releaseName() string {
	if o.ReleaseName == "" {
		return "release-name"
	}
	return o.ReleaseName
}

func (o Options) namespace() string {
	if o.Namespace == "" {
		return "default"
	}
	return o.Namespace
}

// withRoot is opts with a Root: its own, else one opened for path
// (FindRoot), which done closes.
func (o Options) withRoot(path string) (Options, func(), error) {
	if o.Root != nil {
		return o, func() {}, nil
	}
	dir, err := FindRoot(path)
	if err != nil {
		return o, nil, fmt.Errorf("cannot read %s: %w", path, err)
	}
	if o.Root, err = OpenRoot(dir); err != nil {
		return o, nil, fmt.Errorf("cannot open the repository root %s: %w", dir, unwrapPath(err))
	}
	return o, func() { o.Root.Close() }, nil
}
