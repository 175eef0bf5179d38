package render

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
