package timing

import (
	"math"
	"testing"
)

func TestChecksApply(t *testing.T) {
	in := workedExample(ALB, 3)
	var ids []string
	for _, c := range Checks(in) {
		ids = append(ids, c.ID)
	}
	if len(ids) != 3 {
		t.Errorf("without a platform only the rollout checks apply: %v", ids)
	}
	in.Platform = Platform{ClusterAutoscaler: true, ManagedNodeGroup: true, Spot: true, Karpenter: true, KarpenterTerminationGrace: 60}
	if n := len(Checks(in)); n != 9 {
		t.Errorf("%d checks with every platform; want 9", n)
	}
}

func TestProgressDeadline(t *testing.T) {
	// NLB with a gate and M = 300: 10 + 127 + 7.5 + 300 = 444.5, worst
	// 10 + 312 + 15 + 300 = 637 ≥ 600.
	in := seedValues(workedExample(NLB, 3))
	in.Workload.Strategy.MinReadySeconds = 300
	c := checkByID(t, Checks(in), "progress-deadline")
	assertPair(t, "step", c.Value, Pair{444.5, 637})
	if c.OK {
		t.Error("637 s does not fit a 600 s progress deadline")
	}
	// Without a gate a step is T_r + M only.
	assertPair(t, "step without gate", checkByID(t, Checks(workedExample(NLB, 3)), "progress-deadline").Value, Pair{10, 10})
}

func TestPlatformLimits(t *testing.T) {
	cases := []struct {
		name string
		edit func(*Input)
		id   string
		ok   bool
	}{
		{"CA keeps G = 600", func(in *Input) { in.Workload.Grace = seconds(600) }, "CA-grace-600s", true},
		{"CA cuts G = 601", func(in *Input) { in.Workload.Grace = seconds(601) }, "CA-grace-600s", false},
		{"CA without a budget waits for nothing", func(in *Input) { in.Workload.Budget = nil }, "CA-eviction-120s", true},
		// t_exit = min(S + A, K) = 115 = 120 − 5.
		{"Spot exit at 115", func(in *Input) { in.Workload.PreStop, in.Workload.AppShutdown = 95, seconds(20) }, "Spot-exit-120s", true},
		{"Spot exit at 200", nil, "Spot-exit-120s", false},
		// ALB: L worst 30 ≤ 115.
		{"Spot routing behind an ALB", nil, "Spot-routing-120s", true},
		{"Spot routing behind an NLB", func(in *Input) { in.LoadBalancer.Kind = NLB }, "Spot-routing-120s", false},
		{"Karpenter TGP = G", func(in *Input) { in.Platform.KarpenterTerminationGrace = 200 }, "Karpenter-TGP", true},
		{"Karpenter TGP < G", func(in *Input) { in.Platform.KarpenterTerminationGrace = 199 }, "Karpenter-TGP", false},
		// Four pods a node with E2's 30 s steps: 4 × 35 + 200 = 340.
		{"MNG, four pods a node", func(in *Input) { in.Platform.PodsPerNode = 4 }, "MNG-drain-900s", true},
		{"MNG, no budget, G = 901", func(in *Input) {
			in.Workload.Budget, in.Workload.PreStop, in.Workload.Grace = nil, 900, seconds(901)
		}, "MNG-drain-900s", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := seedValues(workedExample(ALB, 6))
			in.Workload.Budget = &Budget{MaxUnavailable: IntOrPercent{Value: 1}}
			in.Platform = Platform{ClusterAutoscaler: true, ManagedNodeGroup: true, Spot: true, Karpenter: true, KarpenterTerminationGrace: 300}
			if c.edit != nil {
				c.edit(&in)
			}
			if got := checkByID(t, Checks(in), c.id); got.OK != c.ok {
				t.Errorf("%s ok = %v; want %v (%s)", c.id, got.OK, c.ok, got.Text)
			}
		})
	}
}

func TestTerminating(t *testing.T) {
	// E2: t_exit = 200, step 30: min(3, ⌈200/30⌉) = 3 at once, 600 pod-seconds.
	c := checkByID(t, Checks(seedValues(workedExample(ALB, 3))), "terminating")
	want := "t_exit = min(S + A, K) = 200 s; pods Terminating at once ≈ min(N, ⌈t_exit / step⌉) = 3 (3 worst); 600 pod-seconds per rollout"
	if c.Text != want {
		t.Errorf("terminating:\n%s\nwant\n%s", c.Text, want)
	}
	// No probe, no gate, M = 0: steps of 0 s, all N Terminating together.
	in := workedExample(ALB, 4)
	in.Workload.Probe = nil
	if c := checkByID(t, Checks(in), "terminating"); c.Text != "t_exit = min(S + A, K) = 1 s; pods Terminating at once ≈ min(N, ⌈t_exit / step⌉) = 4 (4 worst); 4 pod-seconds per rollout" {
		t.Errorf("terminating with 0 s steps: %s", c.Text)
	}
}

func TestExplainTotals(t *testing.T) {
	in := workedExample(ALB, 3)
	in.Traffic.RPS = 50
	x := Explain(in)
	// E1 at 50 RPS: (73/6 + 4) × 50 typical, (27.5 + 4) × 50 worst.
	assertPair(t, "failure-seconds", x.FailureSeconds, Pair{73.0/6 + 4, 31.5})
	assertPair(t, "failed requests", x.FailedRequests, Pair{(73.0/6 + 4) * 50, 1575})
	for _, w := range x.Windows {
		for _, v := range []float64{w.Seconds.Typical, w.Seconds.Worst, w.FailureSeconds.Typical, w.FailedRequests.Worst} {
			if v < 0 || math.IsNaN(v) {
				t.Errorf("%s: %v", w.ID, w)
			}
		}
	}
}
