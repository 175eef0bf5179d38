package model

import (
	"slices"

	"github.com/kptdev/krm-functions-sdk/go/fn"
)

// Outcome is what a run gives the reports: its results, and for each the
// workloads it puts at risk, so that no report builds an inventory again.
type Outcome struct {
	Results fn.Results

	workloads map[*fn.Result][]*Workload // shared with the risk index: read only
	gateways  map[ResourceID][]string    // a workload's routes and their AWS Gateways
}

// Gateways lists the routes of AWS Gateways in front of workload w, as
// "HTTPRoute shop/web on Gateway infra/public (ALB)", in list order: the
// reports group Gateway-fronted workloads under them.
func (o *Outcome) Gateways(w ResourceID) []string { return o.gateways[w] }

// Workloads lists the workloads res puts at risk, in list order.
// They are named on demand: N results about N Services in front of the same
// N workloads would otherwise hold N² names, which the KRM function never
// reads.
func (o *Outcome) Workloads(res *fn.Result) []ResourceID {
	var ids []ResourceID
	for _, w := range o.workloads[res] {
		ids = append(ids, w.ID())
	}
	return ids
}

// NewOutcome maps each result to the workloads it puts at risk: the workload
// it is about; the workloads behind a load balancer or Service it is about;
// those of a Namespace that load balancers front; the workload a new object
// was made for.
func NewOutcome(inv *Inventory, r *Report) *Outcome {
	o := &Outcome{Results: r.Results, workloads: map[*fn.Result][]*Workload{}, gateways: map[ResourceID][]string{}}
	risk := newRiskIndex(inv)
	for _, res := range r.Results {
		if at := risk.workloadsAtRisk(r, res); len(at) > 0 {
			o.workloads[res] = at
		}
	}
	gateways := map[*FrontSet][]string{} // once for the workloads behind the same backends
	for _, w := range inv.Workloads {
		if w.FrontSet == nil {
			continue
		}
		fronts, seen := gateways[w.FrontSet]
		if !seen {
			for _, b := range w.Backends {
				if front := gatewayFront(b); front != "" && !slices.Contains(fronts, front) {
					fronts = append(fronts, front)
				}
			}
			fronts = slices.Clip(fronts)
			gateways[w.FrontSet] = fronts
		}
		if len(fronts) > 0 {
			o.gateways[w.ID()] = fronts
		}
	}
	return o
}

// gatewayFront names a route backend's route and Gateway; "" for other
// load balancers.
func gatewayFront(b *Backend) string {
	if describe := b.LB.Front.DescribeFront; describe != nil {
		return describe(b)
	}
	return ""
}

// riskIndex finds the workloads behind an object or in a namespace in one
// lookup: a run has a result or more per object, and scanning every
// workload for each makes a large list quadratic.
type riskIndex struct {
	workloads   map[*fn.KubeObject]*Workload   // a workload by its own object
	behind      map[*fn.KubeObject][]*Workload // by load balancer, Service or target group object, each once, in list order; shared: read only
	inNamespace map[string][]*Workload         // those with backends, by namespace, each once, in list order
}

func newRiskIndex(inv *Inventory) *riskIndex {
	x := &riskIndex{workloads: map[*fn.KubeObject]*Workload{}, behind: map[*fn.KubeObject][]*Workload{}, inNamespace: map[string][]*Workload{}}
	index := map[*Workload]int{}
	for i, w := range inv.Workloads {
		x.workloads[w.Object] = w
		index[w] = i
		if len(w.Backends) > 0 {
			x.inNamespace[w.Namespace] = append(x.inNamespace[w.Namespace], w)
		}
	}
	// The workloads behind an object are those of the selections of its
	// backends: most objects have one, whose list is shared as it is.
	type objectSelection struct {
		obj *fn.KubeObject
		sel *Selection
	}
	seen := map[objectSelection]bool{}
	for _, lb := range inv.LoadBalancers {
		for _, b := range lb.Backends {
			if b.Selection == nil || len(b.Workloads) == 0 {
				continue
			}
			for _, obj := range frontObjects(b) {
				if key := (objectSelection{obj, b.Selection}); !seen[key] {
					seen[key] = true
					x.behind[obj] = mergeWorkloads(x.behind[obj], b.Workloads, index)
				}
			}
		}
	}
	return x
}

// mergeWorkloads is the workloads of a and b, each once, in list order
// (index): a itself when b is empty, b itself when a is.
func mergeWorkloads(a, b []*Workload, index map[*Workload]int) []*Workload {
	if len(a) == 0 {
		return b
	}
	merged := make([]*Workload, 0, len(a)+len(b))
	for len(a) > 0 || len(b) > 0 {
		switch {
		case len(b) == 0 || len(a) > 0 && index[a[0]] < index[b[0]]:
			merged, a = append(merged, a[0]), a[1:]
		case len(a) == 0 || index[b[0]] < index[a[0]]:
			merged, b = append(merged, b[0]), b[1:]
		default: // the same workload
			merged, a, b = append(merged, a[0]), a[1:], b[1:]
		}
	}
	return merged
}

// frontObjects are the objects in front of a backend's workloads: its load
// balancer, its Service, and the TargetGroupConfigurations that set it.
func frontObjects(b *Backend) []*fn.KubeObject {
	objs := []*fn.KubeObject{b.LB.Object, b.Service}
	if tg := b.LB.Front.TargetGroupObjects; tg != nil {
		objs = append(objs, tg(b)...)
	}
	return slices.DeleteFunc(objs, func(obj *fn.KubeObject) bool { return obj == nil })
}

func (x *riskIndex) workloadsAtRisk(r *Report, res *fn.Result) []*Workload {
	obj := r.Owners[res]
	if owner := r.PartOf[obj]; owner != nil {
		obj = owner
	}
	if w := x.workloads[obj]; obj != nil && w != nil {
		return []*Workload{w}
	}
	switch ref := res.ResourceRef; {
	case ref != nil && ref.Kind == "Namespace" && ref.APIVersion == "v1":
		return x.inNamespace[ref.Name]
	case obj != nil:
		return x.behind[obj] // each workload once
	}
	return nil
}

// WorkloadsAtMost lists the first k of the workloads res puts at risk, in
// list order, and how many it puts at risk in all: a report names a few
// and counts the rest, so that N Services in front of the same N workloads
// do not make N² names (docs/security.md: bounded).
func (o *Outcome) WorkloadsAtMost(res *fn.Result, k int) ([]ResourceID, int) {
	all := o.workloads[res]
	var ids []ResourceID
	for _, w := range all[:min(k, len(all))] {
		ids = append(ids, w.ID())
	}
	return ids, len(all)
}
