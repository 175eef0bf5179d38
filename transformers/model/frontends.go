package model

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/transformers/config"
)

// Frontend is one way an AWS load balancer reaches pods, as the LBC has one
// model builder per front end: the kinds of load balancer it makes. The
// inventory indexes each front end's objects into LoadBalancers and their
// Backends; the rules read the backends (target type, deregistration delay,
// health check) without asking which front end made them.
type Frontend struct {
	Name  string   // its directory of golden dumps: testdata/frontends/<Name>
	Order int      // where it is indexed among the front ends (the results' order follows)
	Kinds []LBKind // the load balancers it makes

	// Claim indexes obj when it is one of the front end's kinds (its load
	// balancers, and the classes and configurations they read), as the list
	// is read; false leaves it to the others. Index then makes the front
	// end's LoadBalancers and their Backends, once every object is claimed.
	Claim func(inv *Inventory, obj *fn.KubeObject, v *ObjectView) bool
	Index func(inv *Inventory, cfg config.Config, r *Report)

	// What it gives each of its backends: the effective target type ("ip" or
	// "instance"; "" when a target group made elsewhere decides), the health
	// check it names, the annotation that holds its target-group attributes
	// ("" when none does), and its deregistration delay as written, or as
	// the delays phase will write it unless plan is nil (known is false when
	// it cannot be seen from here, or bounds no pod's shutdown).
	TargetType    func(b *Backend) string
	HealthCheck   func(b *Backend) HealthCheck
	AttributesKey func(b *Backend) string
	Delay         func(b *Backend, cfg config.Config, plan *DelayPlan) (seconds int, known bool)
	// PlanDelays names, for the delays phase, where R2 settles lb's delay
	// and which; nil when R2 writes none (the Gateway API's are settled per
	// target group).
	PlanDelays func(lb *LoadBalancer, cfg config.Config, settle func(lb *LoadBalancer, holder *fn.KubeObject, key string, delay int))
	// SettleTargetGroups, when set, is called by the delays phase after
	// every backend's delay is settled: it settles the target groups the
	// front end sets once for several load balancers (the Gateway API's, per
	// Service), and the target type and delay of their backends.
	SettleTargetGroups func(inv *Inventory, cfg config.Config)

	// SetIPTargets makes one of its load balancers send to pod IPs, or
	// reports why it cannot (R1); nil where the front end does it per target
	// group, in SetIPTargetGroups, after every load balancer.
	SetIPTargets      func(lb *LoadBalancer, r *Report)
	SetIPTargetGroups func(inv *Inventory, r *Report)
	// SetDelay does for one of its load balancers what R2 does beyond the
	// delay settings the delays phase planned (which R2 writes for every
	// front end); SetTargetGroupDelays, per target group, after them all.
	SetDelay             func(lb *LoadBalancer, cfg config.Config, r *Report)
	SetTargetGroupDelays func(inv *Inventory, r *Report)

	// What a front end that sets target groups apart from its load
	// balancers (the Gateway API's TargetGroupConfigurations) says of them;
	// nil where it has none. TargetGroupObjects are the objects that set a
	// backend's target group, in front of its workloads besides its load
	// balancer and Service; OptOutObjects, each object of the run a user
	// opts out of that is neither a load balancer nor a Service;
	// HealthCheckHolder, the object that names a backend's health-check
	// path; DescribeFront names a backend's load balancer and what it
	// belongs to, for the Outcome ("" when nothing more than its load
	// balancer).
	TargetGroupObjects func(b *Backend) []*fn.KubeObject
	OptOutObjects      func(inv *Inventory) []*fn.KubeObject
	HealthCheckHolder  func(b *Backend) *ObjectView
	DescribeFront      func(b *Backend) string
}

// Frontends lists every front end, in the order the inventory indexes them
// (their Order). Each registers itself, with Register, when its package is
// initialised; transformers/frontends links them all in.
var Frontends []Frontend

// Register adds f to Frontends, in its Order. Call it from an init function.
func Register(f Frontend) {
	Frontends = append(Frontends, f)
	sort.SliceStable(Frontends, func(i, j int) bool { return Frontends[i].Order < Frontends[j].Order })
}

// frontendFor is the front end of kind k, which every kind has.
func frontendFor(k LBKind) *Frontend {
	for i, f := range Frontends {
		if slices.Contains(f.Kinds, k) {
			return &Frontends[i]
		}
	}
	panic("no front end makes " + string(k))
}

// claim offers obj to each front end, in order; false when none claims it.
func (inv *Inventory) claim(obj *fn.KubeObject, v *ObjectView) bool {
	for _, f := range Frontends {
		if f.Claim(inv, obj, v) {
			return true
		}
	}
	return false
}

// AddClaimed records obj as one of front end name's, in list order: its
// Index reads them from Claimed.
func (inv *Inventory) AddClaimed(name string, obj *fn.KubeObject) bool {
	inv.Claimed[name] = append(inv.Claimed[name], obj)
	return true
}

// FrontendOf is the front end that makes load balancers of kind k.
func FrontendOf(k LBKind) (Frontend, bool) {
	for _, f := range Frontends {
		for _, kind := range f.Kinds {
			if kind == k {
				return f, true
			}
		}
	}
	return Frontend{}, false
}

// Dump writes what the inventory holds of front end f, after the delays
// are settled: each load balancer, and what it gives each backend (target
// type, deregistration delay, health check) and the workloads behind it.
// It is "" when the list holds none of f's load balancers.
func (inv *Inventory) Dump(f Frontend, cfg config.Config) string {
	var b strings.Builder
	for _, lb := range inv.LoadBalancers {
		if fe, _ := FrontendOf(lb.Kind); fe.Name != f.Name {
			continue
		}
		id := lb.ID()
		fmt.Fprintf(&b, "%s %s %s/%s", lb.Kind, id.Kind, id.Namespace, id.Name)
		if lb.AutoMode {
			b.WriteString(" auto-mode")
		}
		if lb.Skipped {
			b.WriteString(" skipped")
		}
		b.WriteString("\n")
		for _, be := range lb.Backends {
			fmt.Fprintf(&b, "  backend %s/%s", be.Namespace, be.ServiceName)
			if len(be.Ports) > 0 {
				fmt.Fprintf(&b, " ports %s", strings.Join(be.Ports, ","))
			}
			if be.Service == nil {
				b.WriteString(" (Service not in the list)")
			}
			if be.Skipped() {
				b.WriteString(" skipped")
			}
			b.WriteString("\n")
			fmt.Fprintf(&b, "    target type %q\n", be.TargetType())
			if d, known := be.DeregistrationDelay(cfg); known {
				fmt.Fprintf(&b, "    deregistration delay %ds\n", d)
			} else {
				b.WriteString("    deregistration delay unknown\n")
			}
			if hc := be.HealthCheck(); hc != (HealthCheck{}) {
				fmt.Fprintf(&b, "    health check path %q port %q protocol %q\n", hc.Path, hc.Port, hc.Protocol)
			}
			for _, w := range be.Workloads {
				wid := w.ID()
				fmt.Fprintf(&b, "    workload %s %s/%s\n", wid.Kind, wid.Namespace, wid.Name)
			}
		}
	}
	return b.String()
}
