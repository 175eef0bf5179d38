package timing

import "math"

// evictionRetry is how long kubectl waits before retrying an eviction that a
// budget refused (docs/timing.md §3).
const evictionRetry = 5

// Drain is the drain of one node that holds Platform.PodsPerNode of the
// workload's pods (docs/timing.md §5.3, "Drain loop"; §5.6 E5).
type Drain struct {
	Case Case
	// Evictions is when each of the workload's pods on the node is evicted.
	Evictions []float64
	// Empty is when the last of them has exited.
	Empty float64
	// Blocked: the budget allows no eviction at all (maxUnavailable 0).
	Blocked bool
	// Refused is the failure-seconds of refused requests: each evicted pod's
	// W1 (W7, W7b for instance targets) on its 1/N of the traffic.
	Refused float64
}

// DrainNode runs the drain loop: evictions go out for every pod at once; the
// budget admits them while healthy − 1 ≥ desired healthy, and a refused pod
// is retried every 5 s. A pod counts as healthy again once its replacement
// is Ready, which with a readiness gate means healthy in the target group.
func DrainNode(in Input, c Case) Drain {
	m := resolve(in)
	return m.drain(c)
}

func (m *model) drain(c Case) Drain {
	col := m.col(c)
	d := Drain{Case: c}
	k := m.podsPerNode
	switch {
	case m.budget == noBudget:
		d.Evictions = make([]float64, k)
	case m.budget <= 0:
		d.Blocked = true
		return d
	default:
		// Replacements are created at eviction; each Ready one frees a
		// disruption for the next retry, at the latest 5 s later.
		replaced := m.replaced(col)
		var ready []float64
		for i := range k {
			at := 0.0
			if i >= m.budget {
				at = ready[i-m.budget] + evictionRetry
			}
			d.Evictions = append(d.Evictions, at)
			ready = append(ready, at+replaced)
		}
	}
	refused := math.Max(0, col.l-m.tClose) / float64(m.n)
	for _, at := range d.Evictions {
		d.Empty = math.Max(d.Empty, at+m.tExit)
		d.Refused += refused
	}
	return d
}

// disruptionReady is how long after its containers are Ready a replacement
// counts for the budget: at once, or with a gate once its target is healthy
// and the gate flipped. The budget ignores minReadySeconds.
func (m *model) disruptionReady(col *column) float64 {
	if m.gate {
		return col.h + col.gatePoll
	}
	return 0
}
