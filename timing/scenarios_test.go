package timing

import (
	"slices"
	"strings"
	"testing"
)

// The worked scenarios of docs/timing.md §5.6. Where its printed numbers are
// rounded ("≈") or disagree with the closed forms of §5.4, the comment says
// so and the test follows the closed form.

// E1: ALB ip, defaults (no preStop, G = 30, D = 300, no gates).
func TestE1ALBDefaults(t *testing.T) {
	x := Explain(workedExample(ALB, 3))
	// W1 = L − t_close = (δ + P) − 0: 2 + 10 = 12 typical, 2 + 28 = 30 worst.
	// At 100 RPS: 12 s × 1/N × N pods × 100 = 1,200 requests (§5.6 "≈1,200").
	w1 := windowByID(t, x.Windows, "W1")
	assertPair(t, "E1 W1", w1.Seconds, Pair{12, 30})
	assertPair(t, "E1 W1 failed requests", w1.FailedRequests, Pair{1200, 3000})
	if w1.Violated != "min(S, G) + c < L: 0 + 0 < 12" || w1.Fix != preStopField {
		t.Errorf("E1 W1 says %q, fixed by %q", w1.Violated, w1.Fix)
	}
	// W2 = min(t_close, L) + R − t_exit = 0 + 5 − 1 = 4 in both columns: no
	// term of the closed form changes with the worst latencies. §5.6 prints
	// 5 s worst, which would need an app that exits at once (A = 0).
	assertPair(t, "E1 W2", windowByID(t, x.Windows, "W2").Seconds, Pair{4, 4})
	// W3 = P + R − D = 10 + 5 − 300 < 0, and 28 + 5 − 300 < 0.
	assertPair(t, "E1 W3", windowByID(t, x.Windows, "W3").Seconds, Pair{0, 0})
	// W5 = δ + Reg + h·I − M − min(L, t_close): 2 + 3 + 7.5 − 0 − 0 = 12.5;
	// worst 2 + 8 + 15 = 25.
	assertPair(t, "E1 W5", windowByID(t, x.Windows, "W5").Seconds, Pair{12.5, 25})
	// N = 3: s = 1, u = 0, the last deletion at ⌈3/1⌉·10 = 30; the first new
	// target is healthy at T_r + H = 22.5 (35 worst): no full outage typical,
	// 5 s worst (§5.6: "≈28, including a 5 s full outage").
	assertPair(t, "E1 N=3 W6", windowByID(t, x.Windows, "W6").Seconds, Pair{0, 5})

	// Total for N = 3 (§5.6 "≈12" and "≈28"; §6.3 prints 12.2 and 27.5).
	// Deletions at 10, 20, 30; old targets routed until +12, failing from
	// deletion; new ones healthy at 22.5, 32.5, 42.5. Failing share by span:
	// [10,20) 1/3, [20,22) 2/3, [22,22.5) 1/2, [22.5,30) 1/3, [30,32) 2/3,
	// [32,32.5) 1/2, [32.5,42) 1/3: 10/3 + 4/3 + 1/4 + 5/2 + 4/3 + 1/4 +
	// 19/6 = 73/6 ≈ 12.17. Worst (L = 30, healthy at 35, 45, 55): [10,20) 1/3,
	// [20,30) 2/3, [30,35) 1, [35,40) 3/4, [40,45) 2/3, [45,50) 1/2, [50,55)
	// 1/3, [55,60) 1/4: 10/3 + 20/3 + 5 + 15/4 + 10/3 + 5/2 + 5/3 + 5/4 = 27.5.
	assertPair(t, "E1 N=3 refused failure-seconds", x.Refused, Pair{73.0 / 6, 27.5})
	assertSeconds(t, "E1 N=3 simulated full outage, worst", x.Rollout[Worst].FullOutage, 5)
	// The in-flight bound adds W2's 4 s of start times (1/N of the traffic,
	// N pods); §5.6's total leaves them out.
	assertPair(t, "E1 N=3 in-flight failure-seconds", x.InFlight, Pair{4, 4})

	t.Run("N=1", func(t *testing.T) {
		// s = ⌈0.25⌉ = 1, u = 0: one step of T_r = 10; W6 = 22.5 − 10 − 0 =
		// 12.5 typical (§5.6 "12.5 s full outage"), 35 − 10 = 25 worst ("~25 s").
		x := Explain(workedExample(ALB, 1))
		assertPair(t, "E1 N=1 W6", windowByID(t, x.Windows, "W6").Seconds, Pair{12.5, 25})
		assertSeconds(t, "E1 N=1 simulated full outage", x.Rollout[Typical].FullOutage, 12.5)
		assertSeconds(t, "E1 N=1 simulated full outage, worst", x.Rollout[Worst].FullOutage, 25)
	})
	t.Run("N=10", func(t *testing.T) {
		// s = ⌈2.5⌉ = 3, u = ⌊2.5⌋ = 2: ⌈8/5⌉ = 2 steps, the last deletion at
		// 20; first new target healthy at 22.5, so W6 = 2.5 (§5.6 and §0).
		// Worst: 10 + 25 − 20 = 15 (§5.6 gives no worst for N = 10).
		x := Explain(workedExample(ALB, 10))
		assertPair(t, "E1 N=10 W6", windowByID(t, x.Windows, "W6").Seconds, Pair{2.5, 15})
		r := x.Rollout[Typical]
		assertSeconds(t, "E1 N=10 rollout done", r.Done, 20)
		assertSeconds(t, "E1 N=10 last deletion", r.LastDeletion, 20)
		assertSeconds(t, "E1 N=10 first new target healthy", r.FirstHealthy, 22.5)
		assertSeconds(t, "E1 N=10 simulated full outage", r.FullOutage, 2.5)
	})
}

// E2: ALB ip, seed values (S = 180, G = 200, D = 30, A = 20) + gates.
func TestE2ALBSeedValues(t *testing.T) {
	in := seedValues(workedExample(ALB, 3))
	in.Platform = Platform{ClusterAutoscaler: true, ManagedNodeGroup: true, Spot: true}
	in.Workload.Budget = &Budget{MaxUnavailable: IntOrPercent{Value: 1}}
	x := Explain(in)
	// W1: 180 ≥ 30. W2: t_exit = 200 ≥ L + R = 17 (35 worst).
	assertPair(t, "E2 W1", windowByID(t, x.Windows, "W1").Seconds, Pair{0, 0})
	assertPair(t, "E2 W2", windowByID(t, x.Windows, "W2").Seconds, Pair{0, 0})
	// W3 = P + R − D: 10 + 5 − 30 < 0; worst 28 + 5 − 30 = 3.
	w3 := windowByID(t, x.Windows, "W3")
	assertPair(t, "E2 W3", w3.Seconds, Pair{0, 3})
	if w3.Violated != "D < P + R: 30 < 28 + 5 (worst)" {
		t.Errorf("E2 W3 says %q", w3.Violated)
	}
	for _, id := range []string{"W5", "W6", "W9"} {
		assertPair(t, "E2 "+id, windowByID(t, x.Windows, id).Seconds, Pair{0, 0})
	}
	// Per step T_r + H + Q + M = 10 + 12.5 + 7.5 + 0 = 30; worst 10 + 25 + 15 = 50.
	assertPair(t, "E2 step", checkByID(t, x.Checks, "progress-deadline").Value, Pair{30, 50})
	// N = 3: ⌈3/1⌉ × 30 = 90 (§5.6 "≈ 90 s"); the simulation ends there too.
	assertPair(t, "E2 rollout", checkByID(t, x.Checks, "rollout-duration").Value, Pair{90, 150})
	assertSeconds(t, "E2 simulated rollout", x.Rollout[Typical].Done, 90)
	// Each old pod Terminating for 200 s; min(3, ⌈200/30⌉) = 3 at once.
	term := checkByID(t, x.Checks, "terminating")
	assertPair(t, "E2 Terminating", term.Value, Pair{200, 200})
	// CA: 200 ≤ 600 ✓; MNG: 1 × (30 + 5) + 200 = 235 ≤ 900 ✓; Spot: L = 12 ≤ 115 ✓.
	for _, id := range []string{"CA-grace-600s", "CA-eviction-120s", "MNG-drain-900s", "Spot-routing-120s"} {
		if c := checkByID(t, x.Checks, id); !c.OK {
			t.Errorf("E2 check %s fails: %s", id, c.Text)
		}
	}
	assertPair(t, "E2 MNG drain", checkByID(t, x.Checks, "MNG-drain-900s").Value, Pair{235, 255})
	assertPair(t, "E2 refused", x.Refused, Pair{0, 0})

	t.Run("R=10", func(t *testing.T) {
		// W3 worst = 28 + 10 − 30 = 8 (§5.6 "8 s when R = 10").
		in := in
		in.Traffic.RequestSeconds = 10
		assertPair(t, "E2 R=10 W3", W3(in).Seconds, Pair{0, 8})
	})
	t.Run("cheaper equivalent", func(t *testing.T) {
		// S = 45, G = 65: W1 and W2 are 0 and Terminating drops 200 → 65 (about
		// 3×). §5.6 says "0 on every window", but D stays 30, so W3's worst is
		// still 28 + 5 − 30 = 3, as in E2 itself.
		in := in
		in.Workload.PreStop, in.Workload.Grace = 45, seconds(65)
		x := Explain(in)
		for _, id := range []string{"W1", "W2", "W5", "W6", "W9"} {
			assertPair(t, "S=45 "+id, windowByID(t, x.Windows, id).Seconds, Pair{0, 0})
		}
		assertPair(t, "S=45 W3", windowByID(t, x.Windows, "W3").Seconds, Pair{0, 3})
		assertPair(t, "S=45 Terminating", checkByID(t, x.Checks, "terminating").Value, Pair{65, 65})
	})
}

// E3: NLB ip, defaults (no preStop, G = 30, D = 300, no gates).
func TestE3NLBDefaults(t *testing.T) {
	x := Explain(workedExample(NLB, 3))
	// W1 = δ + P = 2 + 120 = 122; worst 2 + 180 = 182.
	assertPair(t, "E3 W1", windowByID(t, x.Windows, "W1").Seconds, Pair{122, 182})
	// W2 = 0 + 5 − 1 = 4 in both columns (§5.6 prints 5 worst; see E1).
	assertPair(t, "E3 W2", windowByID(t, x.Windows, "W2").Seconds, Pair{4, 4})
	// No connection termination: D cuts nothing on an NLB.
	assertPair(t, "E3 W3", windowByID(t, x.Windows, "W3").Seconds, Pair{0, 0})
	// H = δ + Reg + h·I = 2 + 120 + 10/2 = 127 (300 + 10 + 2 = 312 worst), so
	// the first new target is healthy at 10 + 127 = 137; the rollout deletes
	// its last old pod at ⌈3/1⌉·10 = 30: W6 = 137 − 30 = 107 (§5.6 "≈107 s").
	// Worst 322 − 30 = 292.
	assertPair(t, "E3 N=3 W6", windowByID(t, x.Windows, "W6").Seconds, Pair{107, 292})
	r := x.Rollout[Typical]
	assertSeconds(t, "E3 N=3 last deletion", r.LastDeletion, 30)
	assertSeconds(t, "E3 N=3 first new target healthy", r.FirstHealthy, 137)
	// Total, N = 3 (§5.6 "≈125", "≈300"): deletions at 10, 20, 30, each old
	// target routed until +122 and failing from deletion, new ones healthy
	// at 137, 147, 157: [10,20) 1/3, [20,30) 2/3, [30,137) 1, [137,142) 2/3,
	// [142,147) 1/2, [147,152) 1/3: 10/3 + 20/3 + 107 + 10/3 + 5/2 + 5/3 =
	// 124.5. Worst (routed until +182, healthy at 322, 332, 342): 10/3 + 20/3
	// + (322 − 30) = 302, of which 292 with every request failing.
	assertPair(t, "E3 N=3 refused failure-seconds", x.Refused, Pair{124.5, 302})
	assertSeconds(t, "E3 N=3 simulated full outage", r.FullOutage, 107)
	assertSeconds(t, "E3 N=3 simulated full outage, worst", x.Rollout[Worst].FullOutage, 292)

	t.Run("N=1", func(t *testing.T) {
		// W6 = 137 − 10 = 127 (§5.6 "≈127 s"); worst 322 − 10 = 312, which
		// §5.6 rounds to "≈310 s".
		assertPair(t, "E3 N=1 W6", W6(workedExample(NLB, 1)).Seconds, Pair{127, 312})
	})
}

// E4: NLB ip, seed values + gates.
func TestE4NLBSeedValues(t *testing.T) {
	in := seedValues(workedExample(NLB, 3))
	in.Platform = Platform{ClusterAutoscaler: true, ManagedNodeGroup: true, Spot: true}
	// "a PDB-blocked eviction": the budget lbguard writes (docs/rules.md R7).
	in.Workload.Budget = &Budget{MaxUnavailable: IntOrPercent{Value: 1}}
	x := Explain(in)
	// W1 = L − 180: 122 − 180 < 0; 182 − 180 = 2 worst.
	w1 := windowByID(t, x.Windows, "W1")
	assertPair(t, "E4 W1", w1.Seconds, Pair{0, 2})
	if w1.Violated != "min(S, G) + c < L: 180 + 0 < 182 (worst)" {
		t.Errorf("E4 W1 says %q", w1.Violated)
	}
	for _, id := range []string{"W2", "W3", "W5", "W6"} {
		assertPair(t, "E4 "+id, windowByID(t, x.Windows, id).Seconds, Pair{0, 0})
	}
	// Step T_r + H + Q = 10 + 127 + 7.5 = 144.5 (§5.6 "≈145"); worst
	// 10 + 312 + 15 = 337 (§5.6 "≈335") < 600.
	pd := checkByID(t, x.Checks, "progress-deadline")
	assertPair(t, "E4 step", pd.Value, Pair{144.5, 337})
	if !pd.OK {
		t.Errorf("E4 step should fit the progress deadline: %s", pd.Text)
	}
	// N = 3: 3 × 144.5 = 433.5 s (§5.6 "≈ 7 min").
	assertPair(t, "E4 rollout", checkByID(t, x.Checks, "rollout-duration").Value, Pair{433.5, 1011})
	// Spot: killed at 120 − 5 = 115 while L = 122: W9 = 7, worst 182 − 115 = 67.
	w9 := windowByID(t, x.Windows, "W9")
	assertPair(t, "E4 Spot W9", w9.Seconds, Pair{7, 67})
	if w9.Violated != "L > 120 − t_notice: 122 > 115" || w9.Fix != onDemandSetting {
		t.Errorf("E4 W9 says %q, fixed by %q", w9.Violated, w9.Fix)
	}
	// CA: the eviction waits 144.5 s > 120: CA abandons the scale-down.
	ca := checkByID(t, x.Checks, "CA-eviction-120s")
	assertPair(t, "E4 CA eviction wait", ca.Value, Pair{144.5, 337})
	if ca.OK {
		t.Error("E4: CA's 120 s eviction retry should fail")
	}
	// MNG: one pod a node, 149.5 + 200 = 349.5 ≤ 900; (900 − 200)/149.5 →
	// "k ≤ 4" (§5.6).
	mng := checkByID(t, x.Checks, "MNG-drain-900s")
	assertPair(t, "E4 MNG drain", mng.Value, Pair{349.5, 542})
	if !strings.Contains(mng.Text, "up to 4 pods a node fit") {
		t.Errorf("E4 MNG: %s", mng.Text)
	}

	t.Run("N=10", func(t *testing.T) {
		// s = 3, u = 2: ⌈10/5⌉ × 144.5 = 289 s (§5.6 "≈ 5 min").
		in := in
		in.Workload.Replicas = 10
		assertSeconds(t, "E4 N=10 rollout", checkByID(t, Checks(in), "rollout-duration").Value.Typical, 289)
	})
	t.Run("S=120", func(t *testing.T) {
		// An earlier draft's NLB floor: W1 = 122 − 120 = 2 typical, 182 − 120 =
		// 62 worst (§5.6 "~60 s").
		in := in
		in.Workload.PreStop = 120
		assertPair(t, "E4 S=120 W1", W1(in).Seconds, Pair{2, 62})
	})
}

// E5: kubectl drain of a node with 2 of 6 replicas, PDB maxUnavailable 1,
// ALB, seed values + gates.
func TestE5Drain(t *testing.T) {
	in := seedValues(workedExample(ALB, 6))
	in.Workload.Budget = &Budget{MaxUnavailable: IntOrPercent{Value: 1}}
	in.Platform.PodsPerNode = 2
	// A is evicted at 0; its replacement is Ready (gate flipped) at
	// T_r + H + Q = 10 + 12.5 + 7.5 = 30, so B is evicted by 35 and the node is
	// empty at 35 + t_exit = 235 (§5.6). W1 = 0: no loss.
	d := DrainNode(in, Typical)
	if !slices.Equal(d.Evictions, []float64{0, 35}) {
		t.Errorf("E5 evictions at %v; want [0 35]", d.Evictions)
	}
	assertSeconds(t, "E5 node empty", d.Empty, 235)
	assertSeconds(t, "E5 refused", d.Refused, 0)

	t.Run("defaults, no PDB", func(t *testing.T) {
		// Both pods evicted at 0: W1 = 12 s on 2/6 of the traffic = 4
		// failure-seconds (§5.6); worst 2 × 30/6 = 10.
		in := workedExample(ALB, 6)
		in.Platform.PodsPerNode = 2
		ty, wo := DrainNode(in, Typical), DrainNode(in, Worst)
		if !slices.Equal(ty.Evictions, []float64{0, 0}) {
			t.Errorf("evictions at %v; want [0 0]", ty.Evictions)
		}
		assertPair(t, "E5 defaults refused", Pair{ty.Refused, wo.Refused}, Pair{4, 10})
	})
	t.Run("NLB", func(t *testing.T) {
		// B is evicted at 144.5 + 5 = 149.5 (§5.6 "≈150 s"), the node empty at
		// 349.5 ("≈350 s"); under CA this exceeds the 120 s eviction retry.
		in := seedValues(workedExample(NLB, 6))
		in.Workload.Budget = &Budget{MaxUnavailable: IntOrPercent{Value: 1}}
		in.Platform = Platform{PodsPerNode: 2, ClusterAutoscaler: true}
		d := DrainNode(in, Typical)
		if !slices.Equal(d.Evictions, []float64{0, 149.5}) {
			t.Errorf("evictions at %v; want [0 149.5]", d.Evictions)
		}
		assertSeconds(t, "E5 NLB node empty", d.Empty, 349.5)
		if checkByID(t, Checks(in), "CA-eviction-120s").OK {
			t.Error("E5 NLB: CA's 120 s eviction retry should fail")
		}
	})
	t.Run("closed form of §5.4", func(t *testing.T) {
		// §5.4's per-node drain, k × (T_r + H + Q + 5) + t_exit = 2 × 35 + 200
		// = 270, counts one step more than E5's simulation (235): the first
		// pod goes at 0. The MNG check keeps the closed form, a bound.
		in := in
		in.Platform.ManagedNodeGroup = true
		assertSeconds(t, "MNG drain bound", checkByID(t, Checks(in), "MNG-drain-900s").Value.Typical, 270)
	})
}
