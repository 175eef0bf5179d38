package timing

import "math"

// Pair is a typical and a worst value, in seconds (docs/timing.md §5.1).
type Pair struct{ Typical, Worst float64 }

// Latency is one row of the latency table (docs/timing.md §1.4, §2, §5.2).
type Latency struct {
	Name    string
	Symbol  string
	Typical float64 // seconds
	Worst   float64 // seconds
	Sources []string
	Note    string
}

func (l Latency) pair() Pair { return Pair{l.Typical, l.Worst} }

// The latencies that do not depend on the kind of load balancer.
var (
	endpointUpdate = Latency{
		Name: "pod deletion → EndpointSlice ready=false, terminating=true", Symbol: "e",
		Typical: 1, Worst: 5, Sources: []string{"k8s:endpointslice-batch", "derived"},
		Note: "worst only on a loaded control plane; the windows' worst column keeps δ typical (docs/timing.md §1.4, row L)",
	}
	lbcDeregistration = Latency{
		Name: "LBC queue + reconcile + DeregisterTargets", Symbol: "q",
		Typical: 1, Worst: 20, Sources: []string{"LBC:code", "derived"},
		Note: "worst under mass drains; up to 1000 s of back-off when the ELB API fails",
	}
	kubeProxyProgramming = Latency{
		Name: "kube-proxy programming (instance targets)", Symbol: "k",
		Typical: 1, Worst: 30, Sources: []string{"k8s:kube-proxy-flags"},
		Note: "worst is a full resync",
	}
	gatePoll = Latency{
		Name: "readiness-gate poll after the target turns healthy", Symbol: "Q",
		Typical: 7.5, Worst: 15, Sources: []string{"LBC:requeue"},
		Note: "uniform over the 15 s requeue",
	}
	nlbHealthLag = Latency{
		Name: "NLB: target unhealthy → new connections stop", Symbol: "lag_nlb",
		Typical: 35, Worst: 40, Sources: []string{"containers-roadmap#470"},
	}
)

// propagation is P, DeregisterTargets until the ELB stops routing new
// requests (docs/timing.md §1.3, §1.4).
var propagation = map[Kind]Latency{
	ALB: {
		Name: "ALB data-plane stop after DeregisterTargets", Symbol: "P",
		Typical: 10, Worst: 28,
		Sources: []string{"LBC#905", "LBC#1064", "LBC#1719", "glasskube-2025", "chalk-2020"},
	},
	NLB: {
		Name: "NLB data-plane stop after DeregisterTargets", Symbol: "P",
		Typical: 120, Worst: 180,
		Sources: []string{"aws:nlb-register-targets", "LBC#2366", "LBC#3270", "containers-roadmap#470"},
		Note:    "whatever D is",
	},
	// No one has measured the Classic ELB; its targets are nodes, so P only
	// counts when a node leaves (W8).
	Classic: {
		Name: "Classic ELB stop after deregistering a node", Symbol: "P",
		Typical: 10, Worst: 28, Sources: []string{"derived"},
		Note: "not measured: the ALB's values",
	},
}

// registration is Reg, RegisterTargets until the first health check
// (docs/timing.md §2, §5.2).
var registration = map[Kind]Latency{
	ALB: {
		Name: "ALB registration before the first health check", Symbol: "Reg",
		Typical: 3, Worst: 8, Sources: []string{"aws:alb-health-checks", "derived"},
	},
	NLB: {
		Name: "NLB registration before the first health check", Symbol: "Reg",
		Typical: 120, Worst: 300,
		Sources: []string{"LBC#1834", "LBC#1786", "elb-nlb-guide#11", "containers-roadmap#2511"},
		Note:    "maintainers measured 90–180 s and 4–5 min",
	},
	Classic: {
		Name: "Classic ELB registration (nodes are registered already)", Symbol: "Reg",
		Sources: []string{"derived"},
	},
}

// healthCheckDefaults are the health checks the owner of the target group
// writes when nothing sets them, and where they are read.
func healthCheckDefaults(lb LoadBalancer, target TargetType) (HealthCheck, string) {
	local := target == TargetInstance && lb.ExternalTrafficPolicyLocal
	switch {
	case lb.Kind == Classic:
		return HealthCheck{Interval: 10, Timeout: 5, HealthyThreshold: 2, UnhealthyThreshold: 6}, "k8s:legacy-elb-healthcheck"
	case lb.Front == FrontTargetGroupBinding:
		hc := HealthCheck{Interval: 30, Timeout: 6, HealthyThreshold: 5, UnhealthyThreshold: 2}
		if lb.Kind == NLB {
			hc.Timeout = 10
		}
		return hc, "aws:target-group-defaults"
	case local && lb.Kind == NLB:
		return HealthCheck{Interval: 10, Timeout: 6, HealthyThreshold: 2, UnhealthyThreshold: 2}, "LBC:service-healthcheck"
	case lb.Front == FrontGatewayRoute:
		return HealthCheck{Interval: 15, Timeout: 5, HealthyThreshold: 3, UnhealthyThreshold: 3}, "LBC:gateway-healthcheck"
	case lb.Kind == NLB:
		return HealthCheck{Interval: 10, Timeout: 10, HealthyThreshold: 3, UnhealthyThreshold: 3}, "LBC:service-healthcheck"
	default:
		return HealthCheck{Interval: 15, Timeout: 5, HealthyThreshold: 2, UnhealthyThreshold: 2}, "LBC:ingress-healthcheck"
	}
}

// Latencies is the latency table for one input: the rows of docs/timing.md
// §1.4 and §5.2 for its kind of load balancer, calibrated, and the derived
// rows δ, T_r, H and L as the windows use them.
func Latencies(in Input) []Latency {
	return resolve(in).latencies
}

// resolveLatencies picks the rows for the model's kind of load balancer,
// applies the calibration and computes both columns.
func (m *model) resolveLatencies(cal map[string]Pair) {
	e := calibrate(endpointUpdate, cal)
	q := calibrate(lbcDeregistration, cal)
	p := calibrate(propagation[m.kind], cal)
	reg := calibrate(registration[m.kind], cal)
	poll := calibrate(gatePoll, cal)
	k := calibrate(kubeProxyProgramming, cal)
	var lag Latency
	rows := []Latency{e, q, p, reg, poll, k}
	if m.kind == NLB {
		lag = calibrate(nlbHealthLag, cal)
		rows = append(rows, lag)
	}
	checks, interval := float64(m.hc.NewTargetChecks), m.hc.Interval
	for c := Typical; c <= Worst; c++ {
		pick := func(l Latency) float64 {
			if c == Worst {
				return l.Worst
			}
			return l.Typical
		}
		col := m.col(c)
		// Both columns keep δ typical, as docs/timing.md §1.4 does for L.
		col.e, col.q = e.Typical, q.Typical
		col.delta = col.e + col.q
		col.p, col.reg, col.gatePoll, col.k, col.lag = pick(p), pick(reg), pick(poll), pick(k), pick(lag)
		// The first check comes U(0, I) after registration: I/2 typical, I worst.
		col.hcWait = checks * interval
		if c == Typical {
			col.hcWait -= interval / 2
		}
		col.h, col.l = m.startAndStop(col)
	}
	ty, wo := m.col(Typical), m.col(Worst)
	rows = append(rows,
		Latency{Name: "Kubernetes and LBC part, e + q", Symbol: "δ", Typical: e.Typical + q.Typical, Worst: e.Worst + q.Worst,
			Sources: []string{"derived"}, Note: "the windows use the typical δ in both columns"},
		Latency{Name: "wait for the checks a new target must pass, h·I", Symbol: "h·I", Typical: ty.hcWait, Worst: wo.hcWait,
			Sources: []string{m.hcSource, "aws:alb-health-checks"}, Note: "U(0, I) for the first check"},
		Latency{Name: "pod creation → Ready by the readiness probe", Symbol: "T_r", Typical: m.ready, Worst: m.ready,
			Sources: []string{"k8s:probe", "derived"}},
		Latency{Name: "Ready → target healthy (ip) or reachable (instance)", Symbol: "H", Typical: ty.h, Worst: wo.h,
			Sources: []string{"derived"}},
		Latency{Name: "pod deletion → last new request it receives", Symbol: "L", Typical: ty.l, Worst: wo.l,
			Sources: []string{"derived"}},
	)
	if m.probe != nil {
		// A failing pod leaves the endpoints only after f·p (docs/timing.md §2).
		failures := m.probe.FailureThreshold
		if failures < 1 {
			failures = 3
		}
		notice := float64(min(failures, 1000)) * positiveOr(m.probe.Period, 10)
		rows = append(rows, Latency{Name: "a failing readiness probe noticed, f·p", Symbol: "f·p",
			Typical: notice, Worst: notice, Sources: []string{"k8s:probe"}})
	}
	m.latencies = rows
}

// startAndStop is H, how long after Ready a new pod takes traffic, and L,
// how long after deletion an old pod still gets new requests
// (docs/timing.md §1.4, §5.3, §5.4 W7, W7b and "fail health first").
func (m *model) startAndStop(col *column) (h, l float64) {
	if m.target == TargetInstance {
		// The node is registered already: the pod takes traffic once
		// kube-proxy knows it, and not before the app serves.
		h = math.Max(m.ready+col.e+col.k, m.appStart) - m.ready
		l = col.e + col.k
		if m.local {
			l += float64(m.hc.UnhealthyThreshold)*m.hc.Interval + col.lag
		}
		return h, l
	}
	// The first passing check cannot come before the app serves.
	h = math.Max(m.ready+col.delta+col.reg, m.appStart) + col.hcWait - m.ready
	l = col.delta + col.p
	if m.failHealthFirst {
		l = math.Min(l, float64(m.hc.UnhealthyThreshold)*m.hc.Interval+m.hc.Timeout+col.lag)
	}
	return h, l
}

// calibrate replaces a row's values by the user's, when given.
func calibrate(l Latency, cal map[string]Pair) Latency {
	p, ok := cal[l.Symbol]
	if !ok {
		return l
	}
	l.Typical, l.Worst = sec(p.Typical), sec(p.Worst)
	l.Sources = []string{"calibration"}
	l.Note = "calibrated"
	return l
}
