package explain

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/lbguard/lbguard/internal/testkit"
	"github.com/lbguard/lbguard/transformers/config"
)

// The worked scenarios of docs/timing.md §5.6, read by lbguard from their
// manifests (testdata/explain): the seconds it prints, to the second. The
// timing package's tests derive each number; these pin that lbguard reads
// the same inputs from the manifests and prints them.

func findingOf(t *testing.T, name string) jsonFinding {
	t.Helper()
	var r jsonReport
	if err := json.Unmarshal([]byte(explainOutput(t, name, "--format", "json")), &r); err != nil {
		t.Fatal(err)
	}
	if len(r.Findings) != 1 {
		t.Fatalf("%s: %d findings, want 1", name, len(r.Findings))
	}
	return r.Findings[0]
}

func windowSeconds(c jsonColumn, id string) jsonPair {
	for _, w := range c.Windows {
		if w.ID == id {
			return w.Seconds
		}
	}
	return jsonPair{-1, -1}
}

func TestWorkedScenarios(t *testing.T) {
	cases := []struct {
		name    string
		windows map[string][2]jsonPair // id → now, after
		total   jsonPair               // now: refused + in-flight failure-seconds
	}{
		// E1: W1 = δ + P = 12 (30); W2 = R − A = 4; W6 (N = 3) 0 (5);
		// refused 73/6 ≈ 12.17 (27.5) + in-flight 4 = 16.17 (31.5).
		// After the fix D = 30 leaves W3 = P + R − D = 3 worst (its residual).
		{"e1-alb-defaults", map[string][2]jsonPair{
			"W1": {{12, 30}, {0, 0}}, "W2": {{4, 4}, {0, 0}}, "W3": {{0, 0}, {0, 3}},
			"W5": {{12.5, 25}, {0, 0}}, "W6": {{0, 5}, {0, 0}},
		}, jsonPair{16.17, 31.5}},
		// E2: every window 0 but W3's 3 s worst (D = 30 < P + R = 33).
		{"e2-alb-seed-values", map[string][2]jsonPair{
			"W1": {{0, 0}, {0, 0}}, "W2": {{0, 0}, {0, 0}}, "W3": {{0, 3}, {0, 3}}, "W6": {{0, 0}, {0, 0}}, "W9": {{0, 0}, {0, 0}},
		}, jsonPair{0, 3}},
		// E3: W1 = 122 (182); W6 = 137 − 30 = 107 (292); refused 124.5
		// (302) + in-flight 4.
		{"e3-nlb-defaults", map[string][2]jsonPair{
			"W1": {{122, 182}, {0, 2}}, "W2": {{4, 4}, {0, 4}}, "W3": {{0, 0}, {0, 0}}, "W6": {{107, 292}, {0, 0}},
		}, jsonPair{128.5, 306}},
		// E4: W1 = 182 − 180 = 2 worst; Spot cuts at 115: W9 = 7 (67).
		// Worst total: steps of T_r + H + Q = 10 + 312 + 15 = 337 s, old
		// pods deleted at 337, 674 and 1011, each closed at +180 and routed
		// until +182 beside three other routed targets: 3 × 2 s × 1/4 = 1.5.
		// W2 and W3 are 0 (no connection termination), and W9 is not summed.
		{"e4-nlb-seed-values", map[string][2]jsonPair{
			"W1": {{0, 2}, {0, 2}}, "W2": {{0, 0}, {0, 0}}, "W6": {{0, 0}, {0, 0}}, "W9": {{7, 67}, {7, 67}},
		}, jsonPair{0, 1.5}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := findingOf(t, c.name)
			for id, w := range c.windows {
				if got := windowSeconds(f.Now, id); got != w[0] {
					t.Errorf("now %s = %v, want %v", id, got, w[0])
				}
				if got := windowSeconds(f.After, id); got != w[1] {
					t.Errorf("after %s = %v, want %v", id, got, w[1])
				}
			}
			if f.Now.FailureSeconds != c.total {
				t.Errorf("now failure-seconds = %v, want %v", f.Now.FailureSeconds, c.total)
			}
		})
	}
}

// E4's checks: one step 144.5 s (337 worst) fits the progress deadline,
// but outlasts Cluster Autoscaler's 120 s eviction retry; Spot's 115 s is
// shorter than L.
func TestE4Checks(t *testing.T) {
	f := findingOf(t, "e4-nlb-seed-values")
	ok := map[string]bool{}
	for _, c := range f.Now.Checks {
		ok[c.ID] = c.OK
		if c.ID == "progress-deadline" && c.Value != (jsonPair{144.5, 337}) {
			t.Errorf("step = %v, want 144.5 (337)", c.Value)
		}
	}
	for id, want := range map[string]bool{"progress-deadline": true, "CA-grace-600s": true, "CA-eviction-120s": false, "MNG-drain-900s": true, "Spot-routing-120s": false} {
		if ok[id] != want {
			t.Errorf("check %s ok = %v, want %v", id, ok[id], want)
		}
	}
	var classes []Class
	for _, r := range f.Remaining {
		classes = append(classes, r.Class)
	}
	if !slices.Equal(classes, []Class{ClassConfig, ClassPlatform}) {
		t.Errorf("still open after the fix: %+v; want W1 (config: nlbPreStopSeconds) and W9 (platform: Spot under an NLB)", f.Remaining)
	}
}

// E5: with gates and a budget, B is evicted at 35 s and the node is empty
// at 235 s, with no loss; with defaults and no budget both pods go at 0 and
// W1 costs 12 s on 2/6 of the traffic: 4 failure-seconds (10 worst).
func TestE5Drain(t *testing.T) {
	for _, c := range []struct {
		name           string
		evictions      []float64
		empty          float64
		refused, worst float64
	}{
		{"e5-drain", []float64{0, 35}, 235, 0, 0},
		{"e5-drain-defaults", []float64{0, 0}, 1, 4, 10},
	} {
		t.Run(c.name, func(t *testing.T) {
			items := readUnit(t, testkit.Path(t, "testdata", "explain", c.name, "manifests.yaml"))
			cmd, err := parse([]string{"--pods-per-node", "2", "-"})
			if err != nil {
				t.Fatal(err)
			}
			findings := Run(items, config.DefaultConfig(), cmd.opts)
			d, wd := findings[0].NowX.Drain[0], findings[0].NowX.Drain[1]
			if !slices.Equal(d.Evictions, c.evictions) || d.Empty != c.empty || d.Refused != c.refused || wd.Refused != c.worst {
				t.Errorf("drain: evictions %v, empty at %v, refused %v (%v worst); want %v, %v, %v (%v)",
					d.Evictions, d.Empty, d.Refused, wd.Refused, c.evictions, c.empty, c.refused, c.worst)
			}
		})
	}
}
