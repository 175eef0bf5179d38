package cli

import (
	"path/filepath"

	"github.com/lbguard/lbguard/transformers/model"
)

// A repository is many deployable units, each rendered and applied on its
// own (docs/repositories.md): a chart with its values, a kustomization no
// other one includes, the plain manifests of one directory, standard input.
// The rules run on one unit at a time, so that base + overlays/dev +
// overlays/prod, or staging and production of a GitOps repository, are not
// one list where every resource is "listed twice".

// unit is one deployable unit of a run and the sources it holds.
type unit struct {
	name    string // its chart's, kustomization's or files' directory; "stdin"
	kind    string // "Helm chart", "kustomization", "manifests", "stdin"
	sources []*source
}

// splitUnits groups the sources into units, in the order first read: a
// rendered source is a unit of its own, plain files are grouped by their
// directory.
func splitUnits(sources []*source) []*unit {
	var units []*unit
	plain := map[string]*unit{}
	for _, src := range sources {
		switch {
		case src.rendered != nil:
			kind := "kustomization"
			if src.rendered.chart {
				kind = "Helm chart"
			}
			units = append(units, &unit{name: src.rendered.dir, kind: kind, sources: []*source{src}})
		case src.path == stdinPath:
			units = append(units, &unit{name: "stdin", kind: "stdin", sources: []*source{src}})
		default:
			dir := filepath.Dir(src.path)
			u, ok := plain[dir]
			if !ok {
				u = &unit{name: dir, kind: "manifests"}
				plain[dir] = u
				units = append(units, u)
			}
			u.sources = append(u.sources, src)
		}
	}
	return units
}

// variants are the lists a unit's rules run on. Two files of one directory
// that define the same resource are alternatives, never applied together
// (2048_full.yaml beside 2048_full_dualstack.yaml): each is judged with the
// files that share no resource with another. A resource repeated within
// one file is no alternative: that list is refused as kustomize and
// kubectl refuse it.
func (u *unit) variants() [][]*source {
	if u.kind != "manifests" || len(u.sources) < 2 {
		return [][]*source{u.sources}
	}
	owners := map[model.ObjectKey][]*source{}
	for _, src := range u.sources {
		seen := map[model.ObjectKey]bool{}
		for _, d := range src.docs {
			if d.obj == nil {
				continue
			}
			id := model.KeyOf(d.obj.GetAPIVersion(), d.obj.GetKind(), d.obj.GetNamespace(), d.obj.GetName())
			if !seen[id] {
				seen[id] = true
				owners[id] = append(owners[id], src)
			}
		}
	}
	alternative := map[*source]bool{}
	for _, srcs := range owners {
		if len(srcs) > 1 {
			for _, s := range srcs {
				alternative[s] = true
			}
		}
	}
	if len(alternative) == 0 {
		return [][]*source{u.sources}
	}
	var common, alternatives []*source
	for _, src := range u.sources {
		if alternative[src] {
			alternatives = append(alternatives, src)
		} else {
			common = append(common, src)
		}
	}
	variants := make([][]*source, len(alternatives))
	for i, alt := range alternatives {
		v := make([]*source, 0, len(common)+1)
		for _, src := range u.sources { // in the order read
			if src == alt || !alternative[src] {
				v = append(v, src)
			}
		}
		variants[i] = v
	}
	return variants
}
