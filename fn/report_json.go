package main

import (
	"encoding/json"
	"io"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/transformers"
)

// The JSON report (lbguard audit --format json): every result, the notes
// included, in the order the rules made them. docs/ci.md documents it.

type jsonReport struct {
	Tool     jsonTool      `json:"tool"`
	Mode     string        `json:"mode"`
	Summary  jsonSummary   `json:"summary"`
	Findings []jsonFinding `json:"findings"`
}

type jsonTool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

type jsonSummary struct {
	Errors     int `json:"errors"`
	Warnings   int `json:"warnings"`
	Changes    int `json:"changes"`
	Notes      int `json:"notes"`
	Workloads  int `json:"workloads"`
	Resources  int `json:"resources"`
	Files      int `json:"files"`
	ExitStatus int `json:"exitStatus"`
}

type jsonFinding struct {
	Rule      string          `json:"rule"`
	RuleName  string          `json:"ruleName"`
	Severity  string          `json:"severity"`
	Action    string          `json:"action"`
	Message   string          `json:"message"`
	Why       string          `json:"why,omitempty"`
	Resource  *fn.ResourceRef `json:"resource,omitempty"`
	File      string          `json:"file,omitempty"`
	Line      int             `json:"line,omitempty"`
	Field     *jsonField      `json:"field,omitempty"`
	Workloads []string        `json:"workloads"`
}

type jsonField struct {
	Path     string `json:"path"`
	Current  any    `json:"current"`
	Proposed any    `json:"proposed"`
}

func (rep *report) writeJSON(w io.Writer) error {
	c := rep.count()
	out := jsonReport{
		Tool: jsonTool{"lbguard", version},
		Mode: string(rep.mode),
		Summary: jsonSummary{
			Errors: c.errors, Warnings: c.warnings, Changes: c.changes, Notes: c.notes, Workloads: c.workloads,
			Resources: len(rep.in.objects()), Files: rep.filesRead(), ExitStatus: rep.exitStatus(),
		},
		Findings: []jsonFinding{},
	}
	for _, f := range rep.findings {
		info := transformers.DescribeRule(f.rule)
		jf := jsonFinding{
			Rule: f.rule, RuleName: info.Title, Severity: string(f.res.Severity), Action: f.action,
			Message: f.res.Message, Resource: f.res.ResourceRef, File: f.file, Line: f.line,
			Workloads: []string{},
		}
		if f.res.Severity != fn.Info || f.action == "changed" {
			jf.Why = info.Why
		}
		if f.res.Field != nil {
			jf.Field = &jsonField{f.res.Field.Path, f.res.Field.CurrentValue, f.res.Field.ProposedValue}
		}
		for _, g := range f.groups {
			if g.workload {
				jf.Workloads = append(jf.Workloads, g.title)
			}
		}
		out.Findings = append(out.Findings, jf)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
