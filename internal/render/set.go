package render

// Set is what Load read: the resources, and what it passed over.
type Set struct {
	// Documents are the resources, in the order of the paths given and,
	// under a directory, of its files.
	Documents []*Document
	// Hooks are a chart's Helm hooks (Origin.Hook names their events),
	// kept apart: Helm runs them outside the release's own rollout.
	Hooks []*Document
	// NonResources are the YAML documents that are no Kubernetes resource
	// (no apiVersion or kind: workflows, values files, compose files),
	// skipped; a summary counts them.
	NonResources []Origin
	// LeftAlone are the charts and kustomizations not rendered, and why.
	LeftAlone []LeftAlone
}

// LeftAlone is a chart or kustomization that Load did not render, or a
// subchart of a chart it rendered without.
type LeftAlone struct {
	Dir string
	// Subchart names the subchart of the chart at Dir that was left out
	// (not vendored: helm_deps.go), its path of names below the chart
	// ("redis", "catalog/mysql"); the chart's own resources were read.
	Subchart string
	Reason   string
	// Unchecked: it holds what lbguard will not do (fetch, run a program,
	// read outside the root), so its resources went unchecked: an error
	// finding, so that a gate that checked nothing cannot pass. Else (a
	// library chart, a Component, --helm-skip) a note.
	Unchecked bool
}

// leftAlone is a unit with nothing of its own to check.
func leftAlone(dir, reason string) *Set {
	return &Set{LeftAlone: []LeftAlone{{Dir: dir, Reason: reason}}}
}

// leftAloneError is a unit whose resources go unchecked.
func leftAloneError(dir, reason string) *Set {
	return &Set{LeftAlone: []LeftAlone{{Dir: dir, Reason: reason, Unchecked: true}}}
}

func (s *Set) add(o *Set) {
	s.Documents = append(s.Documents, o.Documents...)
	s.Hooks = append(s.Hooks, o.Hooks...)
	s.NonResources = append(s.NonResources, o.NonResources...)
	s.LeftAlone = append(s.LeftAlone, o.LeftAlone...)
}
