// Package explain is `lbguard explain`: for each workload behind each AWS
// load balancer, how many seconds of requests fail during a rollout, a
// drain or a scale-down, with the manifests as they are and after lbguard's
// fixes (the model of docs/timing.md, package timing), as a table, JSON, an
// SVG timeline and an HTML report.
package explain

import (
	"slices"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/timing"
	"github.com/lbguard/lbguard/transformers"
)

// Finding is one workload behind one load balancer, now and after the fix.
type Finding struct {
	Now, After   Subject
	NowX, AfterX timing.Explanation
	// Remaining names each window still open after the fix, and why no
	// rule closes it.
	Remaining []Residual
}

// Run explains every workload behind every load balancer of items. The
// after column runs the rules in fix mode on a copy of items.
func Run(items fn.KubeObjects, cfg transformers.Config, opts Options) []Finding {
	now := Subjects(items, cfg, opts)
	// The rules edit the copies; what they undo they take back from items,
	// which nothing edits, as audit does.
	fixed := transformers.Copies(items)
	cfg.Mode = transformers.ModeFix
	transformers.Run(&fixed, cfg, func() (fn.KubeObjects, error) { return slices.Clone(items), nil })
	after := map[string]Subject{}
	for _, s := range Subjects(fixed, cfg, opts) {
		after[s.key()] = s
	}
	findings := make([]Finding, 0, len(now))
	for _, s := range now {
		f := Finding{Now: s, After: s, NowX: timing.Explain(s.Input)}
		if a, ok := after[s.key()]; ok {
			f.After, f.AfterX = a, timing.Explain(a.Input)
		} else {
			f.AfterX = f.NowX // the fix left the pair out of reach: nothing changed
		}
		f.Remaining = residuals(f)
		findings = append(findings, f)
	}
	return findings
}
