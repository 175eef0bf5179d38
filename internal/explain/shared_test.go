package explain

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/lbguard/lbguard/internal/gen"
)

// N Services in front of the same N workloads: explain models the first
// 10 load balancers of each workload and says how many it leaves out, so
// that its output stays linear in its input.
func TestSharedSelectorExplainedBounded(t *testing.T) {
	list := gen.SharedSelector(400)
	code, stdout, stderr := run(t, string(list.YAML), "--format", "json", "-")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	var out struct {
		Findings []struct {
			Workload string `json:"workload"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatal(err)
	}
	per := map[string]int{}
	for _, f := range out.Findings {
		per[f.Workload]++
	}
	for w, n := range per {
		if n > maxLoadBalancersExplained {
			t.Errorf("%s explained behind %d load balancers", w, n)
		}
	}
	notes := strings.Count(stderr, "lbguard explain: note: ")
	if len(per) == 0 || notes == 0 || !strings.Contains(stderr, " load balancers or Services: the first 10 are explained, ") {
		t.Errorf("%d workloads explained, %d notes:\n%.500s", len(per), notes, stderr)
	}
}
