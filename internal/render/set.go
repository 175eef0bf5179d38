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

// LeftAlone is a chart or kustomization that Load did not render.
type LeftAlone struct {
	Dir    string
	Reason string
}

func (s *Set) add(o *Set) {
	s.Documents = append(s.Documents, o.Documents...)
	s.Hooks = append(s.Hooks, o.Hooks...)
	s.NonResources = append(s.NonResources, o.NonResources...)
	s.LeftAlone = append(s.LeftAlone, o.LeftAlone...)
}
