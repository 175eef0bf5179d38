package render

import "fmt"

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
