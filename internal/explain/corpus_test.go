package explain

import (
	"path/filepath"
	"testing"

	"github.com/lbguard/lbguard/internal/testkit"
	"github.com/lbguard/lbguard/timing"
	"github.com/lbguard/lbguard/transformers/config"
)

// For every golden case of the KRM function, on every platform: after
// lbguard fix no window stays open that a rule could have closed. What
// stays open is named, and its class says who can close it.
func TestAfterFixLeavesOnlyNamedWindows(t *testing.T) {
	platforms := map[string]Options{
		"no platform":    {},
		"every platform": {Platform: timing.Platform{ClusterAutoscaler: true, Karpenter: true, ManagedNodeGroup: true, Spot: true}},
		"eks auto mode":  {AutoMode: true},
	}
	counts := map[Class]int{}
	explained := 0
	for _, name := range testkit.GoldenCases(t) {
		rl := testkit.GoldenInput(t, filepath.Join(testkit.GoldenDir(t), name))
		cfg, errs := config.DecodeConfig(rl.FunctionConfig)
		if len(errs) > 0 {
			continue // a case of bad config: the function changes nothing
		}
		for pname, opts := range platforms {
			opts.Traffic = timing.Traffic{RPS: 100, RequestSeconds: 5}
			for _, f := range Run(rl.Items, cfg, opts) {
				explained++
				for _, r := range f.Remaining {
					counts[r.Class]++
					if r.Class == ClassUnexplained || r.Reason == "" {
						t.Errorf("%s, %s: %s: %s stays open after lbguard fix and no reason is known (%+v)", name, pname, f.title(), r.Window, windowByID(f.AfterX, r.Window))
					}
				}
			}
		}
	}
	if explained == 0 {
		t.Fatal("no workload behind a load balancer in the golden cases")
	}
	t.Logf("%d explanations; still open after the fix, by class: %v", explained, counts)
}
