package timing

import (
	"cmp"
	"math"
	"slices"
	"strconv"
)

// Happening is what an event of a rollout marks (docs/timing.md §5.3).
type Happening string

const (
	// The Deployment deletes old pods and creates new ones.
	RolloutStep Happening = "step"

	// An old pod and its target, from its deletion.
	Deleted         Happening = "deleted"
	EndpointRemoved Happening = "endpoint-removed" // EndpointSlice ready=false, terminating=true
	Deregistered    Happening = "deregistered"     // DeregisterTargets: the target is draining (ip)
	LastRequest     Happening = "last-request"     // the ELB routes no more new requests to it
	SIGTERM         Happening = "sigterm"          // the preStop is over, or cut at G
	ListenerClosed  Happening = "listener-closed"
	Exited          Happening = "exited"
	Killed          Happening = "killed"         // SIGKILL at the end of the grace period
	DrainingEnded   Happening = "draining-ended" // D is over: the target is unused (ip)

	// A new pod and its target, from its creation.
	Created         Happening = "created"
	ContainersReady Happening = "containers-ready" // the readiness probe passes
	Registered      Happening = "registered"       // RegisterTargets: the target is initial (ip)
	Healthy         Happening = "healthy"          // target healthy (ip), or reachable through kube-proxy (instance)
	GateReady       Happening = "gate-ready"       // the LBC flips the readiness gate: the pod is Ready
	Available       Happening = "available"        // Ready for minReadySeconds
)

// Event is one moment of a rollout: what happens to which pod, and when.
type Event struct {
	At   float64
	Pod  string // old-1 …, new-1 …; "" for the Deployment's own steps
	What Happening
}

// Span is a stretch of a rollout in which the load balancer's view is fixed.
type Span struct {
	From, To float64
	Routed   int // targets the load balancer sends new requests to
	Failing  int // of those, targets whose listener is closed
}

// Share is the failing share of new requests: all of them when no target is routed.
func (s Span) Share() float64 {
	if s.Routed == 0 {
		return 1
	}
	return float64(s.Failing) / float64(s.Routed)
}

// Rollout is the step simulation of a RollingUpdate for one column
// (docs/timing.md §5.3): the Deployment loop, each pod's and target's events,
// and what the load balancer routes in between.
type Rollout struct {
	Case         Case
	Events       []Event // in time order
	Spans        []Span  // from the start until the last change
	LastDeletion float64
	FirstHealthy float64
	Done         float64 // the last new pod is Available
	// Refused is ∫ failing share dt: failure-seconds of refused requests.
	Refused float64
	// FullOutage is the time in which every request fails: W6 as simulated.
	FullOutage float64
	// StartupGap is the longest time from a replaced target ceasing to serve
	// to its replacement turning healthy: W5 as simulated, over the old pods
	// deleted as a new pod turns Available (the u deleted at the start wait
	// for none).
	StartupGap float64
}

// SimulateRollout runs the step simulation of a rolling update.
func SimulateRollout(in Input, c Case) Rollout {
	m := resolve(in)
	return m.simulate(c)
}

// rolloutSim is the state of the Deployment loop: at the start it deletes u
// old pods and creates s + u new ones; each time a new pod is Available it
// deletes one old pod and creates one new pod while any are left to create
// (docs/timing.md §5.3).
type rolloutSim struct {
	m        *model
	col      *column
	r        Rollout
	deleted  []float64 // deletion time of each old pod
	created  []float64 // creation time of each new pod
	lastStep float64
	changes  []routeChange
}

// routeChange is a change in what the load balancer routes.
type routeChange struct {
	at              float64
	routed, failing int
}

func (m *model) simulate(c Case) Rollout {
	s := &rolloutSim{m: m, col: m.col(c), r: Rollout{Case: c}, lastStep: -1}
	s.step(0)
	for range min(m.unavail, m.n) {
		s.deleteOld(0)
	}
	for range min(m.surge+m.unavail, m.n) {
		s.createNew(0)
	}
	availableAfter := m.perStep(s.col)
	for i := 0; i < len(s.created); i++ {
		t := s.created[i] + availableAfter
		s.add(t, newPod(i), Available)
		if len(s.deleted) < m.n {
			s.step(t)
			s.deleteOld(t)
			// The replaced target stops serving; its replacement is pod i.
			stops := t + math.Min(s.col.l, m.tClose)
			s.r.StartupGap = math.Max(s.r.StartupGap, s.healthy(s.created[i])-stops)
		}
		if len(s.created) < m.n {
			s.step(t)
			s.createNew(t)
		}
		s.r.Done = t
	}
	s.r.FirstHealthy = s.healthy(s.created[0])
	s.r.LastDeletion = s.deleted[len(s.deleted)-1]
	s.route()
	s.r.Events = inTimeOrder(s.r.Events)
	return s.r
}

// inTimeOrder sorts events by time, those at one time in the order they
// were added (a pod's deletion before its SIGTERM); sorting indices keeps
// it O(n log n) without moving the events around.
func inTimeOrder(events []Event) []Event {
	order := make([]int, len(events))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		return cmp.Or(cmp.Compare(events[a].At, events[b].At), cmp.Compare(a, b))
	})
	sorted := make([]Event, len(events))
	for i, j := range order {
		sorted[i] = events[j]
	}
	return sorted
}

func (s *rolloutSim) add(at float64, pod string, what Happening) {
	s.r.Events = append(s.r.Events, Event{At: at, Pod: pod, What: what})
}

func (s *rolloutSim) step(t float64) {
	if t != s.lastStep {
		s.add(t, "", RolloutStep)
		s.lastStep = t
	}
}

func oldPod(i int) string { return "old-" + strconv.Itoa(i+1) }
func newPod(i int) string { return "new-" + strconv.Itoa(i+1) }

// deleteOld deletes the next old pod at t: the events of docs/timing.md §5.3.
func (s *rolloutSim) deleteOld(t float64) {
	m, col := s.m, s.col
	pod := oldPod(len(s.deleted))
	s.deleted = append(s.deleted, t)
	s.add(t, pod, Deleted)
	s.add(t+col.e, pod, EndpointRemoved)
	if m.target == TargetIP {
		s.add(t+col.delta, pod, Deregistered)
		s.add(t+col.delta+m.d, pod, DrainingEnded)
	}
	s.add(t+col.l, pod, LastRequest)
	s.add(t+math.Min(m.s, m.g), pod, SIGTERM)
	s.add(t+m.tClose, pod, ListenerClosed)
	if m.s+m.a > m.kill {
		s.add(t+m.tExit, pod, Killed)
	} else {
		s.add(t+m.tExit, pod, Exited)
	}
	// Routed until L; failing from the listener's close, if that comes first.
	if m.tClose < col.l {
		s.changes = append(s.changes, routeChange{t + m.tClose, 0, 1}, routeChange{t + col.l, -1, -1})
	} else {
		s.changes = append(s.changes, routeChange{t + col.l, -1, 0})
	}
}

// healthy is when the target of a new pod created at t turns healthy.
func (s *rolloutSim) healthy(t float64) float64 { return t + s.m.ready + s.col.h }

// createNew creates the next new pod at t.
func (s *rolloutSim) createNew(t float64) {
	m, col := s.m, s.col
	pod := newPod(len(s.created))
	s.created = append(s.created, t)
	s.add(t, pod, Created)
	s.add(t+m.ready, pod, ContainersReady)
	healthy := s.healthy(t)
	if m.target == TargetIP {
		s.add(t+m.ready+col.delta, pod, Registered)
	}
	s.add(healthy, pod, Healthy)
	if m.gate {
		s.add(healthy+col.gatePoll, pod, GateReady)
	}
	s.changes = append(s.changes, routeChange{healthy, 1, 0})
}

// route sweeps the changes into spans and integrates the failing share.
func (s *rolloutSim) route() {
	// Changes at one time are summed before a span is cut: their order does not matter.
	slices.SortFunc(s.changes, func(a, b routeChange) int { return cmp.Compare(a.at, b.at) })
	routed, failing, from := s.m.n, 0, 0.0
	for _, c := range s.changes {
		if c.at > from {
			s.addSpan(from, c.at, routed, failing)
			from = c.at
		}
		routed += c.routed
		failing += c.failing
	}
}

func (s *rolloutSim) addSpan(from, to float64, routed, failing int) {
	span := Span{From: from, To: to, Routed: routed, Failing: failing}
	s.r.Spans = append(s.r.Spans, span)
	share := span.Share()
	s.r.Refused += share * (to - from)
	if share == 1 {
		s.r.FullOutage += to - from
	}
}
