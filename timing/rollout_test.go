package timing

import (
	"fmt"
	"slices"
	"testing"
)

// One replica behind an ALB with E1's defaults. s = 1, u = 0: new-1 is
// created at 0 and Ready (and Available) at T_r = 10, when old-1 is deleted.
// old-1: endpoint removed at 10 + e = 11, deregistered at 10 + δ = 12, last
// new request at 10 + L = 22, SIGTERM and listener closed at 10 (no preStop),
// exits at 10 + A = 11, draining over at 12 + D = 312. new-1: registered at
// 10 + δ = 12, healthy at 12 + Reg 3 + I/2 7.5 = 22.5.
func TestSimulateOneReplica(t *testing.T) {
	r := SimulateRollout(workedExample(ALB, 1), Typical)
	want := []Event{
		{0, "", RolloutStep},
		{0, "new-1", Created},
		{10, "new-1", ContainersReady},
		{10, "new-1", Available},
		{10, "", RolloutStep},
		{10, "old-1", Deleted},
		{10, "old-1", SIGTERM},
		{10, "old-1", ListenerClosed},
		{11, "old-1", EndpointRemoved},
		{11, "old-1", Exited},
		{12, "new-1", Registered},
		{12, "old-1", Deregistered},
		{22, "old-1", LastRequest},
		{22.5, "new-1", Healthy},
		{312, "old-1", DrainingEnded},
	}
	if !slices.Equal(r.Events, want) {
		t.Errorf("events:\n%v\nwant:\n%v", r.Events, want)
	}
	// [0,10) old-1 serves; [10,22) it is routed but closed; [22,22.5) nothing
	// is routed. 12 + 0.5 = 12.5 failure-seconds, all of them a full outage.
	wantSpans := []Span{{0, 10, 1, 0}, {10, 22, 1, 1}, {22, 22.5, 0, 0}}
	if !slices.Equal(r.Spans, wantSpans) {
		t.Errorf("spans %v; want %v", r.Spans, wantSpans)
	}
	assertSeconds(t, "refused", r.Refused, 12.5)
	assertSeconds(t, "full outage", r.FullOutage, 12.5)
	assertSeconds(t, "start-up gap", r.StartupGap, 12.5)
	assertSeconds(t, "done", r.Done, 10)
}

// Two replicas, maxSurge 0 and maxUnavailable 1, with a gate and S = 45,
// G = 65, A = 20. At 0 old-1 goes and new-1 comes; new-1 is healthy at
// 10 + 12.5 = 22.5 and Ready (gate) at 30, when old-2 goes and new-2 comes;
// new-2 is healthy at 52.5 and Available at 60. The listeners close at
// deletion + 45, after L = 12: nothing fails. old-1 leaves the routing at 12,
// old-2 at 42.
func TestSimulateGateNoSurge(t *testing.T) {
	in := workedExample(ALB, 2)
	in.LoadBalancer.ReadinessGate = true
	in.Workload.PreStop, in.Workload.Grace, in.Workload.AppShutdown = 45, seconds(65), seconds(20)
	in.Workload.Strategy = Strategy{MaxSurge: &IntOrPercent{Value: 0}, MaxUnavailable: &IntOrPercent{Value: 1}}
	r := SimulateRollout(in, Typical)
	assertSeconds(t, "done", r.Done, 60)
	wantSpans := []Span{{0, 12, 2, 0}, {12, 22.5, 1, 0}, {22.5, 42, 2, 0}, {42, 52.5, 1, 0}}
	if !slices.Equal(r.Spans, wantSpans) {
		t.Errorf("spans %v; want %v", r.Spans, wantSpans)
	}
	assertSeconds(t, "refused", r.Refused, 0)
	assertSeconds(t, "start-up gap", r.StartupGap, 0)
	steps := atOf(r.Events, "", RolloutStep)
	if !slices.Equal(steps, []float64{0, 30}) {
		t.Errorf("steps at %v; want [0 30]", steps)
	}
	if got := atOf(r.Events, "new-1", GateReady); !slices.Equal(got, []float64{30}) {
		t.Errorf("new-1's gate at %v; want [30]", got)
	}
	// SIGTERM at 0 + 45 and 30 + 45; the apps exit 20 s later on their own.
	if got := atOf(r.Events, "old-2", Exited); !slices.Equal(got, []float64{95}) {
		t.Errorf("old-2 exits at %v; want [95]", got)
	}
}

// Four replicas, maxSurge 1 and maxUnavailable 1, minReadySeconds 5, E1's
// defaults otherwise (L = 12, listener closed at deletion). At 0: old-1 goes,
// new-1 and new-2 come. Both are Available at 10 + 5 = 15: old-2 and old-3
// go, new-3 and new-4 come, Available at 30, when old-4 goes. The closed
// form agrees: ⌈(4 − 1)/2⌉·(10 + 5) = 30. Healthy: new-1, new-2 at 22.5;
// new-3, new-4 at 37.5.
//
// Failing share: [0,12) 1/4, [12,15) 0, [15,22.5) 2/3, [22.5,27) 2/5,
// [27,30) 0, [30,37.5) 1/3, [37.5,42) 1/5: 3 + 5 + 1.8 + 2.5 + 0.9 = 13.2.
// Start-up gap per replaced pod: 22.5 − 15 = 37.5 − 30 = 7.5 = H − M.
func TestSimulateSurgeAndUnavailable(t *testing.T) {
	in := workedExample(ALB, 4)
	in.Workload.Strategy = Strategy{MaxSurge: &IntOrPercent{Value: 1}, MaxUnavailable: &IntOrPercent{Value: 1}, MinReadySeconds: 5}
	r := SimulateRollout(in, Typical)
	for pod, at := range map[string]float64{"old-1": 0, "old-2": 15, "old-3": 15, "old-4": 30} {
		if got := atOf(r.Events, pod, Deleted); !slices.Equal(got, []float64{at}) {
			t.Errorf("%s deleted at %v; want %v", pod, got, at)
		}
	}
	for pod, at := range map[string]float64{"new-1": 0, "new-2": 0, "new-3": 15, "new-4": 15} {
		if got := atOf(r.Events, pod, Created); !slices.Equal(got, []float64{at}) {
			t.Errorf("%s created at %v; want %v", pod, got, at)
		}
	}
	assertSeconds(t, "done", r.Done, 30)
	assertSeconds(t, "last deletion", r.LastDeletion, 30)
	assertSeconds(t, "refused", r.Refused, 13.2)
	assertSeconds(t, "full outage", r.FullOutage, 0)
	assertSeconds(t, "start-up gap", r.StartupGap, 7.5)
	assertPair(t, "W5", W5(in).Seconds, Pair{7.5, 20})
}

// A preStop that outlives G is killed: G = 30 < S + A.
func TestSimulateKilled(t *testing.T) {
	in := workedExample(ALB, 1)
	in.Workload.PreStop, in.Workload.AppShutdown = 30, seconds(20)
	r := SimulateRollout(in, Typical)
	// Deleted at 10; S = G: K = G + 2 = 32.
	if got := atOf(r.Events, "old-1", Killed); !slices.Equal(got, []float64{42}) {
		t.Errorf("old-1 killed at %v; want [42]", got)
	}
}

// The simulation and the closed forms of W5 and W6 describe the same loop:
// across strategies, sizes and shutdowns they must agree. (With a gate the
// closed forms are 0 by construction; see TestGateWithEveryPodUnavailable.)
func TestSimulationMatchesClosedForms(t *testing.T) {
	for _, kind := range []Kind{ALB, NLB} {
		for n := 1; n <= 12; n++ {
			for _, st := range []Strategy{
				{},
				{MaxSurge: &IntOrPercent{Value: 0}, MaxUnavailable: &IntOrPercent{Value: 1}},
				{MaxSurge: &IntOrPercent{Value: 2}, MaxUnavailable: &IntOrPercent{Value: 0}, MinReadySeconds: 3},
				{MaxSurge: &IntOrPercent{Value: 50, Percent: true}, MaxUnavailable: &IntOrPercent{Value: 50, Percent: true}},
			} {
				for _, s := range []float64{0, 12, 45} {
					in := workedExample(kind, n)
					in.Workload.Strategy, in.Workload.PreStop = st, s
					name := fmt.Sprintf("%s N=%d %+v S=%v", kind, n, st, s)
					w5, w6 := W5(in), W6(in)
					for _, c := range []Case{Typical, Worst} {
						r := SimulateRollout(in, c)
						want5, want6 := w5.Seconds.Typical, w6.Seconds.Typical
						if c == Worst {
							want5, want6 = w5.Seconds.Worst, w6.Seconds.Worst
						}
						if !near(r.FullOutage, want6) {
							t.Errorf("%s %s: simulated full outage %v, W6 %v", name, c, r.FullOutage, want6)
						}
						// The u pods deleted at the start wait for no new pod;
						// W5 is about the ones deleted as a new pod turns Available.
						if _, u := rollingFenceposts(n, st); n > u && !near(r.StartupGap, want5) {
							t.Errorf("%s %s: simulated start-up gap %v, W5 %v", name, c, r.StartupGap, want5)
						}
						if r.Refused < r.FullOutage-tolerance {
							t.Errorf("%s %s: refused %v < full outage %v", name, c, r.Refused, r.FullOutage)
						}
					}
				}
			}
		}
	}
}

// Deployment rounding: maxSurge up, maxUnavailable down, never both 0
// (docs/timing.md §2, §5.2).
func TestRollingFenceposts(t *testing.T) {
	pct := func(v int) *IntOrPercent { return &IntOrPercent{Value: v, Percent: true} }
	count := func(v int) *IntOrPercent { return &IntOrPercent{Value: v} }
	cases := []struct {
		n                  int
		surge, unavailable *IntOrPercent
		wantS, wantU       int
	}{
		{1, nil, nil, 1, 0},  // ⌈0.25⌉, ⌊0.25⌋
		{3, nil, nil, 1, 0},  // ⌈0.75⌉, ⌊0.75⌋
		{4, nil, nil, 1, 1},  // exactly 1 and 1
		{10, nil, nil, 3, 2}, // ⌈2.5⌉, ⌊2.5⌋
		{5, pct(10), pct(10), 1, 0},
		{5, count(0), count(0), 0, 1}, // both 0: maxUnavailable becomes 1
		{5, pct(0), pct(10), 0, 1},    // ⌊0.5⌋ = 0, then 1
		{3, count(2), pct(200), 2, 3}, // unavailable held at N
	}
	for _, c := range cases {
		s, u := rollingFenceposts(c.n, Strategy{MaxSurge: c.surge, MaxUnavailable: c.unavailable})
		if s != c.wantS || u != c.wantU {
			t.Errorf("N=%d: s=%d u=%d; want %d %d", c.n, s, u, c.wantS, c.wantU)
		}
	}
	// A budget's percentage rounds up: 10 % of 6 allows 1.
	in := workedExample(ALB, 6)
	in.Workload.Budget = &Budget{MaxUnavailable: IntOrPercent{Value: 10, Percent: true}}
	if m := resolve(in); m.budget != 1 {
		t.Errorf("10 %% of 6 = %d; want 1", m.budget)
	}
}

// T_r = iD + p·⌈(T_app − iD)/p⌉ (docs/timing.md §2), one period more for
// each further success.
func TestReadyAfter(t *testing.T) {
	cases := []struct {
		probe *Probe
		app   float64
		want  float64
	}{
		{nil, 10, 0},
		{&Probe{Period: 10}, 10, 10},
		{&Probe{}, 10, 10}, // default period 10
		{&Probe{Period: 10}, 11, 20},
		{&Probe{Period: 10, InitialDelay: 15}, 10, 15},
		{&Probe{Period: 10, InitialDelay: 5}, 10, 15},
		{&Probe{Period: 10, SuccessThreshold: 3}, 10, 30},
		{&Probe{Period: 3}, 10, 12},
	}
	for _, c := range cases {
		if got := readyAfter(c.probe, c.app); !near(got, c.want) {
			t.Errorf("probe %+v, app at %v: Ready at %v; want %v", c.probe, c.app, got, c.want)
		}
	}
}

func TestDrainBlockedBudget(t *testing.T) {
	in := workedExample(ALB, 3)
	in.Workload.Budget = &Budget{MaxUnavailable: IntOrPercent{Value: 0}}
	in.Platform.PodsPerNode = 2
	if d := DrainNode(in, Typical); !d.Blocked || len(d.Evictions) != 0 {
		t.Errorf("maxUnavailable 0 blocks every eviction: %+v", d)
	}
}

func atOf(events []Event, pod string, what Happening) []float64 {
	var at []float64
	for _, e := range events {
		if e.Pod == pod && e.What == what {
			at = append(at, e.At)
		}
	}
	return at
}

// With a gate W6 is 0 by construction (docs/timing.md §5.4), but a
// maxUnavailable of 100 % deletes every old pod at 0, before any gate can
// hold a step. Three replicas: old pods routed until 12 and closed at once,
// new targets healthy at 10 + 12.5 = 22.5: 22.5 s with every request failing,
// which the simulation counts and W6 names in its note.
func TestGateWithEveryPodUnavailable(t *testing.T) {
	in := workedExample(ALB, 3)
	in.LoadBalancer.ReadinessGate = true
	in.Workload.Strategy.MaxUnavailable = &IntOrPercent{Value: 100, Percent: true}
	x := Explain(in)
	w6 := windowByID(t, x.Windows, "W6")
	assertPair(t, "W6", w6.Seconds, Pair{0, 0})
	if w6.Note == "" {
		t.Error("W6 should say that the gate holds nothing here")
	}
	assertSeconds(t, "simulated full outage", x.Rollout[Typical].FullOutage, 22.5)
	assertSeconds(t, "refused", x.Refused.Typical, 22.5)
}
