package main

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/transformers"
)

// The reports of the command line. Every result of the rules becomes a
// finding with its file and line; findings are grouped by the workload they
// put at risk (a finding on a load balancer or a Namespace is listed under
// each workload behind it). The text report is for people, JSON and SARIF
// (sarif.go) are for machines.

// finding is one result with where it is written.
type finding struct {
	res    *fn.Result
	rule   string // R1 … R8, or "invalid"
	action string
	doc    *document // the document of the resource, or of a related one
	file   string    // "" when unknown; "-" for standard input
	line   int       // 0 when unknown
	groups []*group
}

// group is a workload and the findings that put it at risk, or a resource
// with findings that reach no workload of the input.
type group struct {
	title    string // "Deployment web/podinfo"
	workload bool
	doc      *document
	order    int
	findings []*finding
}

type report struct {
	mode     transformers.Mode
	in       *inputs
	findings []*finding
	groups   []*group
}

// newReport places every result: its document, line and workloads.
func newReport(in *inputs, outcome *transformers.Outcome, mode transformers.Mode) *report {
	rep := &report{mode: mode, in: in}
	order := map[*document]int{}
	n := 0
	for _, src := range in.sources {
		for _, d := range src.docs {
			order[d] = n
			n++
		}
	}
	docOf := map[transformers.ResourceID]*document{}
	for _, src := range in.sources {
		for _, d := range src.docs {
			if d.obj != nil {
				docOf[idOf(d.obj)] = d
			}
		}
	}
	groups := map[string]*group{}
	groupFor := func(title string, workload bool, d *document) *group {
		g, ok := groups[title]
		if !ok {
			g = &group{title: title, workload: workload, doc: d, order: n + len(groups)}
			if d != nil {
				g.order = order[d]
			}
			groups[title] = g
			rep.groups = append(rep.groups, g)
		}
		return g
	}
	for _, res := range outcome.Results {
		f := &finding{res: res, rule: res.Tags[transformers.TagRule], action: res.Tags[transformers.TagAction]}
		if f.rule == "" && f.action == transformers.ActionInvalid {
			f.rule = "invalid"
		}
		path := ""
		if res.Field != nil {
			path = res.Field.Path
		}
		own := in.documentOf(res)
		if own != nil {
			f.doc, f.line = own, own.fieldLine(path)
		} else if related, field := relatedDocument(in, res.ResourceRef); related != nil {
			f.doc, f.line = related, related.fieldLine(field)
		}
		if f.doc != nil {
			f.file = f.doc.obj.PathAnnotation()
		} else if res.File != nil {
			f.file = res.File.Path
		}
		for _, w := range outcome.Workloads(res) {
			f.groups = append(f.groups, groupFor(resourceTitle(w.Kind, w.Namespace, w.Name), true, docOf[w]))
		}
		if len(f.groups) == 0 && res.ResourceRef != nil {
			ref := res.ResourceRef
			f.groups = append(f.groups, groupFor(resourceTitle(ref.Kind, ref.Namespace, ref.Name), false, own))
		}
		for _, g := range f.groups {
			g.findings = append(g.findings, f)
		}
		rep.findings = append(rep.findings, f)
	}
	sort.SliceStable(rep.groups, func(i, j int) bool {
		if rep.groups[i].workload != rep.groups[j].workload {
			return rep.groups[i].workload
		}
		return rep.groups[i].order < rep.groups[j].order
	})
	return rep
}

func resourceTitle(kind, namespace, name string) string {
	return kind + " " + qualifiedName(namespace, name)
}

// relatedDocument finds where to point a result about a resource that is
// not in the input: the workload a new PodDisruptionBudget is named after,
// or the first resource of a Namespace that is not in the input.
func relatedDocument(in *inputs, ref *fn.ResourceRef) (*document, string) {
	if ref == nil {
		return nil, ""
	}
	namespace := namespaceOrDefault(ref.Namespace)
	if ref.Kind == "Namespace" {
		namespace = ref.Name
	}
	var first *document
	for _, src := range in.sources {
		for _, d := range src.docs {
			if d.obj == nil || namespaceOrDefault(d.obj.GetNamespace()) != namespace {
				continue
			}
			if ref.Kind != "Namespace" && isWorkloadKind(d.obj) && d.obj.GetName() == ref.Name {
				return d, "spec.selector"
			}
			if first == nil {
				first = d
			}
		}
	}
	if first != nil {
		return first, "metadata.namespace"
	}
	return nil, ""
}

// idOf names obj as the rules' outcome names workloads.
func idOf(obj *fn.KubeObject) transformers.ResourceID {
	return transformers.ResourceID{APIVersion: obj.GetAPIVersion(), Kind: obj.GetKind(), Namespace: obj.GetNamespace(), Name: obj.GetName()}
}

// shown reports whether a finding is printed in the text report: in audit,
// errors and warnings; in fix, also what was changed.
func (rep *report) shown(f *finding) bool {
	switch {
	case f.res.Severity == fn.Error || f.res.Severity == fn.Warning:
		return true
	case rep.mode == transformers.ModeFix:
		return f.action == transformers.ActionChanged
	}
	return false
}

type counts struct {
	errors, warnings, changes, notes, workloads int
}

func (rep *report) count() counts {
	var c counts
	for _, f := range rep.findings {
		switch {
		case f.res.Severity == fn.Error:
			c.errors++
		case f.res.Severity == fn.Warning:
			c.warnings++
		case f.action == transformers.ActionChanged:
			c.changes++
		default:
			c.notes++
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

func (rep *report) exitStatus() int {
	for _, f := range rep.findings {
		if f.res.Severity == fn.Error {
			return exitFindings
		}
	}
	return exitClean
}

// filesRead counts the files that held resources (standard input aside).
func (rep *report) filesRead() int {
	n := 0
	for _, src := range rep.in.sources {
		if src.hasResources() && src.path != stdinPath {
			n++
		}
	}
	return n
}

// readWhat says what was read: "2 files", "stdin", "1 file and stdin".
func (rep *report) readWhat() string {
	stdin := false
	for _, src := range rep.in.sources {
		stdin = stdin || src.path == stdinPath && src.hasResources()
	}
	files := rep.filesRead()
	switch {
	case stdin && files == 0:
		return "stdin"
	case stdin:
		return plural(files, "file", "files") + " and stdin"
	}
	return plural(files, "file", "files")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

func (rep *report) summaryLine() string {
	c := rep.count()
	what := plural(c.errors, "error", "errors") + ", " + plural(c.warnings, "warning", "warnings")
	if rep.mode == transformers.ModeFix {
		what = plural(c.changes, "change", "changes") + ", " + what
	}
	return fmt.Sprintf("lbguard %s: %s in %s (%s, %s read); exit status %d",
		rep.mode, what, plural(c.workloads, "workload", "workloads"),
		plural(len(rep.in.objects()), "resource", "resources"), rep.readWhat(), rep.exitStatus())
}

func (f *finding) location() string {
	switch {
	case f.file == "":
		return ""
	case f.line > 0:
		return displayPath(f.file) + ":" + strconv.Itoa(f.line)
	}
	return displayPath(f.file)
}

// writeText writes the report for people.
func (rep *report) writeText(w io.Writer) error {
	var b strings.Builder
	for _, g := range rep.groups {
		var shown []*finding
		for _, f := range g.findings {
			if rep.shown(f) {
				shown = append(shown, f)
			}
		}
		if len(shown) == 0 {
			continue
		}
		b.WriteString(g.title)
		if g.doc != nil && g.doc.obj != nil {
			if loc := (&finding{file: g.doc.obj.PathAnnotation(), line: g.doc.fieldLine("metadata.name")}).location(); loc != "" {
				b.WriteString("  (" + loc + ")")
			}
		}
		if !g.workload {
			b.WriteString("  — no workload behind it in the input")
		}
		b.WriteString("\n")
		for _, f := range shown {
			rep.writeFinding(&b, g, f)
		}
		b.WriteString("\n")
	}
	c := rep.count()
	b.WriteString(rep.summaryLine() + "\n")
	if c.notes > 0 {
		fmt.Fprintf(&b, "(%s not shown: values kept as the user set them, resources opted out; --format json lists them)\n",
			plural(c.notes, "note", "notes"))
	}
	if rep.mode == transformers.ModeAudit && c.errors > 0 {
		b.WriteString("Apply the fixes with `lbguard fix --in-place PATH...` (or `lbguard fix` as a KRM function); " +
			"annotate a resource lbguard.dev/audit: warn to report its findings as warnings while you roll out.\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func (rep *report) writeFinding(b *strings.Builder, g *group, f *finding) {
	label := map[fn.Severity]string{fn.Error: "ERROR", fn.Warning: "WARNING"}[f.res.Severity]
	if label == "" {
		label = "CHANGED"
	}
	info := transformers.DescribeRule(f.rule)
	fmt.Fprintf(b, "  %s %s %s", label, info.ID, info.Title)
	ref := f.res.ResourceRef
	if ref != nil && (!g.workload || g.title != resourceTitle(ref.Kind, ref.Namespace, ref.Name)) {
		fmt.Fprintf(b, " · %s", resourceTitle(ref.Kind, ref.Namespace, ref.Name))
	}
	b.WriteString("\n")
	if f.res.Field != nil && f.res.Field.Path != "" {
		fmt.Fprintf(b, "      field: %s", f.res.Field.Path)
		if loc := f.location(); loc != "" {
			fmt.Fprintf(b, "  (%s)", loc)
		}
		b.WriteString("\n")
	} else if loc := f.location(); loc != "" {
		fmt.Fprintf(b, "      at:    %s\n", loc)
	}
	label = "risk:"
	if f.action == transformers.ActionChanged && f.res.Field != nil {
		if rep.mode == transformers.ModeFix {
			fmt.Fprintf(b, "      was:   %s\n      now:   %s\n", formatValue(f.res.Field.CurrentValue), formatValue(f.res.Field.ProposedValue))
			label = "done:"
		} else {
			fmt.Fprintf(b, "      now:   %s\n      wants: %s\n", formatValue(f.res.Field.CurrentValue), formatValue(f.res.Field.ProposedValue))
			label = "fix:"
		}
	} else if f.action == transformers.ActionInvalid {
		label = "error:"
	}
	fmt.Fprintf(b, "      %-6s %s\n", label, transformers.ChangeDescription(f.res))
	if f.res.Severity != fn.Info || rep.mode == transformers.ModeAudit {
		fmt.Fprintf(b, "      why:   %s\n", info.Why)
	}
}

// formatValue prints a field's value on one line; nil is a field not set.
func formatValue(v any) string {
	switch v := v.(type) {
	case nil:
		return "(not set)"
	case string:
		if v == "" || strings.ContainsAny(v, " \t\n") {
			return strconv.Quote(v)
		}
		return v
	case int, int64, int32, float64, bool:
		return fmt.Sprint(v)
	}
	out, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(out)
}
