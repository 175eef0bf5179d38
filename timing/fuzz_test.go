package timing

import (
	"math"
	"testing"
)

// Whatever the input, the model neither panics nor reports a negative or
// NaN window, total or check.
func FuzzExplain(f *testing.F) {
	f.Add(uint8(0), uint8(0), 3, 0.0, 30.0, 1.0, 0.0, 300.0, 5.0, 0.0, 10.0, false, 25, true, 25, true, 1)
	f.Add(uint8(1), uint8(1), 10, 180.0, 200.0, 20.0, 2.0, 30.0, 10.0, 5.0, 0.0, true, 0, false, 0, false, -1)
	f.Add(uint8(2), uint8(3), 0, math.NaN(), math.Inf(1), -1.0, 1e300, -5.0, 0.0, math.Inf(-1), 1e12, true, -3, true, 1<<40, false, 0)
	f.Fuzz(func(t *testing.T, kind, front uint8, n int, s, g, a, c, d, r, minReady, period float64,
		gate bool, surge int, surgePct bool, unavailable int, unavailablePct bool, budget int) {
		in := Input{
			LoadBalancer: LoadBalancer{
				Kind:                []Kind{ALB, NLB, Classic, "x"}[kind%4],
				Front:               []Front{FrontIngress, FrontService, FrontTargetGroupBinding, FrontGatewayRoute}[front%4],
				TargetType:          []TargetType{TargetIP, TargetInstance, ""}[front%3],
				DeregistrationDelay: &d, ReadinessGate: gate, ConnectionTermination: gate,
				ExternalTrafficPolicyLocal: kind%2 == 0,
			},
			Workload: Workload{
				Replicas: n % 200, PreStop: s, Grace: &g, AppShutdown: &a, AcceptAfterSIGTERM: c,
				Probe: &Probe{Period: period, InitialDelay: minReady},
				Strategy: Strategy{
					MaxSurge:        &IntOrPercent{Value: surge, Percent: surgePct},
					MaxUnavailable:  &IntOrPercent{Value: unavailable, Percent: unavailablePct},
					MinReadySeconds: minReady,
				},
				FailHealthFirst: gate,
			},
			Traffic:  Traffic{RequestSeconds: r, RPS: a},
			Platform: Platform{Spot: true, ClusterAutoscaler: true, ManagedNodeGroup: gate, Karpenter: true, KarpenterTerminationGrace: s, PodsPerNode: budget},
		}
		if budget >= 0 {
			in.Workload.Budget = &Budget{MaxUnavailable: IntOrPercent{Value: budget % 5}}
		}
		x := Explain(in)
		bad := func(v float64) bool { return v < 0 || math.IsNaN(v) || math.IsInf(v, 0) }
		for _, w := range x.Windows {
			for _, v := range []float64{w.Seconds.Typical, w.Seconds.Worst, w.FailureSeconds.Typical, w.FailureSeconds.Worst, w.FailedRequests.Typical, w.FailedRequests.Worst, w.Share} {
				if bad(v) {
					t.Fatalf("%s: %+v", w.ID, w)
				}
			}
		}
		for _, v := range []float64{x.Refused.Typical, x.Refused.Worst, x.InFlight.Worst, x.FailedRequests.Worst} {
			if bad(v) {
				t.Fatalf("totals: %+v", x)
			}
		}
		for _, c := range x.Checks {
			if bad(c.Value.Typical) || bad(c.Value.Worst) {
				t.Fatalf("check %s: %+v", c.ID, c)
			}
		}
	})
}
