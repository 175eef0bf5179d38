package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/transformers"
	"github.com/lbguard/lbguard/transformers/config"
	"github.com/lbguard/lbguard/transformers/model"
)

// The text report, for people: the groups in the order of their documents,
// each with the findings shown in its mode.

// SummaryLine is the one line that ends the text report.
func (rep *Report) SummaryLine() string {
	c := rep.count()
	what := plural(c.errors, "error", "errors") + ", " + plural(c.warnings, "warning", "warnings")
	if rep.mode == config.ModeFix {
		changes := plural(c.changes, "change", "changes") + ", "
		if c.unwritten > 0 {
			changes += strconv.Itoa(c.unwritten) + " not written, "
		}
		what = changes + what
	}
	skipped := ""
	if n := rep.read.NonResources; n > 0 {
		skipped = ", " + plural(n, "non-resource document", "non-resource documents") + " skipped"
	}
	if c.unchecked > 0 {
		skipped += ", " + plural(c.unchecked, "unit", "units") + " not checked"
	}
	return fmt.Sprintf("lbguard %s: %s in %s (%s, %s read%s); exit status %d",
		rep.mode, what, plural(c.workloads, "workload", "workloads"),
		plural(rep.read.Resources, "resource", "resources"), rep.readWhat(), skipped, rep.ExitStatus())
}

// WriteText writes the report for people. A finding that puts several
// workloads at risk (on a load balancer, a Service or a Namespace) is
// written once, under the first of their groups; the others name it on one
// line, so that each workload still lists everything that puts it at risk
// and no finding is read twice.
func (rep *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	written := map[*finding]*group{}   // the group each finding is written under
	units, lastUnit := rep.units(), "" // with several units, each is named before its groups
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
		if g.unitName != lastUnit && units > 1 && !g.unit { // a unit's own finding names it
			lastUnit = g.unitName
			fmt.Fprintf(&b, "== %s (%s)\n\n", g.unitName, g.unitKind)
		}
		b.WriteString(g.title)
		if loc := g.place.location(); loc != "" {
			b.WriteString("  (" + loc + ")")
		}
		if !g.workload && !g.unit {
			b.WriteString("  — no workload behind it in the input")
		}
		b.WriteString("\n")
		for _, gw := range g.gateways {
			b.WriteString("  behind " + gw + "\n")
		}
		for _, f := range shown {
			if first := written[f]; first != nil {
				rep.writeReference(&b, first, f)
				continue
			}
			written[f] = g
			rep.writeFinding(&b, g, f)
		}
		b.WriteString("\n")
	}
	c := rep.count()
	b.WriteString(rep.SummaryLine() + "\n")
	if c.notes > 0 {
		fmt.Fprintf(&b, "(%s not shown: %s; --format json lists them)\n", plural(c.notes, "note", "notes"), c.noteKinds())
	}
	if rep.mode == config.ModeAudit && c.errors > c.unchecked {
		b.WriteString("Apply the fixes with `lbguard fix --in-place PATH...` (or `lbguard fix` as a KRM function); " +
			"annotate a resource lbguard.dev/audit: warn to report its findings as warnings while you roll out.\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// noteKinds says what the notes are, naming only the kinds there are:
// "1 value kept as the user set it, 2 resources opted out".
func (c counts) noteKinds() string {
	var kinds []string
	if c.kept > 0 {
		kinds = append(kinds, plural(c.kept, "value kept as the user set it", "values kept as the user set them"))
	}
	if c.optedOut > 0 {
		kinds = append(kinds, plural(c.optedOut, "resource opted out", "resources opted out"))
	}
	if other := c.notes - c.kept - c.optedOut; other > 0 {
		kinds = append(kinds, plural(other, "other note", "other notes"))
	}
	return strings.Join(kinds, ", ")
}

// writeReference names, on one line, a finding written under an earlier
// group: "  (also: WARNING R3 readiness gates · Namespace shop, shown under
// Deployment shop/api)".
func (rep *Report) writeReference(b *strings.Builder, first *group, f *finding) {
	info := describeRule(f.rule)
	fmt.Fprintf(b, "  (also: %s %s %s", rep.label(f), info.ID, info.Title)
	if ref := f.res.ResourceRef; ref != nil {
		fmt.Fprintf(b, " · %s", resourceTitle(ref.Kind, ref.Namespace, ref.Name))
	}
	fmt.Fprintf(b, ", shown under %s)\n", first.title)
}

// label is the word a finding's first line starts with.
func (rep *Report) label(f *finding) string {
	if label := map[fn.Severity]string{fn.Error: "ERROR", fn.Warning: "WARNING"}[f.res.Severity]; label != "" {
		return label
	}
	if f.unwritten {
		return "WOULD CHANGE"
	}
	return "CHANGED"
}

func (rep *Report) writeFinding(b *strings.Builder, g *group, f *finding) {
	if f.rule == RuleUnit {
		writeUnit(b, f)
		return
	}
	info := describeRule(f.rule)
	fmt.Fprintf(b, "  %s %s %s", rep.label(f), info.ID, info.Title)
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
	label := "risk:"
	if f.unwritten {
		label = "not written:"
		if f.res.Field != nil {
			fmt.Fprintf(b, "      now:   %s\n      wants: %s\n", formatValue(f.res.Field.CurrentValue), formatValue(f.res.Field.ProposedValue))
		}
	} else if f.action == model.ActionChanged && f.res.Field != nil {
		if rep.mode == config.ModeFix {
			fmt.Fprintf(b, "      was:   %s\n      now:   %s\n", formatValue(f.res.Field.CurrentValue), formatValue(f.res.Field.ProposedValue))
			label = "done:"
		} else {
			fmt.Fprintf(b, "      now:   %s\n      wants: %s\n", formatValue(f.res.Field.CurrentValue), formatValue(f.res.Field.ProposedValue))
			label = "fix:"
		}
	} else if f.action == model.ActionInvalid {
		label = "error:"
	}
	fmt.Fprintf(b, "      %-6s %s\n", label, transformers.ChangeDescription(f.res))
	if f.moreWorkloads > 0 {
		fmt.Fprintf(b, "      and:   %s behind it, not listed\n", plural(f.moreWorkloads, "more workload", "more workloads"))
	}
	if f.res.Severity != fn.Info || rep.mode == config.ModeAudit {
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

// writeUnit writes a unit left alone: why, and, when its resources went
// unchecked, why that fails the run.
func writeUnit(b *strings.Builder, f *finding) {
	verb, reason := f.unitReason()
	switch {
	case verb == failedVerb:
		fmt.Fprintf(b, "  ERROR %s: cannot be read\n      reason: %s\n", ruleUnit.Title, reason)
	case f.res.Severity == fn.Error:
		fmt.Fprintf(b, "  ERROR %s: left alone\n      reason: %s\n      why:    %s\n", ruleUnit.Title, reason, ruleUnit.Why)
	default:
		fmt.Fprintf(b, "  NOTE left alone: %s\n", reason)
	}
}

// unitReason is a unit finding's verb and its message after it.
func (f *finding) unitReason() (verb, reason string) {
	for _, verb := range []string{failedVerb, leftAloneVerb} {
		if _, reason, ok := strings.Cut(f.res.Message, verb); ok {
			return verb, reason
		}
	}
	return "", f.res.Message
}
