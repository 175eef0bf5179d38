package timing

// Explanation is everything the model says about one workload behind one
// load balancer (docs/timing.md §6): the latencies it used, the windows, the
// simulated rollout and drain for the timeline, the checks, and the totals.
type Explanation struct {
	Latencies []Latency
	Windows   []Window   // W1–W9 in a stable order
	Rollout   [2]Rollout // by Case
	Drain     [2]Drain   // by Case
	Checks    []Check
	// Refused is the failure-seconds of refused requests per rollout, from
	// the simulation: W1, W5 and W6 together, each second counted once.
	Refused Pair
	// InFlight is the failure-seconds of cut in-flight requests per rollout,
	// W2 and W3: a bound, as if every request lasted R.
	InFlight Pair
	// FailureSeconds is Refused + InFlight; FailedRequests is that × RPS.
	FailureSeconds Pair
	FailedRequests Pair
	// Notes are the assumptions the model made for this input.
	Notes []string
	// Parameters are the values the model took, defaults filled in.
	Parameters Parameters
}

// Parameters are the input's values as the model took them (docs/timing.md
// §5.2), defaults filled in: what a report quotes beside the windows.
type Parameters struct {
	Target         TargetType // the target type: a Classic ELB's, or an unset one, resolved
	Gate           bool       // a readiness gate holds each new pod until its target is healthy
	PreStop        float64    // S
	Grace          float64    // G
	Shutdown       float64    // A
	Kill           float64    // K: G, or G + 2 when the preStop runs into G
	RequestSeconds float64    // R
	SpotKill       float64    // 120 − t_notice: when a Spot node is gone after the pod's deletion
}

// Explain computes the model for one workload behind one load balancer.
func Explain(in Input) Explanation {
	m := resolve(in)
	x := Explanation{
		Latencies: m.latencies,
		Windows:   m.windows(),
		Checks:    m.checks(),
		Notes:     m.notes,
		Parameters: Parameters{
			Target: m.target, Gate: m.gate, PreStop: m.s, Grace: m.g, Shutdown: m.a, Kill: m.kill,
			RequestSeconds: m.r, SpotKill: m.spotKill,
		},
	}
	for _, c := range []Case{Typical, Worst} {
		x.Rollout[c] = m.simulate(c)
		x.Drain[c] = m.drain(c)
	}
	x.Refused = Pair{x.Rollout[Typical].Refused, x.Rollout[Worst].Refused}
	for _, w := range x.Windows {
		if w.ID == "W2" || w.ID == "W3" {
			x.InFlight = x.InFlight.add(w.FailureSeconds)
		}
	}
	x.FailureSeconds = x.Refused.add(x.InFlight)
	x.FailedRequests = x.FailureSeconds.scale(m.rps)
	return x
}

func (p Pair) add(q Pair) Pair { return Pair{p.Typical + q.Typical, p.Worst + q.Worst} }
