package report

import (
	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/transformers/model"
	"github.com/lbguard/lbguard/transformers/rules"
)

// A chart or kustomization lbguard did not render is a finding of its own
// (docs/security.md: never a silent pass): an error when its resources
// went unchecked because rendering it needs what lbguard will not do
// (fetch, run a program, read outside the root), so that a gate that
// checked nothing cannot pass; a note when it has nothing of its own to
// check (a library chart, a Component, --helm-skip).

// RuleUnit is the pseudo-rule of units left alone.
const RuleUnit = "unit"

// ActionLeftAlone is the action of a unit left alone.
const ActionLeftAlone = "leftAlone"

var ruleUnit = rules.RuleInfo{
	ID: RuleUnit, Name: "UnitNotChecked", Title: "not checked", Severity: fn.Error,
	Why: "A chart or kustomization that cannot be read or rendered, or that needs what lbguard never does (fetch, run a program, " +
		"read outside the repository root: docs/security.md), is not checked: none of its resources was seen.",
}

// Unit is a chart or kustomization that was not rendered.
type Unit struct {
	Dir    string // the chart's or kustomization's directory, or a file
	Kind   string // "Helm chart", "kustomization", "file"
	Title  string // "kustomization overlays/prod", "Helm chart charts/web"
	File   string // its kustomization file or Chart.yaml
	Reason string
	// Unchecked: its resources went unchecked (an error); else a note.
	Unchecked bool
	// Failed: it could not be read or rendered (an error), Reason says
	// why and what to do.
	Failed bool
}

// What a unit finding says of its unit: "kustomization x left alone: …".
const (
	leftAloneVerb = " left alone: "
	failedVerb    = " cannot be read: "
)

// AddUnits adds a finding for each unit left alone, each in a group of
// its own after the resources'.
func (rep *Report) AddUnits(units []Unit) {
	for _, u := range units {
		severity, verb := fn.Info, leftAloneVerb
		if u.Unchecked || u.Failed {
			severity = fn.Error
		}
		if u.Failed {
			verb = failedVerb
		}
		f := &finding{
			res: &fn.Result{
				Message:  u.Title + verb + u.Reason,
				Severity: severity,
				File:     &fn.File{Path: u.File},
				Tags:     map[string]string{model.TagRule: RuleUnit, model.TagAction: ActionLeftAlone},
			},
			rule: RuleUnit, action: ActionLeftAlone, unit: u.Dir, Place: Place{File: u.File},
		}
		g := &group{title: u.Title, unit: true, unitName: u.Dir, unitKind: u.Kind, place: Place{File: u.File}, placed: true, order: len(rep.groups), findings: []*finding{f}}
		f.groups = []*group{g}
		rep.groups = append(rep.groups, g)
		rep.findings = append(rep.findings, f)
	}
}

// describeRule is the registry's rule of id, or the pseudo-rule of units.
func describeRule(id string) rules.RuleInfo {
	if id == RuleUnit {
		return ruleUnit
	}
	return rules.DescribeRule(id)
}

// hasUnits says whether a unit was left alone with its resources
// unchecked: SARIF then lists the pseudo-rule.
func (rep *Report) hasUnits() bool {
	for _, f := range rep.findings {
		if f.rule == RuleUnit && f.res.Severity == fn.Error { // left alone unchecked, or unreadable
			return true
		}
	}
	return false
}
