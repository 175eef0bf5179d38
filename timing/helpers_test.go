package timing

import (
	"math"
	"testing"
)

func seconds(v float64) *float64 { return &v }

// workedExample is the common input of docs/timing.md §5.6: ip targets with
// the LBC's health-check defaults, T_app = 10 s and a probe every 10 s (so
// T_r = 10), R = 5 s, the default strategy, no preStop, G = 30, D = 300, no
// gates, and an app that exits 1 s after SIGTERM; 100 requests a second.
func workedExample(kind Kind, replicas int) Input {
	front := FrontIngress
	if kind == NLB {
		front = FrontService
	}
	return Input{
		LoadBalancer: LoadBalancer{Kind: kind, Front: front, TargetType: TargetIP, DeregistrationDelay: seconds(300)},
		Workload: Workload{
			Replicas: replicas, Probe: &Probe{Period: 10}, AppStart: 10,
			Grace: seconds(30), AppShutdown: seconds(1),
		},
		Traffic: Traffic{RequestSeconds: 5, RPS: 100},
	}
}

// seedValues is the seed's configuration: S = 180, G = 200, D = 30, A = 20,
// with readiness gates (docs/timing.md §5.6, E2 and E4).
func seedValues(in Input) Input {
	in.Workload.PreStop = 180
	in.Workload.Grace = seconds(200)
	in.Workload.AppShutdown = seconds(20)
	in.LoadBalancer.DeregistrationDelay = seconds(30)
	in.LoadBalancer.ReadinessGate = true
	return in
}

const tolerance = 1e-9

func near(a, b float64) bool { return math.Abs(a-b) < tolerance }

func assertPair(t *testing.T, what string, got, want Pair) {
	t.Helper()
	if !near(got.Typical, want.Typical) || !near(got.Worst, want.Worst) {
		t.Errorf("%s = %v typical, %v worst; want %v, %v", what, got.Typical, got.Worst, want.Typical, want.Worst)
	}
}

func assertSeconds(t *testing.T, what string, got, want float64) {
	t.Helper()
	if !near(got, want) {
		t.Errorf("%s = %v; want %v", what, got, want)
	}
}

// byKey is the item whose key is want.
func byKey[T any](t *testing.T, items []T, key func(T) string, want string) T {
	t.Helper()
	for _, item := range items {
		if key(item) == want {
			return item
		}
	}
	t.Fatalf("no %s", want)
	var none T
	return none
}

func windowByID(t *testing.T, windows []Window, id string) Window {
	t.Helper()
	return byKey(t, windows, func(w Window) string { return w.ID }, id)
}

func checkByID(t *testing.T, checks []Check, id string) Check {
	t.Helper()
	return byKey(t, checks, func(c Check) string { return c.ID }, id)
}

func latencyBySymbol(t *testing.T, rows []Latency, symbol string) Latency {
	t.Helper()
	return byKey(t, rows, func(l Latency) string { return l.Symbol }, symbol)
}
