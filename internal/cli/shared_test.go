package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/lbguard/lbguard/internal/gen"
	"github.com/lbguard/lbguard/internal/report"
)

// N Services in front of the same N workloads: each report stays linear
// in its input. A finding is grouped under its first 20 workloads and
// counts the rest (text: "and: N more workloads", JSON: workloadsOmitted).
func TestSharedSelectorReportsGrowLinearly(t *testing.T) {
	size := func(n int, format string) (int, string) {
		r := runLBGuard(t, t.TempDir(), gen.SharedSelector(n).YAML, "audit", "--format", format, "-")
		if r.status != 1 {
			t.Fatalf("%d resources, %s: exit %d\n%s", n, format, r.status, r.stderr)
		}
		return len(r.stdout), r.stdout
	}
	for _, format := range []string{"text", "json", "sarif"} {
		small, _ := size(400, format)
		large, out := size(1600, format)
		if ratio := float64(large) / float64(small); ratio > 5 {
			t.Errorf("%s: 4 times the resources make %.1f times the report (%d → %d bytes)", format, ratio, small, large)
		}
		switch format {
		case "text":
			if !strings.Contains(out, " more workloads behind it, not listed\n") {
				t.Error("text: no finding counts the workloads it does not list")
			}
		case "json":
			var rep report.JSONReport
			if err := json.Unmarshal([]byte(out), &rep); err != nil {
				t.Fatal(err)
			}
			counted := false
			for _, f := range rep.Findings {
				if len(f.Workloads) > 20 {
					t.Fatalf("a finding names %d workloads", len(f.Workloads))
				}
				counted = counted || f.WorkloadsOmitted > 0 && len(f.Workloads) == 20
			}
			if !counted {
				t.Error("json: no finding counts the workloads it does not name")
			}
		}
	}
}
