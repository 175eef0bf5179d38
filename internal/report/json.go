package report

import (
	"encoding/json"
	"io"

	"github.com/kptdev/krm-functions-sdk/go/fn"
)

// The JSON report (lbguard audit --format json): every result, the notes
// included, in the order the rules made them. docs/ci.md documents it.

// JSONReport is the JSON report's document.
type JSONReport struct {
	Tool     JSONTool      `json:"tool"`
	Mode     string        `json:"mode"`
	Summary  JSONSummary   `json:"summary"`
	Findings []JSONFinding `json:"findings"`
}

// JSONTool names lbguard and its version.
type JSONTool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// JSONSummary counts the findings and what was read.
type JSONSummary struct {
	Errors    int `json:"errors"`
	Warnings  int `json:"warnings"`
	Changes   int `json:"changes"`
	Notes     int `json:"notes"`
	Workloads int `json:"workloads"`
	Resources int `json:"resources"`
	Files     int `json:"files"`
	// Charts and Overlays count the Helm charts rendered and the
	// kustomizations built that held resources.
	Charts   int `json:"charts,omitempty"`
	Overlays int `json:"overlays,omitempty"`
	// NonResources counts the YAML documents skipped as no resource.
	NonResources int `json:"nonResources,omitempty"`
	// Unchecked counts the charts and kustomizations left alone whose
	// resources went unchecked (a finding each).
	Unchecked  int `json:"unchecked,omitempty"`
	ExitStatus int `json:"exitStatus"`
}

// JSONFinding is one result, placed and grouped.
type JSONFinding struct {
	Rule     string `json:"rule"`
	RuleName string `json:"ruleName"`
	Severity string `json:"severity"`
	Action   string `json:"action"`
	Message  string `json:"message"`
	// Unit is the deployable unit the finding belongs to: a chart's,
	// kustomization's or manifests' directory, or "stdin".
	Unit     string          `json:"unit,omitempty"`
	Why      string          `json:"why,omitempty"`
	Resource *fn.ResourceRef `json:"resource,omitempty"`
	File     string          `json:"file,omitempty"`
	Line     int             `json:"line,omitempty"`
	// Origin names the chart or overlay a rendered resource came from,
	// and its source: "charts/web (templates/deployment.yaml)".
	Origin    string     `json:"origin,omitempty"`
	Field     *JSONField `json:"field,omitempty"`
	Workloads []string   `json:"workloads"`
	// WorkloadsOmitted counts the workloads at risk past the first 20,
	// which Workloads does not name.
	WorkloadsOmitted int         `json:"workloadsOmitted,omitempty"`
	Gateways         []string    `json:"gateways,omitempty"` // the routes and AWS Gateways in front of the workloads
	Window           *JSONWindow `json:"window,omitempty"`   // the failure window the change closes
}

// JSONField is the field a finding is about, with its values.
type JSONField struct {
	Path     string `json:"path"`
	Current  any    `json:"current"`
	Proposed any    `json:"proposed"`
}

// WriteJSON writes the JSON report.
func (rep *Report) WriteJSON(w io.Writer) error {
	c := rep.count()
	out := JSONReport{
		Tool: JSONTool{"lbguard", rep.version},
		Mode: string(rep.mode),
		Summary: JSONSummary{
			Errors: c.errors, Warnings: c.warnings, Changes: c.changes, Notes: c.notes + c.unitNotes, Workloads: c.workloads,
			Resources: rep.read.Resources, Files: rep.read.Files, Charts: rep.read.Charts, Overlays: rep.read.Overlays, NonResources: rep.read.NonResources, Unchecked: c.unchecked, ExitStatus: rep.ExitStatus(),
		},
		Findings: []JSONFinding{},
	}
	for _, f := range rep.findings {
		info := describeRule(f.rule)
		jf := JSONFinding{
			Rule: f.rule, RuleName: info.Title, Severity: string(f.res.Severity), Action: f.action,
			Message: f.res.Message, Unit: f.unit, Resource: f.res.ResourceRef, File: f.File, Line: f.Line, Origin: f.Origin,
			Workloads: []string{},
		}
		if f.res.Severity != fn.Info || f.action == "changed" {
			jf.Why = info.Why
		}
		if f.res.Field != nil {
			jf.Field = &JSONField{f.res.Field.Path, f.res.Field.CurrentValue, f.res.Field.ProposedValue}
		}
		for _, g := range f.groups {
			if g.workload {
				jf.Workloads = append(jf.Workloads, g.title)
			}
		}
		jf.WorkloadsOmitted = f.moreWorkloads
		jf.Gateways = f.gateways()
		jf.Window = f.window()
		out.Findings = append(out.Findings, jf)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
