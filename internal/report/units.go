package report

import (
	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/transformers"
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

var ruleUnit = transformers.RuleInfo{
	ID: RuleUnit, Name: "UnitNotChecked", Title: "not checked", Severity: fn.Error,
	Why: "lbguard fetches nothing, runs no program and reads nothing outside the repository root (docs/security.md); " +
		"a chart or kustomization that needs any of these is not rendered, so none of its resources was checked.",
}

// Unit is a chart or kustomization that was not rendered.
type Unit struct {
	Title  string // "kustomization overlays/prod", "Helm chart charts/web"
	File   string // its kustomization file or Chart.yaml
	Reason string
	// Unchecked: its resources went unchecked (an error); else a note.
	Unchecked bool
}

// AddUnits adds a finding for each unit left alone, each in a group of
// its own after the resources'.
func (rep *Report) AddUnits(units []Unit) {
	for _, u := range units {
		severity := fn.Info
		if u.Unchecked {
			severity = fn.Error
		}
		f := &finding{
			res: &fn.Result{
				Message:  u.Title + " left alone: " + u.Reason,
				Severity: severity,
				File:     &fn.File{Path: u.File},
				Tags:     map[string]string{transformers.TagRule: RuleUnit, transformers.TagAction: ActionLeftAlone},
			},
			rule: RuleUnit, action: ActionLeftAlone, Place: Place{File: u.File},
		}
		g := &group{title: u.Title, unit: true, place: Place{File: u.File}, placed: true, order: len(rep.groups), findings: []*finding{f}}
		f.groups = []*group{g}
		rep.groups = append(rep.groups, g)
		rep.findings = append(rep.findings, f)
	}
}

// describeRule is the registry's rule of id, or the pseudo-rule of units.
func describeRule(id string) transformers.RuleInfo {
	if id == RuleUnit {
		return ruleUnit
	}
	return transformers.DescribeRule(id)
}

// hasUnits says whether a unit was left alone with its resources
// unchecked: SARIF then lists the pseudo-rule.
func (rep *Report) hasUnits() bool {
	for _, f := range rep.findings {
		if f.rule == RuleUnit && f.res.Severity == fn.Error {
			return true
		}
	}
	return false
}
