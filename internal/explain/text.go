package explain

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/lbguard/lbguard/timing"
)

// WriteText writes each finding as a table: the windows that are open now
// or after the fix, the failing inequalities and the fields that close
// them, the checks, and what stays open.
func WriteText(w io.Writer, findings []Finding, opts Options) error {
	var b strings.Builder
	if len(findings) == 0 {
		b.WriteString("lbguard explain: no workload behind an AWS load balancer\n")
	}
	var unit *Unit // with several units, each is named before its findings
	for i, f := range findings {
		if i > 0 {
			b.WriteString("\n")
		}
		if f.Unit != nil && (unit == nil || *f.Unit != *unit) {
			unit = f.Unit
			fmt.Fprintf(&b, "== %s\n\n", unit.label())
		}
		writeFinding(&b, f, opts)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeFinding(b *strings.Builder, f Finding, opts Options) {
	fmt.Fprintf(b, "%s\n", f.title())
	fmt.Fprintf(b, "at %s requests/s, requests up to %s s\n\n", seconds(f.Now.Input.Traffic.RPS), seconds(f.NowX.Parameters.RequestSeconds))
	writeWindows(b, f)
	writeChecks(b, f)
	if opts.Platform.PodsPerNode > 1 {
		fmt.Fprintf(b, "\ndrain of a node with %d of its pods\n", opts.Platform.PodsPerNode)
		fmt.Fprintf(b, "  now:   %s\n  after: %s\n", drainLine(f.NowX), drainLine(f.AfterX))
	}
	if len(f.Remaining) > 0 {
		b.WriteString("\nstill open after lbguard fix:\n")
		for _, r := range f.Remaining {
			fmt.Fprintf(b, "  %s (%s): %s\n", r.Window, r.Class, r.Reason)
		}
	}
	writeNotes(b, f)
}

// shown lists the windows open now or after the fix, in the model's order.
func shown(f Finding) []string {
	isOpen := map[string]bool{}
	for _, x := range []timing.Explanation{f.NowX, f.AfterX} {
		for _, w := range open(x) {
			isOpen[w.ID] = true
		}
	}
	var ids []string
	for _, w := range f.NowX.Windows {
		if isOpen[w.ID] {
			ids = append(ids, w.ID)
		}
	}
	return ids
}

func windowByID(x timing.Explanation, id string) timing.Window {
	for _, w := range x.Windows {
		if w.ID == id {
			return w
		}
	}
	return timing.Window{ID: id}
}

func writeWindows(b *strings.Builder, f Finding) {
	ids := shown(f)
	if len(ids) == 0 {
		b.WriteString("no window open: no request fails, now or after lbguard fix\n")
		return
	}
	var table strings.Builder
	tw := tabwriter.NewWriter(&table, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "window\ttypical\tworst\tfailed requests\ttypical\tworst\tfailed requests")
	for _, id := range ids {
		now, after := windowByID(f.NowX, id), windowByID(f.AfterX, id)
		fmt.Fprintf(tw, "%s %s\t%s\t%s\n", id, windowNames[id], windowCells(now), windowCells(after))
	}
	fmt.Fprintf(tw, "failure-seconds per rollout\t%s\t%s\n", totalCells(f.NowX), totalCells(f.AfterX))
	tw.Flush()
	b.WriteString(columnGroups(table.String(), "now", "after lbguard fix"))
	b.WriteString(table.String())
	b.WriteString("\n")
	for _, id := range ids {
		now, after := windowByID(f.NowX, id), windowByID(f.AfterX, id)
		fmt.Fprintf(b, "%s\n", now.Formula)
		if now.Violated != "" {
			fmt.Fprintf(b, "    now fails:   %s\n", now.Violated)
		}
		if after.Violated != "" {
			fmt.Fprintf(b, "    after fails: %s\n", after.Violated)
		}
		fmt.Fprintf(b, "    closed by:   %s\n", now.Fix)
	}
}

// columnGroups is the line above a table's header that puts each group's
// name over its first "typical" column.
func columnGroups(table string, groups ...string) string {
	header, _, _ := strings.Cut(table, "\n")
	var line []rune
	rest, offset := header, 0
	for _, g := range groups {
		i := strings.Index(rest, "typical")
		if i < 0 {
			break
		}
		at := offset + len([]rune(rest[:i]))
		for len(line) < at {
			line = append(line, ' ')
		}
		line = append(line, []rune(g+" ")...)
		rest, offset = rest[i+len("typical"):], at+len("typical")
	}
	return strings.TrimRight(string(line), " ") + "\n"
}

func windowCells(w timing.Window) string {
	return fmt.Sprintf("%s s\t%s s\t%s / %s", seconds(w.Seconds.Typical), seconds(w.Seconds.Worst),
		requests(w.FailedRequests.Typical), requests(w.FailedRequests.Worst))
}

func totalCells(x timing.Explanation) string {
	return fmt.Sprintf("%s s\t%s s\t%s / %s", seconds(x.FailureSeconds.Typical), seconds(x.FailureSeconds.Worst),
		requests(x.FailedRequests.Typical), requests(x.FailedRequests.Worst))
}

func checkByID(x timing.Explanation, id string) (timing.Check, bool) {
	for _, c := range x.Checks {
		if c.ID == id {
			return c, true
		}
	}
	return timing.Check{}, false
}

func writeChecks(b *strings.Builder, f Finding) {
	b.WriteString("\n")
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "check\tnow\tafter lbguard fix")
	for _, c := range f.NowX.Checks {
		after, _ := checkByID(f.AfterX, c.ID)
		fmt.Fprintf(tw, "%s\t%s\t%s\n", c.Name, checkCell(c), checkCell(after))
	}
	tw.Flush()
	for _, c := range f.NowX.Checks {
		after, _ := checkByID(f.AfterX, c.ID)
		switch {
		case !c.OK && !after.OK && c.Text == after.Text:
			fmt.Fprintf(b, "  ✗ %s\n", c.Text)
		case !c.OK || !after.OK:
			if !c.OK {
				fmt.Fprintf(b, "  ✗ now:   %s\n", c.Text)
			}
			if !after.OK {
				fmt.Fprintf(b, "  ✗ after: %s\n", after.Text)
			}
		}
	}
}

// checkCell is "✓ 30 s (50 s worst) < 600".
func checkCell(c timing.Check) string {
	mark := "✓"
	if !c.OK {
		mark = "✗"
	}
	value := seconds(c.Value.Typical) + " s"
	if c.Value.Worst != c.Value.Typical {
		value += " (" + seconds(c.Value.Worst) + " s worst)"
	}
	if c.Limit > 0 {
		value += " of " + seconds(c.Limit) + " s"
	}
	return mark + " " + value
}

func drainLine(x timing.Explanation) string {
	d := x.Drain[timing.Typical]
	if d.Blocked {
		return "blocked: the budget allows no eviction"
	}
	at := make([]string, len(d.Evictions))
	for i, e := range d.Evictions {
		at[i] = seconds(e)
	}
	return fmt.Sprintf("evictions at %s s, node empty at %s s, %s failure-seconds refused (%s worst)",
		strings.Join(at, ", "), seconds(d.Empty), seconds(d.Refused), seconds(x.Drain[timing.Worst].Refused))
}

// writeNotes prints the model's assumptions, each once, saying which
// column made it when only one did.
func writeNotes(b *strings.Builder, f Finding) {
	inAfter := map[string]bool{}
	for _, n := range f.AfterX.Notes {
		inAfter[n] = true
	}
	var lines []string
	inNow := map[string]bool{}
	for _, n := range f.NowX.Notes {
		inNow[n] = true
		if inAfter[n] {
			lines = append(lines, n)
		} else {
			lines = append(lines, n+" (now)")
		}
	}
	for _, n := range f.AfterX.Notes {
		if !inNow[n] {
			lines = append(lines, n+" (after)")
		}
	}
	if len(lines) == 0 {
		return
	}
	b.WriteString("\nassumed:\n")
	for _, l := range lines {
		fmt.Fprintf(b, "  %s\n", l)
	}
}
