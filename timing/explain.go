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
}

// Explain computes the model for one workload behind one load balancer.
func Explain(in Input) Explanation {
	m := resolve(in)
	x := Explanation{
		Latencies: m.latencies,
		Windows:   m.windows(),
		Checks:    m.checks(),
		Notes:     m.notes,
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
