package transformers

import (
	"slices"

	"github.com/kptdev/krm-functions-sdk/go/fn"
)

// Outcome is what a run gives the reports: its results, and for each the
// workloads it puts at risk, so that no report builds an inventory again.
type Outcome struct {
	Results fn.Results

	workloads map[*fn.Result][]ResourceID
	gateways  map[ResourceID][]string // a workload's routes and their AWS Gateways
}

// Gateways lists the routes of AWS Gateways in front of workload w, as
// "HTTPRoute shop/web on Gateway infra/public (ALB)", in list order: the
// reports group Gateway-fronted workloads under them.
func (o *Outcome) Gateways(w ResourceID) []string { return o.gateways[w] }

// ResourceID names an object as its manifest does (Namespace as written,
// "" when none): by value, since the reports may hold other copies of the
// objects the rules read.
type ResourceID struct{ APIVersion, Kind, Namespace, Name string }

// Workloads lists the workloads res puts at risk, in list order.
func (o *Outcome) Workloads(res *fn.Result) []ResourceID { return o.workloads[res] }

// IsWorkload tells whether apiVersion and kind are one of the workload kinds
// lbguard reads (apps/v1 Deployment, StatefulSet, DaemonSet, ReplicaSet, and
// Argo Rollout), by group, not by kind alone.
func IsWorkload(apiVersion, kind string) bool { return sdkGroupKind(apiVersion, kind).isWorkload() }

// newOutcome maps each result to the workloads it puts at risk: the workload
// it is about; the workloads behind a load balancer or Service it is about;
// those of a Namespace that load balancers front; the workload a new object
// was made for.
func newOutcome(inv *Inventory, r *Report) *Outcome {
	o := &Outcome{Results: r.Results, workloads: map[*fn.Result][]ResourceID{}, gateways: map[ResourceID][]string{}}
	risk := newRiskIndex(inv)
	for _, res := range r.Results {
		if ids := risk.workloadsAtRisk(r, res); len(ids) > 0 {
			o.workloads[res] = ids
		}
	}
	for _, w := range inv.Workloads {
		var fronts []string
		for _, b := range w.Backends {
			if front := b.gatewayFront(); front != "" && !slices.Contains(fronts, front) {
				fronts = append(fronts, front)
			}
		}
		if len(fronts) > 0 {
			o.gateways[w.id()] = fronts
		}
	}
	return o
}

// gatewayFront names a route backend's route and Gateway; "" for other
// load balancers.
func (b *Backend) gatewayFront() string {
	gw := b.LB.gateway
	if gw == nil {
		return ""
	}
	lb := "ALB"
	if b.LB.Kind == GatewayNLB {
		lb = "NLB"
	}
	return b.LB.kind + " " + b.LB.namespaceOrDefault() + "/" + b.LB.name + " on Gateway " + gw.key.namespace + "/" + gw.key.name + " (" + lb + ")"
}

// riskIndex finds the workloads behind an object or in a namespace in one
// lookup: a run has a result or more per object, and scanning every
// workload for each makes a large list quadratic.
type riskIndex struct {
	workloads   map[*fn.KubeObject]*Workload   // a workload by its own object
	behind      map[*fn.KubeObject][]*Workload // by load balancer, Service or target group object, each once, in list order
	inNamespace map[string][]*Workload         // those with backends, by namespace, each once, in list order
}

func newRiskIndex(inv *Inventory) *riskIndex {
	x := &riskIndex{workloads: map[*fn.KubeObject]*Workload{}, behind: map[*fn.KubeObject][]*Workload{}, inNamespace: map[string][]*Workload{}}
	for _, w := range inv.Workloads {
		x.workloads[w.Object] = w
		if len(w.Backends) > 0 {
			x.inNamespace[w.Namespace] = append(x.inNamespace[w.Namespace], w)
		}
		for _, b := range w.Backends {
			for _, obj := range b.frontObjects() {
				if list := x.behind[obj]; len(list) == 0 || list[len(list)-1] != w {
					x.behind[obj] = append(list, w)
				}
			}
		}
	}
	return x
}

// frontObjects are the objects in front of a backend's workloads: its load
// balancer, its Service, and the TargetGroupConfigurations that set it.
func (b *Backend) frontObjects() []*fn.KubeObject {
	objs := []*fn.KubeObject{b.LB.Object, b.Service, b.settings.delayFrom}
	if t := b.target; t != nil {
		objs = append(append(objs, t.created), t.own...)
	}
	return slices.DeleteFunc(objs, func(obj *fn.KubeObject) bool { return obj == nil })
}

func (x *riskIndex) workloadsAtRisk(r *Report, res *fn.Result) []ResourceID {
	obj := r.owners[res]
	if owner := r.partOf[obj]; owner != nil {
		obj = owner
	}
	if w := x.workloads[obj]; obj != nil && w != nil {
		return []ResourceID{w.id()}
	}
	var at []*Workload
	switch ref := res.ResourceRef; {
	case ref != nil && ref.Kind == "Namespace" && ref.APIVersion == "v1":
		at = x.inNamespace[ref.Name]
	case obj != nil:
		at = x.behind[obj]
	}
	var out []ResourceID
	for _, w := range at { // the index lists each workload once
		out = append(out, w.id())
	}
	return out
}
