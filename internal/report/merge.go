package report

import (
	"github.com/lbguard/lbguard/transformers/config"
)

// A run over a repository runs the rules once per deployable unit (a
// chart, a kustomization, a directory's manifests), and once per
// alternative within a directory; the report holds them all, each finding
// and group naming its unit. A finding two alternatives share (a file
// common to both) is reported once.

// Part is the report of one run of the rules on a unit.
type Part struct {
	Unit   string // the chart's, kustomization's or files' directory; "stdin"
	Kind   string // "Helm chart", "kustomization", "manifests", "stdin"
	Report *Report
}

// Merge joins the parts' reports, in order; read is what the whole run
// read.
func Merge(mode config.Mode, version string, read Read, parts []Part) *Report {
	rep := &Report{mode: mode, version: version, read: read}
	groups := map[groupKey]*group{}
	seen := map[findingKey]bool{}
	for _, p := range parts {
		merged := map[*group]*group{}
		for _, g := range p.Report.groups {
			k := groupKey{p.Unit, g.title, g.place}
			m, ok := groups[k]
			if !ok {
				m = &group{title: g.title, workload: g.workload, unit: g.unit, unitName: p.Unit, unitKind: p.Kind,
					place: g.place, placed: g.placed, order: len(rep.groups), gateways: g.gateways}
				groups[k] = m
				rep.groups = append(rep.groups, m)
			}
			merged[g] = m
		}
		for _, f := range p.Report.findings {
			k := f.key(p.Unit)
			if seen[k] {
				continue
			}
			seen[k] = true
			c := *f
			c.unit = p.Unit
			c.groups = nil
			for _, g := range f.groups {
				m := merged[g]
				c.groups = append(c.groups, m)
				m.findings = append(m.findings, &c)
			}
			rep.findings = append(rep.findings, &c)
		}
	}
	return rep
}

// groupKey tells a group of one unit: the same workload in two overlays is
// two groups, in two alternatives of one directory one.
type groupKey struct {
	unit, title string
	place       Place
}

// findingKey tells a finding of one unit by what it says and where.
type findingKey struct {
	unit, rule, action, message, field string
	severity                           string
	place                              Place
}

func (f *finding) key(unit string) findingKey {
	k := findingKey{unit: unit, rule: f.rule, action: f.action, message: f.res.Message, severity: string(f.res.Severity), place: f.Place}
	if f.res.Field != nil {
		k.field = f.res.Field.Path
	}
	return k
}

// units counts the distinct units the shown groups belong to.
func (rep *Report) units() int {
	names := map[string]bool{}
	for _, g := range rep.groups {
		if g.unitName != "" {
			names[g.unitName] = true
		}
	}
	return len(names)
}
