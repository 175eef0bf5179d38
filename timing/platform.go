package timing

import (
	"fmt"
	"math"
)

// Check is a progress, cost or platform check of docs/timing.md §5.4 and
// §6.1: no requests fail, but a rollout stalls, a drain gives up or a node is
// never reclaimed. Limit is 0 for a figure that is only reported.
type Check struct {
	ID      string
	Name    string
	OK      bool
	Value   Pair
	Limit   float64
	Text    string
	Sources []string
}

// Checks is the checks that apply to one input.
func Checks(in Input) []Check {
	m := resolve(in)
	return m.checks()
}

func (m *model) checks() []Check {
	checks := []Check{m.progressCheck(), m.rolloutDuration(), m.terminating()}
	p := m.platform
	if p.ClusterAutoscaler {
		checks = append(checks, m.caGrace(), m.caEviction())
	}
	if p.ManagedNodeGroup {
		checks = append(checks, m.nodeGroupDrain())
	}
	if p.Spot {
		checks = append(checks, m.spotRouting(), m.spotExit())
	}
	if p.Karpenter && sec(p.KarpenterTerminationGrace) > 0 {
		checks = append(checks, m.karpenterGrace())
	}
	return checks
}

// perStep is one rollout step, creation until Available: T_r + (gate ? H + Q : 0) + M.
func (m *model) perStep(col *column) float64 {
	return m.replaced(col) + m.minReady
}

func (m *model) pairOf(f func(*column) float64) Pair {
	return Pair{f(m.col(Typical)), f(m.col(Worst))}
}

// limited is a check that holds when the worst value stays within the limit;
// strict for "<" limits.
func limited(c Check, strict bool) Check {
	c.OK = c.Value.Worst <= c.Limit
	if strict {
		c.OK = c.Value.Worst < c.Limit
	}
	return c
}

func (m *model) progressCheck() Check {
	step := m.pairOf(m.perStep)
	return limited(Check{
		ID: "progress-deadline", Name: "one rollout step within progressDeadlineSeconds",
		Value: step, Limit: m.pd,
		Text:    fmt.Sprintf("T_r + (gate ? H + Q : 0) + M = %s s (%s s worst) < progressDeadlineSeconds %s", num(step.Typical), num(step.Worst), num(m.pd)),
		Sources: []string{"k8s:deployment", "LBC:requeue"},
	}, true)
}

func (m *model) rolloutDuration() Check {
	steps := float64(ceilDiv(m.n, m.surge+m.unavail))
	d := m.pairOf(func(c *column) float64 { return steps * m.perStep(c) })
	return Check{
		ID: "rollout-duration", Name: "rollout time", OK: true, Value: d,
		Text:    fmt.Sprintf("⌈N/(s + u)⌉ × step = %s × step = %s s (%s s worst)", num(steps), num(d.Typical), num(d.Worst)),
		Sources: []string{"k8s:deployment", "derived"},
	}
}

func (m *model) terminating() Check {
	atOnce := func(c *column) float64 {
		step := m.perStep(c)
		if step == 0 {
			return float64(m.n)
		}
		return math.Min(float64(m.n), math.Ceil(m.tExit/step))
	}
	pods := m.pairOf(atOnce)
	return Check{
		ID: "terminating", Name: "time a pod stays Terminating", OK: true, Value: Pair{m.tExit, m.tExit},
		Text: fmt.Sprintf("t_exit = min(S + A, K) = %s s; pods Terminating at once ≈ min(N, ⌈t_exit / step⌉) = %s (%s worst); %s pod-seconds per rollout",
			num(m.tExit), num(pods.Typical), num(pods.Worst), num(float64(m.n)*m.tExit)),
		Sources: []string{"k8s:pod-lifecycle", "derived"},
	}
}

func (m *model) caGrace() Check {
	return limited(Check{
		ID: "CA-grace-600s", Name: "Cluster Autoscaler keeps the grace period",
		Value: Pair{m.g, m.g}, Limit: 600,
		Text:    fmt.Sprintf("G = %s ≤ --max-graceful-termination-sec 600, or the evictor cuts it", num(m.g)),
		Sources: []string{"CA:flags"},
	}, false)
}

// replaced is how long after its creation a replacement counts for the
// budget, so that an eviction the budget refused may go: T_r, and with a
// gate H + Q more (docs/timing.md §5.4).
func (m *model) replaced(col *column) float64 { return m.ready + m.disruptionReady(col) }

// replacement is replaced in both columns.
func (m *model) replacement() Pair { return m.pairOf(m.replaced) }

func (m *model) caEviction() Check {
	c := Check{
		ID: "CA-eviction-120s", Name: "Cluster Autoscaler's eviction retry outlasts the budget's wait",
		Limit: 120, Sources: []string{"CA:flags", "k8s:disruption"},
	}
	if m.budget == noBudget {
		c.OK, c.Text = true, "no PDB: evictions are not held"
		return c
	}
	c.Value = m.replacement()
	c.Text = fmt.Sprintf("per replacement T_r + (gate ? H + Q : 0) = %s s (%s s worst) < --max-pod-eviction-time 120 s, or CA abandons the scale-down",
		num(c.Value.Typical), num(c.Value.Worst))
	return limited(c, true)
}

func (m *model) nodeGroupDrain() Check {
	c := Check{
		ID: "MNG-drain-900s", Name: "managed node group drains a node within 15 min",
		Limit: 900, Sources: []string{"MNG:update-behavior", "kubectl:drain"},
	}
	k := float64(m.podsPerNode)
	if m.budget == noBudget {
		c.Value = Pair{m.tExit, m.tExit}
		c.Text = fmt.Sprintf("no PDB: every pod evicted at once, the node empty after t_exit = %s s ≤ 900", num(m.tExit))
		return limited(c, false)
	}
	each := m.replacement()
	c.Value = Pair{k*(each.Typical+evictionRetry) + m.tExit, k*(each.Worst+evictionRetry) + m.tExit}
	fits := math.Floor((900 - m.tExit) / (each.Typical + evictionRetry))
	c.Text = fmt.Sprintf("k × (T_r + (gate ? H + Q : 0) + 5) + t_exit = %s × (%s + 5) + %s = %s s (%s s worst) ≤ 900; up to %s pods a node fit",
		num(k), num(each.Typical), num(m.tExit), num(c.Value.Typical), num(c.Value.Worst), num(math.Max(0, fits)))
	return limited(c, false)
}

func (m *model) spotRouting() Check {
	l := m.pairOf(func(c *column) float64 { return c.l })
	return limited(Check{
		ID: "Spot-routing-120s", Name: "the load balancer stops routing before a Spot node is gone",
		Value: l, Limit: m.spotKill,
		Text:    fmt.Sprintf("L = %s s (%s s worst) ≤ 120 − t_notice = %s; no preStop can close the rest", num(l.Typical), num(l.Worst), num(m.spotKill)),
		Sources: []string{"spot:notice"},
	}, false)
}

func (m *model) spotExit() Check {
	return limited(Check{
		ID: "Spot-exit-120s", Name: "the pod exits before a Spot node is gone",
		Value: Pair{m.tExit, m.tExit}, Limit: m.spotKill,
		Text:    fmt.Sprintf("t_exit = min(S + A, K) = %s ≤ 120 − t_notice = %s, or in-flight requests are cut", num(m.tExit), num(m.spotKill)),
		Sources: []string{"spot:notice"},
	}, false)
}

func (m *model) karpenterGrace() Check {
	tgp := sec(m.platform.KarpenterTerminationGrace)
	return limited(Check{
		ID: "Karpenter-TGP", Name: "Karpenter's terminationGracePeriod leaves the pod its grace period",
		Value: Pair{m.g, m.g}, Limit: tgp,
		Text:    fmt.Sprintf("G = %s ≤ NodePool terminationGracePeriod %s: pods are deleted at TGP − G", num(m.g), num(tgp)),
		Sources: []string{"karpenter:disruption"},
	}, false)
}
