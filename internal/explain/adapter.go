package explain

import (
	"fmt"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/internal/explain/timinginput"
	"github.com/lbguard/lbguard/timing"
	"github.com/lbguard/lbguard/transformers/annotations"
	"github.com/lbguard/lbguard/transformers/config"
	_ "github.com/lbguard/lbguard/transformers/frontends" // every front end, registered
	"github.com/lbguard/lbguard/transformers/model"
)

// Options are what the manifests do not hold: the traffic, the platform and
// the user's own measurements.
type Options struct {
	Traffic  timing.Traffic
	Platform timing.Platform
	// AutoMode: every load balancer is EKS Auto Mode's, which has no
	// readiness gates (those of an Auto Mode class are known from the manifests).
	AutoMode bool
	// AppStart is T_app, pod creation until the app serves; 0 means 10.
	AppStart    float64
	Calibration map[string]timing.Pair
}

// Subject is one workload behind one load balancer, as the model takes it,
// with the facts that say why a window stays open.
type Subject struct {
	Workload model.ResourceID
	LB       model.ResourceID
	LBKind   model.LBKind
	Service  string
	Input    timing.Input
	Facts    Facts
}

// Facts are what the manifests say about the values the rules set or keep.
type Facts struct {
	OptedOut      bool   // the workload, its load balancer or its Service carries lbguard.dev/skip
	PreStop       int    // S the rules derive for the workload
	PreStopSource string // where S comes from (transformers.Workload.PreStopSeconds)
	CustomPreStop bool   // a serving container's preStop is a command of unknown length
	Shutdown      int    // A
	ShutdownSet   bool   // A comes from the workload's annotation
	DelaySet      bool   // D is written on the load balancer or Service
	Delay         int
	// GateLabel is the Namespace's readiness-gate label; NamespaceListed is
	// false when the Namespace is not among the manifests.
	GateLabel       string
	NamespaceListed bool
}

func (s Subject) key() string {
	return idString(s.Workload) + "|" + idString(s.LB) + "|" + s.Service
}

func idString(id model.ResourceID) string {
	return id.Kind + " " + qualified(id.Namespace, id.Name)
}

func qualified(namespace, name string) string {
	if namespace == "" {
		namespace = "default"
	}
	return namespace + "/" + name
}

// maxLoadBalancersExplained is the most load balancers explained per
// workload: N Services in front of the same N workloads would otherwise be
// N² timelines (docs/security.md: bounded). Unexplained names the rest.
const maxLoadBalancersExplained = 10

// Subjects reads every workload behind every load balancer of items, the
// first maxLoadBalancersExplained of each workload's.
func Subjects(items fn.KubeObjects, cfg config.Config, opts Options) []Subject {
	inv := model.NewInventory(items, cfg, &model.Report{})
	var out []Subject
	for _, w := range inv.Workloads {
		for _, b := range w.Backends[:min(len(w.Backends), maxLoadBalancersExplained)] {
			out = append(out, subject(inv, w, b, cfg, opts))
		}
	}
	return out
}

// Unexplained says, for each workload behind more load balancers than
// explain models, how many it leaves out.
func Unexplained(items fn.KubeObjects, cfg config.Config) []string {
	inv := model.NewInventory(items, cfg, &model.Report{})
	var notes []string
	for _, w := range inv.Workloads {
		if n := len(w.Backends) - maxLoadBalancersExplained; n > 0 {
			notes = append(notes, fmt.Sprintf("%s is behind %d load balancers or Services: the first %d are explained, %d are not",
				idString(w.ID()), len(w.Backends), maxLoadBalancersExplained, n))
		}
	}
	return notes
}

func subject(inv *model.Inventory, w *model.Workload, b *model.Backend, cfg config.Config, opts Options) Subject {
	s := Subject{Workload: w.ID(), LB: b.LB.ID(), LBKind: b.LB.Kind, Service: b.ServiceName}
	s.Input = timinginput.Input(inv, w, b, cfg)
	s.Input.LoadBalancer.AutoMode = s.Input.LoadBalancer.AutoMode || opts.AutoMode
	s.Input.Workload.AppStart = opts.AppStart
	s.Input.Traffic, s.Input.Platform, s.Input.Calibration = opts.Traffic, opts.Platform, opts.Calibration
	s.Facts = facts(inv, w, b, cfg)
	return s
}

// gateLabel is the Namespace's readiness-gate label; listed is false when
// the Namespace is not among the manifests.
func gateLabel(inv *model.Inventory, namespace string) (label string, listed bool) {
	ns := inv.Namespaces[namespace]
	if ns == nil {
		return "", false
	}
	return ns.GetLabels()[annotations.ReadinessGateLabel], true
}

func facts(inv *model.Inventory, w *model.Workload, b *model.Backend, cfg config.Config) Facts {
	f := Facts{OptedOut: w.OptedOut() || b.Skipped()}
	f.PreStop, f.PreStopSource, _ = w.PreStopSeconds(cfg)
	for _, c := range w.Containers() {
		if _, plain := c.PreStopSleep(); c.Serving && !plain {
			f.CustomPreStop = true
		}
	}
	f.Shutdown, _ = w.ShutdownSeconds(cfg)
	f.ShutdownSet = w.ShutdownStated()
	if f.Delay, f.DelaySet = b.StatedDelay(); !f.DelaySet {
		f.Delay, _ = b.DeregistrationDelay(cfg)
	}
	f.GateLabel, f.NamespaceListed = gateLabel(inv, b.Namespace)
	return f
}
