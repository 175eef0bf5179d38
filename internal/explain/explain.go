// Package explain is `lbguard explain`: for each workload behind each AWS
// load balancer, how many seconds of requests fail during a rollout, a
// drain or a scale-down, with the manifests as they are and after lbguard's
// fixes (the model of docs/timing.md, package timing), as a table, JSON, an
// SVG timeline and an HTML report.
package explain

import (
	"slices"
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/timing"
	"github.com/lbguard/lbguard/transformers"
	"github.com/lbguard/lbguard/transformers/config"
	"github.com/lbguard/lbguard/transformers/model"
)

// Finding is one workload behind one load balancer, now and after the fix.
type Finding struct {
	Now, After   Subject
	NowX, AfterX timing.Explanation
	// Remaining names each window still open after the fix, and why no
	// rule closes it.
	Remaining []Residual
	// Unit is the deployable unit the finding was read from, when the
	// input held more than one; nil otherwise.
	Unit *Unit
}

// Unit is a deployable unit as `lbguard audit` judges it (a chart, a
// kustomization no other one includes, a directory's manifests, standard
// input), each explained on its own.
type Unit struct {
	Name, Kind string // "overlays/prod", "kustomization"
	// Alternative is the file of a directory's manifests that defines a
	// resource another file of it defines too: each such file is judged
	// with the rest of the directory on its own.
	Alternative string
}

// label is "overlays/prod (kustomization)", with " — alternative FILE"
// for an alternative; "stdin" for standard input.
func (u Unit) label() string {
	s := u.Name + " (" + u.Kind + ")"
	if u.Name == u.Kind {
		s = u.Name
	}
	if u.Alternative != "" {
		s += " — alternative " + u.Alternative
	}
	return s
}

// refusals are the messages of the results that stop the rules for items,
// as audit finds them (the rules in audit mode, on a copy): a resource
// listed twice, a field lbguard cannot read. A list that has any is not
// explained: the rules would leave it as it is, and "after lbguard fix"
// would be "now" of a list the cluster refuses or lbguard cannot read.
func refusals(items fn.KubeObjects, cfg config.Config) []string {
	copies := transformers.Copies(items)
	cfg.Mode = config.ModeAudit
	outcome := transformers.Run(&copies, cfg, func() (fn.KubeObjects, error) { return slices.Clone(items), nil })
	var msgs []string
	for _, res := range outcome.Results {
		if res.Severity == fn.Error && res.Tags[model.TagAction] == model.ActionInvalid {
			msgs = append(msgs, strings.Join(strings.Fields(res.Message), " "))
		}
	}
	return msgs
}

// Run explains every workload behind every load balancer of items. The
// after column runs the rules in fix mode on a copy of items.
func Run(items fn.KubeObjects, cfg config.Config, opts Options) []Finding {
	now := Subjects(items, cfg, opts)
	// The rules edit the copies; what they undo they take back from items,
	// which nothing edits, as audit does.
	fixed := transformers.Copies(items)
	cfg.Mode = config.ModeFix
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
