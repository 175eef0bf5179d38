package timing

import (
	"fmt"
	"math"
	"strconv"
)

// Window is one failure window of docs/timing.md §5.4: for how many seconds
// a share of the workload's new requests fail, why, and what closes it.
type Window struct {
	ID      string // W1 … W9, W7b
	Name    string
	Seconds Pair
	// Share is the part of the workload's requests that fail while the
	// window is open, and Count how often it opens: per rollout for W1–W7b
	// (once per old pod, each serving 1/N), per node for W8 and W9.
	Share          float64
	Count          int
	FailureSeconds Pair // Seconds × Share × Count (docs/timing.md §5.1)
	FailedRequests Pair // FailureSeconds × RPS
	// Violated is the inequality that fails, with its values; "" when it holds.
	Violated string
	Fix      string // the field or setting that closes the window
	Formula  string
	Sources  []string
	Static   bool // W4: a static check, not timed
	Note     string
}

// Windows is W1–W9 for one input, in a stable order (docs/timing.md §6.1).
func Windows(in Input) []Window {
	m := resolve(in)
	return m.windows()
}

func (m *model) windows() []Window {
	return []Window{m.w1(), m.w2(), m.w3(), m.w4(), m.w5(), m.w6(), m.w7(), m.w7b(), m.w8(), m.w9()}
}

// W1 is the time the ELB still routes new requests to a closed listener.
func W1(in Input) Window { m := resolve(in); return m.w1() }

// W2 is the start times of in-flight requests cut by the exit or SIGKILL.
func W2(in Input) Window { m := resolve(in); return m.w2() }

// W3 is the start times of long requests cut when draining ends.
func W3(in Input) Window { m := resolve(in); return m.w3() }

// W4 is the keep-alive race, a static check.
func W4(in Input) Window { m := resolve(in); return m.w4() }

// W5 is the start-up gap per replaced pod without readiness gates.
func W5(in Input) Window { m := resolve(in); return m.w5() }

// W6 is the full outage when a rollout ends before any new target is healthy.
func W6(in Input) Window { m := resolve(in); return m.w6() }

// W7 is W1 for instance targets with externalTrafficPolicy: Cluster.
func W7(in Input) Window { m := resolve(in); return m.w7() }

// W7b is W1 for instance targets with externalTrafficPolicy: Local.
func W7b(in Input) Window { m := resolve(in); return m.w7b() }

// W8 is the loss when a node leaves an instance target group.
func W8(in Input) Window { m := resolve(in); return m.w8() }

// W9 is the refused window that a platform's cut reopens.
func W9(in Input) Window { m := resolve(in); return m.w9() }

// perOldPod: the window opens once for each old pod, which serves 1/N.
func (m *model) perOldPod(w Window) Window {
	w.Share, w.Count = 1/float64(m.n), m.n
	return w
}

// measure fills the window's seconds from both columns; why gives the
// failing inequality of the first column where the window is open.
func (m *model) measure(w Window, length func(*column) float64, why func(*column) string) Window {
	ty, wo := m.col(Typical), m.col(Worst)
	w.Seconds = Pair{math.Max(0, length(ty)), math.Max(0, length(wo))}
	switch {
	case w.Seconds.Typical > 0:
		w.Violated = why(ty)
	case w.Seconds.Worst > 0:
		w.Violated = why(wo) + " (worst)"
	}
	w.FailureSeconds = w.Seconds.scale(w.Share * float64(w.Count))
	w.FailedRequests = w.FailureSeconds.scale(m.rps)
	return w
}

func (p Pair) scale(f float64) Pair { return Pair{p.Typical * f, p.Worst * f} }

// shut is a window that does not apply to this input.
func shut(w Window, why string) Window {
	w.Note = why
	return w
}

func (m *model) w1() Window {
	w := m.perOldPod(Window{
		ID: "W1", Name: "new requests refused: the ELB still routes to a closed listener",
		Fix:     preStopField,
		Formula: "W1 = max(0, L − t_close); L = δ + P, t_close = min(S, G) + c",
		Sources: append([]string{"k8s:pod-lifecycle"}, propagation[m.kind].Sources...),
	})
	if m.target != TargetIP {
		return shut(w, "instance targets: see W7, W7b")
	}
	return m.closedListener(w, "L")
}

// closedListener measures new requests routed to a closed listener,
// max(0, L − t_close), with L as the target type makes it (W1, W7, W7b).
func (m *model) closedListener(w Window, lastRequest string) Window {
	if m.s > m.g {
		w.Fix = graceField // the preStop is cut at G: G must grow first
	}
	return m.measure(w, func(c *column) float64 { return c.l - m.tClose },
		func(c *column) string {
			return fmt.Sprintf("min(S, G) + c < %s: %s + %s < %s", lastRequest, num(math.Min(m.s, m.g)), num(m.c), num(c.l))
		})
}

func (m *model) w2() Window {
	w := m.perOldPod(Window{
		ID: "W2", Name: "in-flight requests cut by the exit or SIGKILL (start times lost)",
		Fix:     preStopField,
		Formula: "W2 = max(0, min(t_close, L) + R − t_exit); t_exit = min(S + A, K), K = G, or G + 2 when the preStop runs into G",
		Sources: []string{"k8s:pod-lifecycle", "derived"},
	})
	if m.tExit == m.kill {
		w.Fix = graceField
	}
	return m.measure(w, func(c *column) float64 { return math.Min(m.tClose, c.l) + m.r - m.tExit },
		func(c *column) string {
			return fmt.Sprintf("t_exit < min(t_close, L) + R: %s < %s + %s", num(m.tExit), num(math.Min(m.tClose, c.l)), num(m.r))
		})
}

func (m *model) w3() Window {
	w := m.perOldPod(Window{
		ID: "W3", Name: "draining ends before long requests finish",
		Fix:     deregistrationDelayField(m.front, m.kind),
		Formula: "W3 = max(0, P + R − D), the D timer taken from the DeregisterTargets call (conservative)",
		Sources: append([]string{"aws:deregistration-delay"}, propagation[m.kind].Sources...),
	})
	switch {
	case m.target != TargetIP:
		return shut(w, "instance targets: a pod's deletion deregisters nothing")
	case m.kind == NLB && !m.ct:
		return shut(w, "NLB without connection_termination: D cuts no connection")
	}
	return m.measure(w, func(c *column) float64 { return c.p + m.r - m.d },
		func(c *column) string {
			return fmt.Sprintf("D < P + R: %s < %s + %s", num(m.d), num(c.p), num(m.r))
		})
}

func (m *model) w4() Window {
	w := Window{
		ID: "W4", Name: "keep-alive race: the ALB reuses a connection the app closes",
		Fix: keepAliveSetting, Static: true,
		Formula: "static: app keep-alive timeout > ALB idle timeout, and a graceful close after SIGTERM",
		Sources: []string{"aws:alb-idle-timeout"},
	}
	switch {
	case m.kind != ALB:
		return shut(w, "only an ALB reuses idle connections to targets")
	case m.keepAlive == 0:
		return shut(w, "not judged: the app's keep-alive timeout is unknown")
	case m.keepAlive <= m.idle:
		w.Violated = fmt.Sprintf("app keep-alive ≤ ALB idle timeout: %s ≤ %s", num(m.keepAlive), num(m.idle))
	}
	return w
}

// startupFix is what closes W5 and W6: a gate, or where there is none
// (EKS Auto Mode), minReadySeconds.
func (m *model) startupFix() string {
	if m.autoMode {
		return minReadyField
	}
	return readinessGateField
}

func (m *model) startupSources() []string {
	return append([]string{"aws:alb-health-checks", m.hcSource}, registration[m.kind].Sources...)
}

func (m *model) w5() Window {
	// A replaced target that stops early only costs capacity: requests fail
	// when no target is left, which W6 counts.
	w := Window{
		ID: "W5", Name: "start-up gap per replaced pod: the old target stops before the new one is healthy",
		Count: m.n, Fix: m.startupFix(),
		Formula: "W5 = max(0, δ + Reg + h·I − M − min(L, t_close))",
		Sources: m.startupSources(),
		Note:    "capacity only: requests fail when no target is left (W6)",
	}
	if reason := m.noStartupRace(); reason != "" {
		return shut(w, reason)
	}
	return m.measure(w, func(c *column) float64 { return c.h - m.minReady - math.Min(c.l, m.tClose) },
		func(c *column) string {
			return fmt.Sprintf("M + min(L, t_close) < δ + Reg + h·I: %s + %s < %s", num(m.minReady), num(math.Min(c.l, m.tClose)), num(c.h))
		})
}

// lastDeletion is when the rollout deletes its last old pod:
// ⌈(N − u)/(s + u)⌉ steps of T_r + M (docs/timing.md §5.4 W6).
func (m *model) lastDeletion() float64 {
	steps := ceilDiv(m.n-m.unavail, m.surge+m.unavail)
	return float64(steps) * (m.ready + m.minReady)
}

func (m *model) w6() Window {
	w := Window{
		ID: "W6", Name: "the rollout finishes before any new target is healthy (full outage)",
		Share: 1, Count: 1, Fix: m.startupFix(),
		Formula: "W6 = max(0, T_r + H − ⌈(N − u)/(s + u)⌉·(T_r + M) − min(L, t_close))",
		Sources: m.startupSources(),
	}
	if reason := m.noStartupRace(); reason != "" {
		if m.gate && m.unavail >= m.n {
			reason = "the gate holds no step when maxUnavailable deletes every old pod at once: the simulated rollout counts that outage"
		}
		return shut(w, reason)
	}
	last := m.lastDeletion()
	return m.measure(w, func(c *column) float64 { return m.ready + c.h - last - math.Min(c.l, m.tClose) },
		func(c *column) string {
			return fmt.Sprintf("first new target healthy after the last old one stops: T_r + H > ⌈(N − u)/(s + u)⌉·(T_r + M) + min(L, t_close): %s + %s > %s + %s",
				num(m.ready), num(c.h), num(last), num(math.Min(c.l, m.tClose)))
		})
}

func (m *model) noStartupRace() string {
	switch {
	case m.target != TargetIP:
		return "instance targets: the nodes stay registered and healthy"
	case m.gate:
		return "the readiness gate holds each step until the new target is healthy"
	}
	return ""
}

func (m *model) w7() Window {
	w := m.perOldPod(Window{
		ID: "W7", Name: "instance targets (externalTrafficPolicy: Cluster): kube-proxy still forwards to a closed listener",
		Fix:     preStopField,
		Formula: "W7 = max(0, e + k − t_close)",
		Sources: []string{"k8s:endpointslice-batch", "k8s:kube-proxy-flags"},
	})
	if m.target != TargetInstance || m.local {
		return shut(w, "only instance targets with externalTrafficPolicy: Cluster")
	}
	return m.closedListener(w, "e + k")
}

func (m *model) w7b() Window {
	w := m.perOldPod(Window{
		ID: "W7b", Name: "instance targets (externalTrafficPolicy: Local): the node is routed until its health check fails",
		Fix:     preStopField,
		Formula: "W7b = max(0, e + k + Uc·I + lag − t_close), lag = lag_nlb behind an NLB",
		Sources: []string{"k8s:kube-proxy-flags", m.hcSource, "containers-roadmap#470"},
	})
	if !m.local {
		return shut(w, "only instance targets with externalTrafficPolicy: Local")
	}
	return m.closedListener(w, "e + k + Uc·I + lag")
}

// excludesNodes: these platforms taint or label a node before removing it,
// and the LBC then drops it from instance target groups (docs/timing.md §1.2, §3).
func (p Platform) excludesNodes() bool {
	return p.ClusterAutoscaler || p.Karpenter || p.ManagedNodeGroup
}

func (m *model) w8() Window {
	w := Window{
		ID: "W8", Name: "node removal behind instance targets",
		Share: 1 / float64(m.nodes), Count: 1,
	}
	if m.target != TargetInstance {
		return shut(w, "ip targets: nodes are not targets")
	}
	if m.platform.excludesNodes() {
		w.Fix, w.Formula = nodeKeepAlive, "W8 = max(0, δ + P + R − time the node keeps forwarding after its exclusion)"
		w.Sources = append([]string{"LBC:code"}, propagation[m.kind].Sources...)
		keep := sec(m.platform.NodeKeepAlive)
		return m.measure(w, func(c *column) float64 { return c.delta + c.p + m.r - keep },
			func(c *column) string {
				return fmt.Sprintf("node kept < δ + P + R after its exclusion: %s < %s + %s + %s", num(keep), num(c.delta), num(c.p), num(m.r))
			})
	}
	// A plain drain and terminate: only the health check notices the node is gone.
	w.Fix, w.Formula = nodeExclusionFlow, "W8 = Uc·I + T (+ lag_nlb behind an NLB)"
	w.Sources = []string{m.hcSource, "containers-roadmap#470"}
	unhealthy := float64(m.hc.UnhealthyThreshold)*m.hc.Interval + m.hc.Timeout
	return m.measure(w, func(c *column) float64 { return unhealthy + c.lag },
		func(c *column) string {
			return fmt.Sprintf("node terminated without exclusion: the ELB notices after Uc·I + T + lag = %s + %s", num(unhealthy), num(c.lag))
		})
}

// platformCut is a time after deletion at which a platform ends the pod
// whatever S and G say (docs/timing.md §5.4 W9).
type platformCut struct {
	at         float64
	inequality string
	fix        string
	source     string
}

func (m *model) platformCuts() []platformCut {
	var cuts []platformCut
	if m.platform.Spot {
		cuts = append(cuts, platformCut{m.spotKill, "L > 120 − t_notice", onDemandSetting, "spot:notice"})
	}
	if m.platform.ClusterAutoscaler && m.g > 600 {
		cuts = append(cuts, platformCut{math.Min(m.s, 600) + m.c, "G > 600, so SIGTERM at min(S, 600) + c < L", graceField, "CA:flags"})
	}
	if tgp := sec(m.platform.KarpenterTerminationGrace); m.platform.Karpenter && tgp > 0 && m.g > tgp {
		cuts = append(cuts, platformCut{tgp, "G > NodePool terminationGracePeriod < L", nodePoolGraceField, "karpenter:disruption"})
	}
	return cuts
}

func (m *model) w9() Window {
	w := Window{
		ID: "W9", Name: "platform cuts: Spot notice, Cluster Autoscaler's 600 s, Karpenter's terminationGracePeriod",
		Share: float64(m.podsPerNode) / float64(m.n), Count: 1,
		Formula: "W9 = max(0, L − cut) for each cut before t_close: Spot 120 − t_notice; CA min(S, 600) + c when G > 600; Karpenter TGP",
	}
	cuts := m.platformCuts()
	if len(cuts) == 0 {
		return shut(w, "no platform cut applies")
	}
	// The cut that costs most, in a column; one that comes after the
	// listener closes changes nothing W1 does not already count.
	worstCut := func(c *column) (platformCut, float64) {
		var pick platformCut
		longest := 0.0
		for _, cut := range cuts {
			if cut.at < m.tClose && c.l-cut.at > longest {
				pick, longest = cut, c.l-cut.at
			}
		}
		return pick, longest
	}
	for _, cut := range cuts {
		w.Sources = append(w.Sources, cut.source)
	}
	w.Fix = cuts[0].fix
	w = m.measure(w, func(c *column) float64 { _, v := worstCut(c); return v },
		func(c *column) string {
			cut, _ := worstCut(c)
			return fmt.Sprintf("%s: %s > %s", cut.inequality, num(c.l), num(cut.at))
		})
	if w.Violated != "" {
		failing := m.col(Typical)
		if w.Seconds.Typical == 0 {
			failing = m.col(Worst)
		}
		cut, _ := worstCut(failing)
		w.Fix = cut.fix
	}
	return w
}

// num prints seconds to the hundredth, without trailing zeros.
func num(x float64) string {
	return strconv.FormatFloat(math.Round(x*100)/100, 'f', -1, 64)
}
