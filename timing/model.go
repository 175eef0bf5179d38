package timing

import (
	"fmt"
	"math"
)

// Case picks a column of the model: typical or worst.
type Case int

const (
	Typical Case = iota
	Worst
)

func (c Case) String() string {
	if c == Worst {
		return "worst"
	}
	return "typical"
}

// column is one column of the model: its latencies and the times derived
// from them (docs/timing.md §5.3).
type column struct {
	e, q, delta, p, reg, hcWait, gatePoll, k, lag float64

	h float64 // H: containers Ready → target healthy (ip) or reachable through kube-proxy (instance)
	l float64 // L: pod deletion → the last new request the pod receives
}

// model is an Input resolved: defaults filled in, latencies picked for the
// kind of load balancer, derived times computed.
type model struct {
	kind     Kind
	front    Front
	target   TargetType
	local    bool // instance targets with externalTrafficPolicy: Local
	gate     bool // a readiness gate holds each new pod until its target is healthy
	autoMode bool
	hc       HealthCheck
	hcSource string
	d        float64
	ct       bool
	idle     float64

	n, surge, unavail int
	s, g, a, c, r     float64
	minReady, pd      float64
	appStart          float64
	probe             *Probe
	ready             float64 // T_r: pod creation → containers Ready by the probe
	keepAlive         float64
	failHealthFirst   bool
	kill              float64 // K: G, or G + 2 when the preStop runs into G
	tClose            float64 // listener closed after deletion
	tExit             float64 // process gone after deletion
	budget            int     // the PDB's maxUnavailable, or noBudget
	rps               float64

	platform    Platform
	spotKill    float64 // 120 − t_notice
	podsPerNode int
	nodes       int

	cols      [2]column
	latencies []Latency
	notes     []string
}

const noBudget = -1

// maxReplicas bounds the simulation; larger workloads are simulated at this size.
const maxReplicas = 10000

// maxSeconds bounds every duration read from the input, so that sums stay finite.
const maxSeconds = 1e7

func (m *model) col(c Case) *column { return &m.cols[c] }

func resolve(in Input) model {
	lb := in.LoadBalancer
	m := model{front: lb.Front, ct: lb.ConnectionTermination, autoMode: lb.AutoMode}
	m.kind = lb.Kind
	if _, known := propagation[m.kind]; !known {
		m.note("load balancer kind %q unknown: taken as an ALB", string(lb.Kind))
		m.kind = ALB
	}
	m.target = lb.TargetType
	switch {
	case m.kind == Classic:
		if m.target == TargetIP {
			m.note("a Classic ELB registers nodes: instance targets")
		}
		m.target = TargetInstance
	case m.target == "" && lb.AutoMode:
		m.target = TargetIP
		m.note("target type not set: ip, the EKS Auto Mode default")
	case m.target == "":
		m.target = TargetInstance
		m.note("target type not set: instance, the LBC default")
	case m.target != TargetIP && m.target != TargetInstance:
		m.note("target type %q unknown: instance, the LBC default", string(m.target))
		m.target = TargetInstance
	}
	m.local = m.target == TargetInstance && lb.ExternalTrafficPolicyLocal
	m.gate = lb.ReadinessGate && m.target == TargetIP && !lb.AutoMode
	switch {
	case lb.ReadinessGate && lb.AutoMode:
		m.note("EKS Auto Mode has no readiness gates: nothing holds a rollout until the new targets are healthy")
	case lb.ReadinessGate && m.target != TargetIP:
		m.note("readiness gates hold only ip targets")
	}
	m.hc, m.hcSource = healthCheckDefaults(lb, m.target)
	m.hc = overlayHealthCheck(m.hc, lb.HealthCheck)
	if lb.DeregistrationDelay == nil {
		m.note("deregistration delay unknown: the ELB default of 300 s")
	}
	m.d = secOr(lb.DeregistrationDelay, 300)
	m.idle = positiveOr(lb.IdleTimeout, 60)

	m.resolveWorkload(in)
	m.resolvePlatform(in.Platform)
	m.resolveLatencies(in.Calibration)
	return m
}

func (m *model) resolveWorkload(in Input) {
	w := in.Workload
	m.n = w.Replicas
	if m.n < 1 {
		m.n = 1
	}
	if m.n > maxReplicas {
		m.note("%d replicas: simulated as %d", m.n, maxReplicas)
		m.n = maxReplicas
	}
	m.surge, m.unavail = rollingFenceposts(m.n, w.Strategy)
	m.s = sec(w.PreStop)
	m.g = secOr(w.Grace, 30)
	m.a = secOr(w.AppShutdown, 20)
	m.c = sec(w.AcceptAfterSIGTERM)
	m.appStart = positiveOr(w.AppStart, 10)
	m.probe = w.Probe
	m.ready = readyAfter(w.Probe, m.appStart)
	m.keepAlive = sec(w.KeepAliveTimeout)
	m.failHealthFirst = w.FailHealthFirst
	m.minReady = sec(w.Strategy.MinReadySeconds)
	m.pd = positiveOr(w.Strategy.ProgressDeadline, 600)
	m.r = positiveOr(in.Traffic.RequestSeconds, 5)
	m.rps = sec(in.Traffic.RPS)
	if w.Probe == nil {
		m.note("no readiness probe: the pod is Ready as soon as its containers start, taken as its creation")
	}

	// The kubelet grants 2 s more when the preStop is still running at G
	// (docs/timing.md §1.1); the listener cannot outlive the process.
	m.kill = m.g
	if m.s >= m.g {
		m.kill = m.g + 2
	}
	m.tExit = math.Min(m.s+m.a, m.kill)
	m.tClose = math.Min(math.Min(m.s, m.g)+m.c, m.tExit)

	m.budget = noBudget
	if w.Budget != nil {
		// The disruption controller rounds a percentage up.
		m.budget = w.Budget.MaxUnavailable.scaled(m.n, true)
	}
}

func (m *model) resolvePlatform(p Platform) {
	m.platform = p
	m.spotKill = math.Max(0, 120-secOr(p.SpotNoticeLag, 5))
	m.podsPerNode = max(1, min(p.PodsPerNode, m.n))
	m.nodes = p.Nodes
	if m.nodes < 1 {
		m.nodes = m.n
	}
}

// rollingFenceposts resolves maxSurge (rounded up) and maxUnavailable
// (rounded down) as the Deployment controller does; when both are 0 it
// makes maxUnavailable 1, as ResolveFenceposts does, or nothing would move.
func rollingFenceposts(n int, st Strategy) (surge, unavail int) {
	quarter := IntOrPercent{Value: 25, Percent: true}
	s, u := quarter, quarter
	if st.MaxSurge != nil {
		s = *st.MaxSurge
	}
	if st.MaxUnavailable != nil {
		u = *st.MaxUnavailable
	}
	surge, unavail = s.scaled(n, true), min(u.scaled(n, false), n)
	if surge == 0 && unavail == 0 {
		unavail = 1
	}
	return surge, unavail
}

// ceilDiv is ⌈a/b⌉ for a ≥ 0, b > 0.
func ceilDiv(a, b int) int { return (a + b - 1) / b }

// scaled is the count for n replicas, a percentage rounded up or down.
func (v IntOrPercent) scaled(n int, roundUp bool) int {
	x := min(max(v.Value, 0), 1_000_000)
	if !v.Percent {
		return x
	}
	if roundUp {
		return (n*x + 99) / 100
	}
	return n * x / 100
}

func overlayHealthCheck(base, set HealthCheck) HealthCheck {
	if v := sec(set.Interval); v > 0 {
		base.Interval = v
	}
	if v := sec(set.Timeout); v > 0 {
		base.Timeout = v
	}
	if set.HealthyThreshold > 0 {
		base.HealthyThreshold = min(set.HealthyThreshold, 10)
	}
	if set.UnhealthyThreshold > 0 {
		base.UnhealthyThreshold = min(set.UnhealthyThreshold, 10)
	}
	base.NewTargetChecks = min(max(set.NewTargetChecks, 1), 10)
	return base
}

// readyAfter is T_r = iD + p·⌈(T_app − iD)/p⌉ (docs/timing.md §2), plus one
// period for each further success the probe asks for.
func readyAfter(p *Probe, appStart float64) float64 {
	if p == nil {
		return 0
	}
	period := positiveOr(p.Period, 10)
	delay := sec(p.InitialDelay)
	periods := math.Max(0, math.Ceil((appStart-delay)/period))
	if p.SuccessThreshold > 1 {
		periods += float64(min(p.SuccessThreshold, 1000) - 1)
	}
	return delay + period*periods
}

func (m *model) note(format string, args ...any) {
	m.notes = append(m.notes, fmt.Sprintf(format, args...))
}

// sec is a duration read from the input: NaN, infinities and negative values
// count as unset (0); values past maxSeconds are held there.
func sec(x float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) || x < 0 {
		return 0
	}
	return math.Min(x, maxSeconds)
}

func secOr(p *float64, def float64) float64 {
	if p == nil {
		return def
	}
	return sec(*p)
}

func positiveOr(x, def float64) float64 {
	if x = sec(x); x == 0 {
		return def
	}
	return x
}
