package timing

import (
	"strings"
	"testing"
)

// The rows of docs/timing.md §1.4 and §5.2.
func TestLatencyTable(t *testing.T) {
	cases := []struct {
		kind   Kind
		symbol string
		want   Pair
		source string
	}{
		{ALB, "e", Pair{1, 5}, "k8s:endpointslice-batch"},
		{ALB, "q", Pair{1, 20}, "LBC:code"},
		{ALB, "δ", Pair{2, 25}, "derived"},
		{ALB, "P", Pair{10, 28}, "LBC#905"},
		{NLB, "P", Pair{120, 180}, "LBC#2366"},
		{ALB, "Reg", Pair{3, 8}, "aws:alb-health-checks"},
		{NLB, "Reg", Pair{120, 300}, "LBC#1834"},
		{ALB, "k", Pair{1, 30}, "k8s:kube-proxy-flags"},
		{ALB, "Q", Pair{7.5, 15}, "LBC:requeue"},
		{NLB, "lag_nlb", Pair{35, 40}, "containers-roadmap#470"},
		// L = δ + P with the typical δ in both columns: 12/30, 122/182.
		{ALB, "L", Pair{12, 30}, "derived"},
		{NLB, "L", Pair{122, 182}, "derived"},
		// H = δ + Reg + h·I: ALB 2 + 3 + 7.5, 2 + 8 + 15; NLB 2 + 120 + 5, 2 + 300 + 10.
		{ALB, "H", Pair{12.5, 25}, "derived"},
		{NLB, "H", Pair{127, 312}, "derived"},
		{ALB, "h·I", Pair{7.5, 15}, "LBC:ingress-healthcheck"},
		{NLB, "h·I", Pair{5, 10}, "LBC:service-healthcheck"},
		{ALB, "T_r", Pair{10, 10}, "k8s:probe"},
		// failureThreshold 3 × period 10 (docs/timing.md §2: 30 s by default).
		{ALB, "f·p", Pair{30, 30}, "k8s:probe"},
	}
	for _, c := range cases {
		l := latencyBySymbol(t, Latencies(workedExample(c.kind, 3)), c.symbol)
		assertPair(t, string(c.kind)+" "+c.symbol, l.pair(), c.want)
		if !strings.Contains(strings.Join(l.Sources, " "), c.source) {
			t.Errorf("%s %s cites %v, not %s", c.kind, c.symbol, l.Sources, c.source)
		}
	}
	in := workedExample(ALB, 3)
	in.Workload.Probe = &Probe{Period: 2, FailureThreshold: 5}
	assertPair(t, "f·p of 5 × 2", latencyBySymbol(t, Latencies(in), "f·p").pair(), Pair{10, 10})
	for _, l := range Latencies(workedExample(ALB, 3)) {
		if l.Symbol == "lag_nlb" {
			t.Error("an ALB has no lag_nlb")
		}
	}
}

func TestCalibration(t *testing.T) {
	in := workedExample(NLB, 3)
	in.Calibration = map[string]Pair{"P": {60, 90}, "Reg": {30, 60}}
	rows := Latencies(in)
	p := latencyBySymbol(t, rows, "P")
	if p.Sources[0] != "calibration" {
		t.Errorf("a calibrated row cites %v", p.Sources)
	}
	// L = 2 + 60, 2 + 90; H = 2 + 30 + 5, 2 + 60 + 10.
	assertPair(t, "calibrated L", latencyBySymbol(t, rows, "L").pair(), Pair{62, 92})
	assertPair(t, "calibrated H", latencyBySymbol(t, rows, "H").pair(), Pair{37, 72})
}

// The health-check defaults of each owner of a target group.
func TestHealthCheckDefaults(t *testing.T) {
	cases := []struct {
		lb   LoadBalancer
		want HealthCheck
	}{
		{LoadBalancer{Kind: ALB, Front: FrontIngress}, HealthCheck{15, 5, 2, 2, 1}},
		{LoadBalancer{Kind: NLB, Front: FrontService}, HealthCheck{10, 10, 3, 3, 1}},
		{LoadBalancer{Kind: NLB, Front: FrontService, TargetType: TargetInstance, ExternalTrafficPolicyLocal: true}, HealthCheck{10, 6, 2, 2, 1}},
		{LoadBalancer{Kind: ALB, Front: FrontGatewayRoute}, HealthCheck{15, 5, 3, 3, 1}},
		{LoadBalancer{Kind: NLB, Front: FrontTargetGroupBinding}, HealthCheck{30, 10, 5, 2, 1}},
		{LoadBalancer{Kind: ALB, Front: FrontTargetGroupBinding}, HealthCheck{30, 6, 5, 2, 1}},
		{LoadBalancer{Kind: Classic, Front: FrontService}, HealthCheck{10, 5, 2, 6, 1}},
		// What the input sets wins.
		{LoadBalancer{Kind: ALB, Front: FrontIngress, HealthCheck: HealthCheck{Interval: 5, UnhealthyThreshold: 3}}, HealthCheck{5, 5, 2, 3, 1}},
	}
	for _, c := range cases {
		if got := resolve(Input{LoadBalancer: c.lb}).hc; got != c.want {
			t.Errorf("%+v: health check %+v; want %+v", c.lb, got, c.want)
		}
	}
}

func TestNotes(t *testing.T) {
	in := Input{LoadBalancer: LoadBalancer{Kind: "elb?", ReadinessGate: true, AutoMode: true}}
	notes := strings.Join(Explain(in).Notes, "\n")
	for _, want := range []string{"unknown: taken as an ALB", "ip, the EKS Auto Mode default", "no readiness gates", "300 s", "no readiness probe"} {
		if !strings.Contains(notes, want) {
			t.Errorf("notes lack %q:\n%s", want, notes)
		}
	}
	if m := resolve(in); m.gate || m.target != TargetIP {
		t.Errorf("Auto Mode: ip targets and no gate, got %s, gate %v", m.target, m.gate)
	}
}

// The values the model takes, defaults filled in (docs/timing.md §1.1, §5.2,
// §5.5): what the reports quote beside the windows.
func TestParameters(t *testing.T) {
	cases := []struct {
		name string
		in   Input
		want Parameters
	}{
		// Nothing set: G = 30, A = 20, R = 5, K = G; a Spot node is gone
		// 120 − 5 s after the pod's deletion; an unset target type is the
		// LBC's default, instance.
		{"defaults", Input{LoadBalancer: LoadBalancer{Kind: ALB}},
			Parameters{Target: TargetInstance, Grace: 30, Shutdown: 20, Kill: 30, RequestSeconds: 5, SpotKill: 115}},
		// E2: S = 180 < G = 200, so K = G; the gate holds ip targets.
		{"E2", seedValues(workedExample(ALB, 3)),
			Parameters{Target: TargetIP, Gate: true, PreStop: 180, Grace: 200, Shutdown: 20, Kill: 200, RequestSeconds: 5, SpotKill: 115}},
		// The preStop runs into G: the kubelet grants 2 s more (§1.1).
		{"S = G", func() Input {
			in := workedExample(ALB, 3)
			in.Workload.PreStop = 30
			return in
		}(), Parameters{Target: TargetIP, PreStop: 30, Grace: 30, Shutdown: 1, Kill: 32, RequestSeconds: 5, SpotKill: 115}},
		// A Classic ELB registers nodes; Auto Mode's unset target type is
		// ip, and it has no gates.
		{"Classic", Input{LoadBalancer: LoadBalancer{Kind: Classic, TargetType: TargetIP, ReadinessGate: true}},
			Parameters{Target: TargetInstance, Grace: 30, Shutdown: 20, Kill: 30, RequestSeconds: 5, SpotKill: 115}},
		{"Auto Mode", Input{LoadBalancer: LoadBalancer{Kind: ALB, AutoMode: true, ReadinessGate: true}, Platform: Platform{SpotNoticeLag: seconds(0)}},
			Parameters{Target: TargetIP, Grace: 30, Shutdown: 20, Kill: 30, RequestSeconds: 5, SpotKill: 120}},
	}
	for _, c := range cases {
		if got := Explain(c.in).Parameters; got != c.want {
			t.Errorf("%s: %+v; want %+v", c.name, got, c.want)
		}
	}
}
