// Package report turns the results of an audit or fix run into findings,
// each with its file and line, grouped by the workload it puts at risk, and
// writes them for people (text) and machines (JSON, SARIF).
package report

import (
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/transformers"
	"github.com/lbguard/lbguard/transformers/config"
	"github.com/lbguard/lbguard/transformers/model"
)

// Exit statuses of the command line.
const (
	ExitClean    = 0 // no finding of error severity (audit); fixed (fix)
	ExitFindings = 1 // at least one error result
	ExitUsage    = 2 // bad usage, bad config, or input that cannot be read
)

// StdinPath is the path of standard input, among files.
const StdinPath = "-"

// Place is where something is written: a file ("" unknown, StdinPath for
// standard input) and a line (0 unknown). For a rendered resource, Origin
// names the chart or overlay and the source ("charts/web
// (templates/deployment.yaml)", "overlays/prod ← base/app.yaml:3"); File and
// Line are then the source file and line, where known, else the chart's
// Chart.yaml or the kustomization file.
type Place struct {
	File   string
	Line   int
	Origin string
}

// Source is what was read, as the reports need it.
type Source interface {
	// Finding is where a result is written: the field of its own
	// resource, or, for a resource not in the input, a related one, such
	// as the first of the workloads the result puts at risk (a Namespace
	// lbguard cannot label is written at its workload's namespace).
	Finding(res *fn.Result, workloads []model.ResourceID) Place
	// Resource is the document of a resource, at its metadata.name, and
	// its position among the documents read; ok is false when the input
	// does not hold it (or holds it twice).
	Resource(ref *fn.ResourceRef, file *fn.File) (place Place, order int, ok bool)
	// Read says how much was read.
	Read() Read
}

// Read is how much a run read.
type Read struct {
	Resources int
	Files     int  // files that held resources, standard input aside
	Stdin     bool // standard input held resources
	Charts    int  // Helm charts rendered that held resources
	Overlays  int  // kustomizations built that held resources
	// NonResources counts the YAML documents skipped as no Kubernetes
	// resource (workflows, values files).
	NonResources int
}

// Report is every result of a run, placed and grouped.
type Report struct {
	mode     config.Mode
	version  string
	read     Read
	findings []*finding
	groups   []*group

	// root is the repository root, absolute, that SARIF names files
	// relative to; "" when unknown (SetRoot).
	root string
}

// SetRoot names the repository root, absolute: SARIF writes every file
// relative to it, with uriBaseId %SRCROOT%, wherever lbguard ran from. The
// text and JSON reports keep each path as it was read, relative to the
// working directory.
func (rep *Report) SetRoot(dir string) { rep.root = dir }

// finding is one result with where it is written.
type finding struct {
	res    *fn.Result
	rule   string // R1 … R8, or "invalid"
	action string
	unit   string // the deployable unit whose run made it (merge.go)
	// moreWorkloads counts the workloads at risk past maxWorkloadsNamed,
	// not grouped.
	moreWorkloads int
	// unwritten: a change fix --in-place does not write, being to a
	// chart's or kustomization's output (LeaveRenderedUnwritten).
	unwritten bool
	Place
	groups []*group
}

// group is a workload and the findings that put it at risk, or a resource
// with findings that reach no workload of the input.
type group struct {
	title    string // "Deployment web/podinfo"
	workload bool
	unit     bool // a chart or kustomization left alone (units.go)
	// unitName and unitKind name the deployable unit (merge.go).
	unitName, unitKind string
	place              Place // of its metadata.name
	placed             bool  // its document is in the input
	order              int   // of its document, or of its making when not placed
	findings           []*finding
	gateways           []string // a workload's routes and AWS Gateways in front of it
}

// maxWorkloadsNamed is the most workloads a finding is grouped under:
// one Service in front of thousands of workloads is named under the first
// and counted for the rest, so that a report stays linear in its input
// (N Services sharing one selector would otherwise make N² entries).
const maxWorkloadsNamed = 20

// New places every result of a run: its file, line and the workloads it
// puts at risk. version is lbguard's, for the machine formats.
func New(mode config.Mode, version string, outcome *transformers.Outcome, src Source) *Report {
	rep := &Report{mode: mode, version: version, read: src.Read()}
	groups := map[string]*group{}
	groupFor := func(ref *fn.ResourceRef, file *fn.File, workload bool, gateways []string) *group {
		title := resourceTitle(ref.Kind, ref.Namespace, ref.Name)
		g, ok := groups[title]
		if !ok {
			g = &group{title: title, workload: workload, gateways: gateways}
			if g.place, g.order, g.placed = src.Resource(ref, file); !g.placed {
				g.order = len(groups)
			}
			groups[title] = g
			rep.groups = append(rep.groups, g)
		}
		return g
	}
	for _, res := range outcome.Results {
		workloads, total := outcome.WorkloadsAtMost(res, maxWorkloadsNamed)
		f := &finding{res: res, rule: res.Tags[model.TagRule], action: res.Tags[model.TagAction], Place: src.Finding(res, workloads),
			moreWorkloads: total - len(workloads)}
		if f.rule == "" && f.action == model.ActionInvalid {
			f.rule = "invalid"
		}
		for _, w := range workloads {
			ref := fn.ResourceRef{APIVersion: w.APIVersion, Kind: w.Kind, Namespace: w.Namespace, Name: w.Name}
			f.groups = append(f.groups, groupFor(&ref, nil, true, outcome.Gateways(w)))
		}
		if len(f.groups) == 0 && res.ResourceRef != nil {
			f.groups = append(f.groups, groupFor(res.ResourceRef, res.File, false, nil))
		}
		for _, g := range f.groups {
			g.findings = append(g.findings, f)
		}
		rep.findings = append(rep.findings, f)
	}
	// Workloads first, then the groups in the order of their documents,
	// then those with no document in the order they came.
	sort.SliceStable(rep.groups, func(i, j int) bool {
		a, b := rep.groups[i], rep.groups[j]
		switch {
		case a.workload != b.workload:
			return a.workload
		case a.placed != b.placed:
			return a.placed
		}
		return a.order < b.order
	})
	return rep
}

func resourceTitle(kind, namespace, name string) string {
	return kind + " " + QualifiedName(namespace, name)
}

// QualifiedName is namespace/name, or name alone without a namespace.
func QualifiedName(namespace, name string) string {
	if namespace == "" {
		return name
	}
	return namespace + "/" + name
}

// DisplayPath names a file in messages: standard input is "stdin".
func DisplayPath(path string) string {
	if path == StdinPath {
		return "stdin"
	}
	return path
}

// shown reports whether a finding is printed in the text report: in audit,
// errors and warnings; in fix, also what was changed.
func (rep *Report) shown(f *finding) bool {
	switch {
	case f.res.Severity == fn.Error || f.res.Severity == fn.Warning || f.rule == RuleUnit:
		return true
	case rep.mode == config.ModeFix:
		return f.action == model.ActionChanged
	}
	return false
}

type counts struct {
	errors, warnings, changes, notes, workloads int
	unwritten                                   int // changes fix --in-place does not write (in charts, kustomizations)
	kept, optedOut                              int // the notes that are values kept as the user set them, resources opted out
	unitNotes                                   int // units left alone with nothing to check, shown
	unchecked                                   int // units left alone whose resources went unchecked
}

func (rep *Report) count() counts {
	var c counts
	for _, f := range rep.findings {
		if f.rule == RuleUnit && f.res.Severity == fn.Error {
			c.unchecked++
		}
		switch {
		case f.res.Severity == fn.Error:
			c.errors++
		case f.res.Severity == fn.Warning:
			c.warnings++
		case f.action == model.ActionChanged && f.unwritten:
			c.unwritten++
		case f.action == model.ActionChanged:
			c.changes++
		case f.rule == RuleUnit:
			c.unitNotes++
		default:
			c.notes++
			switch f.action {
			case model.ActionKept:
				c.kept++
			case model.ActionSkipped:
				c.optedOut++
			}
		}
	}
	for _, g := range rep.groups {
		if g.workload {
			for _, f := range g.findings {
				if rep.shown(f) {
					c.workloads++
					break
				}
			}
		}
	}
	return c
}

// ExitStatus is ExitFindings when a finding is an error, or when every
// change of fix --in-place is one it does not write (LeaveRenderedUnwritten),
// else ExitClean.
func (rep *Report) ExitStatus() int {
	if rep.HasErrors() {
		return ExitFindings
	}
	if c := rep.count(); c.unwritten > 0 && c.changes == 0 {
		return ExitFindings
	}
	return ExitClean
}

// HasErrors says whether a finding is an error.
func (rep *Report) HasErrors() bool {
	for _, f := range rep.findings {
		if f.res.Severity == fn.Error {
			return true
		}
	}
	return false
}

// LeaveRenderedUnwritten marks the changes to rendered resources (those of
// a chart or kustomization, which have an Origin) as not written, for fix
// --in-place, which writes only the files read as they are: the text report
// then says "WOULD CHANGE … not written" of them instead of "CHANGED … done",
// and counts them apart. It returns how many there are.
func (rep *Report) LeaveRenderedUnwritten() int {
	n := 0
	for _, f := range rep.findings {
		if f.action == model.ActionChanged && f.res.Severity == fn.Info && f.Origin != "" {
			f.unwritten = true
			n++
		}
	}
	return n
}

// readWhat says what was read: "2 files", "stdin", "1 file and stdin",
// "3 files, 1 chart and 2 overlays".
func (rep *Report) readWhat() string {
	r := rep.read
	var parts []string
	if r.Files > 0 || (!r.Stdin && r.Charts+r.Overlays == 0) {
		parts = append(parts, plural(r.Files, "file", "files"))
	}
	if r.Charts > 0 {
		parts = append(parts, plural(r.Charts, "chart", "charts"))
	}
	if r.Overlays > 0 {
		parts = append(parts, plural(r.Overlays, "overlay", "overlays"))
	}
	if r.Stdin {
		parts = append(parts, "stdin")
	}
	if len(parts) == 1 {
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// location is the origin of a rendered resource, else "file:line", "file"
// or "".
func (p Place) location() string {
	switch {
	case p.Origin != "":
		return p.Origin
	case p.File == "":
		return ""
	case p.Line > 0:
		return DisplayPath(p.File) + ":" + strconv.Itoa(p.Line)
	}
	return DisplayPath(p.File)
}

// gateways lists the routes and Gateways in front of the finding's
// workloads, each once.
func (f *finding) gateways() []string {
	var out []string
	for _, g := range f.groups {
		for _, gw := range g.gateways {
			if !slices.Contains(out, gw) {
				out = append(out, gw)
			}
		}
	}
	return out
}
