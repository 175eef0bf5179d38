package timing

import "testing"

// Each closed form of docs/timing.md §5.4 against hand arithmetic, around the
// boundaries where a window closes. Unless a case says otherwise the input is
// E1's (ALB ip: δ = 2, P = 10/28, so L = 12/30; T_r = 10; R = 5; G = 30;
// A = 1; D = 300; no gates).

type windowCase struct {
	name string
	edit func(*Input)
	want Pair
}

func runWindow(t *testing.T, w func(Input) Window, base func() Input, cases []windowCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := base()
			if c.edit != nil {
				c.edit(&in)
			}
			got := w(in)
			assertPair(t, got.ID, got.Seconds, c.want)
			if (got.Seconds.Typical > 0 || got.Seconds.Worst > 0) != (got.Violated != "") {
				t.Errorf("%s is %v but says %q", got.ID, got.Seconds, got.Violated)
			}
		})
	}
}

func alb() Input { return workedExample(ALB, 3) }
func nlb() Input { return workedExample(NLB, 3) }

func TestW1(t *testing.T) {
	runWindow(t, W1, alb, []windowCase{
		{"no preStop", nil, Pair{12, 30}},
		{"S = L typical", func(in *Input) { in.Workload.PreStop = 12 }, Pair{0, 18}},
		{"S one short of L worst", func(in *Input) { in.Workload.PreStop = 29 }, Pair{0, 1}},
		{"S = L worst", func(in *Input) { in.Workload.PreStop = 30 }, Pair{0, 0}},
		// SIGTERM comes at G when the preStop outlasts it: min(S, G) = 10.
		{"G < S", func(in *Input) { in.Workload.PreStop, in.Workload.Grace = 20, seconds(10) }, Pair{2, 20}},
		// c = 5 after S = 7 closes at 12, with A = 20 the app is still up.
		{"accepting after SIGTERM", func(in *Input) {
			in.Workload.PreStop, in.Workload.AcceptAfterSIGTERM, in.Workload.AppShutdown = 7, 5, seconds(20)
		}, Pair{0, 18}},
		// The listener cannot outlive the process: with A = 1 it is gone at
		// S + A = 8, before S + c = 12 (this package's reading of §5.3's order).
		{"process exits before c ends", func(in *Input) { in.Workload.PreStop, in.Workload.AcceptAfterSIGTERM = 7, 5 }, Pair{4, 22}},
		{"calibrated P", func(in *Input) { in.Calibration = map[string]Pair{"P": {5, 15}} }, Pair{7, 17}},
		{"instance targets (W7 instead)", func(in *Input) { in.LoadBalancer.TargetType = TargetInstance }, Pair{0, 0}},
		// Fail health first: L_hc = Uc·I + T = 2·15 + 5 = 35 > 12 and 30, so
		// no change behind an ALB (§5.4).
		{"fail health first", func(in *Input) { in.Workload.FailHealthFirst = true }, Pair{12, 30}},
	})
	in := alb()
	in.Workload.PreStop, in.Workload.Grace = 20, seconds(10)
	if f := W1(in).Fix; f != graceField {
		t.Errorf("a preStop cut at G is fixed by G first, not %q", f)
	}
	runWindow(t, W1, nlb, []windowCase{
		{"NLB no preStop", nil, Pair{122, 182}},
		{"NLB S = L typical", func(in *Input) { in.Workload.PreStop, in.Workload.Grace = 122, seconds(200) }, Pair{0, 60}},
		{"NLB S = L worst", func(in *Input) { in.Workload.PreStop, in.Workload.Grace = 182, seconds(200) }, Pair{0, 0}},
		// L_hc = Uc·I + T + lag_nlb = 3·10 + 10 + 35 = 75 (80 worst) (§5.4 "75–80 s").
		{"NLB fail health first", func(in *Input) { in.Workload.FailHealthFirst = true }, Pair{75, 80}},
	})
}

func TestW2(t *testing.T) {
	runWindow(t, W2, alb, []windowCase{
		// min(t_close, L) + R − t_exit = 0 + 5 − 1.
		{"app exits 1 s after SIGTERM", nil, Pair{4, 4}},
		{"app drains for R", func(in *Input) { in.Workload.AppShutdown = seconds(5) }, Pair{0, 0}},
		// t_close = 12, t_exit = 13: min(12, L) + 5 − 13 = 4 in both columns.
		{"S = L typical", func(in *Input) { in.Workload.PreStop = 12 }, Pair{4, 4}},
		// S < G: K = G = 30 = t_exit; t_close = 29: min(29, 12) + 5 − 30 < 0,
		// worst min(29, 30) + 5 − 30 = 4.
		{"G = S + 1", func(in *Input) { in.Workload.PreStop, in.Workload.AppShutdown = 29, seconds(20) }, Pair{0, 4}},
		// S = G: the kubelet grants 2 s more, K = 32; 30 + 5 − 32 = 3 worst.
		{"G = S", func(in *Input) { in.Workload.PreStop, in.Workload.AppShutdown = 30, seconds(20) }, Pair{0, 3}},
		// R6, G = S + A = 50: t_exit = 50 ≥ 30 + 5.
		{"G = S + A", func(in *Input) {
			in.Workload.PreStop, in.Workload.AppShutdown, in.Workload.Grace = 30, seconds(20), seconds(50)
		}, Pair{0, 0}},
	})
	t.Run("fix", func(t *testing.T) {
		in := alb()
		in.Workload.PreStop, in.Workload.AppShutdown = 30, seconds(20)
		if w := W2(in); w.Fix != graceField {
			t.Errorf("SIGKILL cuts the app: the fix is G, not %q", w.Fix)
		}
		if w := W2(alb()); w.Fix != preStopField {
			t.Errorf("the app exits on its own: the fix is S, not %q", w.Fix)
		}
	})
}

func TestW3(t *testing.T) {
	delay := func(d float64) func(*Input) {
		return func(in *Input) { in.LoadBalancer.DeregistrationDelay = seconds(d) }
	}
	runWindow(t, W3, alb, []windowCase{
		{"D = 300", nil, Pair{0, 0}},
		{"D = P worst + R", delay(33), Pair{0, 0}},
		{"D one short of P worst + R", delay(32), Pair{0, 1}},
		{"D = P + R typical", delay(15), Pair{0, 18}},
		{"D = 0", delay(0), Pair{15, 33}},
		// Unknown D: the ELB default, 300 s.
		{"D unknown", func(in *Input) { in.LoadBalancer.DeregistrationDelay = nil }, Pair{0, 0}},
		{"instance targets", func(in *Input) { delay(0)(in); in.LoadBalancer.TargetType = TargetInstance }, Pair{0, 0}},
	})
	runWindow(t, W3, nlb, []windowCase{
		{"NLB without connection termination", delay(0), Pair{0, 0}},
		// P + R − D = 120 + 5 − 0, 180 + 5 − 0.
		{"NLB with connection termination", func(in *Input) {
			delay(0)(in)
			in.LoadBalancer.ConnectionTermination = true
		}, Pair{125, 185}},
	})
	if f := W3(nlb()).Fix; f != "metadata.annotations[service.beta.kubernetes.io/aws-load-balancer-target-group-attributes]: deregistration_delay.timeout_seconds" {
		t.Errorf("NLB Service: D is fixed by %q", f)
	}
}

func TestW4(t *testing.T) {
	keepAlive := func(k float64) Window {
		in := alb()
		in.Workload.KeepAliveTimeout = k
		return W4(in)
	}
	if w := keepAlive(75); w.Violated != "" {
		t.Errorf("75 s > 60 s should hold: %q", w.Violated)
	}
	if w := keepAlive(60); w.Violated != "app keep-alive ≤ ALB idle timeout: 60 ≤ 60" {
		t.Errorf("60 s = 60 s should fail: %q", w.Violated)
	}
	if w := keepAlive(0); w.Violated != "" || w.Note == "" {
		t.Errorf("an unknown keep-alive is not judged: %+v", w)
	}
	if w := W4(nlb()); w.Violated != "" || !w.Static {
		t.Errorf("W4 is an ALB check: %+v", w)
	}
}

func TestW5(t *testing.T) {
	runWindow(t, W5, alb, []windowCase{
		// δ + Reg + h·I − M − min(L, t_close) = 2 + 3 + 7.5 − 0 − 0; worst 2 + 8 + 15.
		{"no gate", nil, Pair{12.5, 25}},
		// min(L, t_close) = 12 in both columns: 0.5, and 25 − 12 = 13.
		{"S = L typical", func(in *Input) { in.Workload.PreStop = 12 }, Pair{0.5, 13}},
		{"S = L worst", func(in *Input) { in.Workload.PreStop = 30 }, Pair{0.5, 0}},
		{"S = L worst and M closes it", func(in *Input) {
			in.Workload.PreStop, in.Workload.Strategy.MinReadySeconds = 30, 0.5
		}, Pair{0, 0}},
		{"gate", func(in *Input) { in.LoadBalancer.ReadinessGate = true }, Pair{0, 0}},
		{"gate label under Auto Mode", func(in *Input) {
			in.LoadBalancer.ReadinessGate, in.LoadBalancer.AutoMode = true, true
		}, Pair{12.5, 25}},
		// h = 2: the wait is I + U(0, I): 22.5 typical, 30 worst.
		{"two checks for a new target", func(in *Input) { in.LoadBalancer.HealthCheck.NewTargetChecks = 2 }, Pair{27.5, 40}},
		// TargetGroupBinding: AWS's interval 30: wait 15 typical, 30 worst.
		{"TargetGroupBinding", func(in *Input) { in.LoadBalancer.Front = FrontTargetGroupBinding }, Pair{20, 40}},
		// Gateway: interval 15, as the Ingress.
		{"Gateway route", func(in *Input) { in.LoadBalancer.Front = FrontGatewayRoute }, Pair{12.5, 25}},
		{"instance targets", func(in *Input) { in.LoadBalancer.TargetType = TargetInstance }, Pair{0, 0}},
	})
	in := alb()
	in.LoadBalancer.ReadinessGate, in.LoadBalancer.AutoMode = true, true
	if f := W5(in).Fix; f != minReadyField {
		t.Errorf("Auto Mode has no gates: the fix is minReadySeconds, not %q", f)
	}
	if f := W5(alb()).Fix; f != readinessGateField {
		t.Errorf("the fix is the gate label, not %q", f)
	}
}

func TestW6(t *testing.T) {
	ten := func() Input { return workedExample(ALB, 10) }
	runWindow(t, W6, ten, []windowCase{
		// s = 3, u = 2: ⌈8/5⌉·10 = 20; T_r + H = 22.5 (35 worst).
		{"N = 10", nil, Pair{2.5, 15}},
		// ⌈8/5⌉·(10 + 1.25) = 22.5 = T_r + H: the boundary.
		{"M closes the typical gap", func(in *Input) { in.Workload.Strategy.MinReadySeconds = 1.25 }, Pair{0, 12.5}},
		// maxUnavailable 100 %: every old pod goes at 0, ⌈0/13⌉ = 0 steps.
		{"maxUnavailable 100 %", func(in *Input) {
			in.Workload.Strategy.MaxUnavailable = &IntOrPercent{Value: 100, Percent: true}
		}, Pair{22.5, 35}},
		// No probe: Ready at creation, T_r = 0, one step of 0 s; the check
		// passes only once the app serves: max(0 + 2 + 3, 10) + 7.5 = 17.5,
		// worst max(10, 10) + 15 = 25.
		{"no probe", func(in *Input) { in.Workload.Probe = nil }, Pair{17.5, 25}},
		{"gate", func(in *Input) { in.LoadBalancer.ReadinessGate = true }, Pair{0, 0}},
	})
	w := W6(ten())
	if w.Share != 1 || w.Count != 1 || !near(w.FailedRequests.Typical, 250) {
		t.Errorf("a full outage fails every request: %+v", w)
	}
}

func TestW7(t *testing.T) {
	instance := func() Input {
		in := alb()
		in.LoadBalancer.TargetType = TargetInstance
		return in
	}
	// e + k − t_close: 1 + 1, worst 1 + 30 (a full kube-proxy resync).
	runWindow(t, W7, instance, []windowCase{
		{"no preStop", nil, Pair{2, 31}},
		{"S = e + k", func(in *Input) { in.Workload.PreStop = 2 }, Pair{0, 29}},
		{"S covers a resync, but G cuts it at 30", func(in *Input) { in.Workload.PreStop = 31 }, Pair{0, 1}},
		{"S covers a resync", func(in *Input) { in.Workload.PreStop, in.Workload.Grace = 31, seconds(60) }, Pair{0, 0}},
		{"externalTrafficPolicy Local (W7b instead)", func(in *Input) { in.LoadBalancer.ExternalTrafficPolicyLocal = true }, Pair{0, 0}},
		{"ip targets", func(in *Input) { in.LoadBalancer.TargetType = TargetIP }, Pair{0, 0}},
		// A Classic ELB registers nodes whatever the input says.
		{"Classic ELB", func(in *Input) { in.LoadBalancer.Kind, in.LoadBalancer.TargetType = Classic, TargetIP }, Pair{2, 31}},
	})
}

func TestW7b(t *testing.T) {
	local := func(kind Kind) func() Input {
		return func() Input {
			in := workedExample(kind, 3)
			in.LoadBalancer.TargetType, in.LoadBalancer.ExternalTrafficPolicyLocal = TargetInstance, true
			return in
		}
	}
	// NLB, eTP Local health check 10/6/2/2: e + k + Uc·I + lag =
	// 1 + 1 + 20 + 35 = 57; worst 1 + 30 + 20 + 40 = 91.
	runWindow(t, W7b, local(NLB), []windowCase{
		{"NLB", nil, Pair{57, 91}},
		{"NLB S = 57", func(in *Input) { in.Workload.PreStop, in.Workload.Grace = 57, seconds(90) }, Pair{0, 34}},
	})
	// ALB (interval 15, unhealthy 2), no lag: 2 + 30 = 32; worst 31 + 30 = 61.
	runWindow(t, W7b, local(ALB), []windowCase{{"ALB", nil, Pair{32, 61}}})
}

func TestW8(t *testing.T) {
	instance := func(kind Kind) func() Input {
		return func() Input {
			in := workedExample(kind, 3)
			in.LoadBalancer.TargetType = TargetInstance
			return in
		}
	}
	// A plain drain: Uc·I + T = 2·15 + 5 = 35 behind an ALB (§5.4 "ALB 35 s").
	runWindow(t, W8, instance(ALB), []windowCase{
		{"plain drain", nil, Pair{35, 35}},
		// Excluded first: δ + P + R − kept = 2 + 10 + 5, worst 2 + 28 + 5.
		{"Cluster Autoscaler", func(in *Input) { in.Platform.ClusterAutoscaler = true }, Pair{17, 35}},
		{"Karpenter, node kept δ + P worst + R", func(in *Input) {
			in.Platform.Karpenter, in.Platform.NodeKeepAlive = true, 35
		}, Pair{0, 0}},
		{"ip targets", func(in *Input) { in.LoadBalancer.TargetType = TargetIP }, Pair{0, 0}},
	})
	// NLB: 3·10 + 10 + lag_nlb 35 (40) (§5.4 "NLB 40 s + lag").
	runWindow(t, W8, instance(NLB), []windowCase{{"NLB plain drain", nil, Pair{75, 80}}})
	in := instance(ALB)()
	in.Platform.Nodes = 5
	if w := W8(in); !near(w.FailureSeconds.Typical, 7) {
		t.Errorf("one node of 5 carries 1/5 of the traffic: 35/5 = 7, got %v", w.FailureSeconds)
	}
}

func TestW9(t *testing.T) {
	seed := func() Input { return seedValues(nlb()) }
	runWindow(t, W9, seed, []windowCase{
		{"no platform", nil, Pair{0, 0}},
		// Killed at 120 − 5 = 115 < t_close = 180: 122 − 115, 182 − 115.
		{"Spot", func(in *Input) { in.Platform.Spot = true }, Pair{7, 67}},
		{"Spot, notice handled at once", func(in *Input) { in.Platform.Spot, in.Platform.SpotNoticeLag = true, seconds(0) }, Pair{2, 62}},
		// Karpenter's node timeout 100 < G = 200 cuts at 100: 22, 82.
		{"Karpenter TGP", func(in *Input) {
			in.Platform.Karpenter, in.Platform.KarpenterTerminationGrace = true, 100
		}, Pair{22, 82}},
		// CA cuts G to 600, far beyond L.
		{"Cluster Autoscaler, G > 600", func(in *Input) {
			in.Platform.ClusterAutoscaler = true
			in.Workload.PreStop, in.Workload.Grace = 650, seconds(700)
		}, Pair{0, 0}},
	})
	// When the listener closes before the cut, W1 already counts the loss.
	in := nlb()
	in.Platform.Spot = true
	assertPair(t, "Spot under defaults", W9(in).Seconds, Pair{0, 0})
	in = seed()
	in.Platform.Karpenter, in.Platform.KarpenterTerminationGrace = true, 100
	if f := W9(in).Fix; f != nodePoolGraceField {
		t.Errorf("Karpenter's cut is fixed by %q", f)
	}
}

func TestWindowsOrder(t *testing.T) {
	var ids []string
	for _, w := range Windows(alb()) {
		ids = append(ids, w.ID)
	}
	want := []string{"W1", "W2", "W3", "W4", "W5", "W6", "W7", "W7b", "W8", "W9"}
	if len(ids) != len(want) {
		t.Fatalf("windows %v", ids)
	}
	for i := range want {
		if ids[i] != want[i] {
			t.Fatalf("windows %v; want %v", ids, want)
		}
	}
}

func TestSourcesResolve(t *testing.T) {
	in := alb()
	in.Platform = Platform{Spot: true, ClusterAutoscaler: true, ManagedNodeGroup: true, Karpenter: true, KarpenterTerminationGrace: 10}
	x := Explain(in)
	var ids []string
	for _, l := range x.Latencies {
		ids = append(ids, l.Sources...)
	}
	for _, w := range x.Windows {
		ids = append(ids, w.Sources...)
	}
	for _, c := range x.Checks {
		ids = append(ids, c.Sources...)
	}
	for _, id := range ids {
		if _, ok := SourceRef(id); !ok {
			t.Errorf("source %q has no reference", id)
		}
	}
}
