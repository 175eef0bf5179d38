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
	for _, res := range r.Results {
		if ids := workloadsAtRisk(inv, r, res); len(ids) > 0 {
			o.workloads[res] = ids
		}
	}
	for _, w := range inv.Workloads {
		for _, b := range w.Backends {
			if front := b.gatewayFront(); front != "" && !slices.Contains(o.gateways[w.id()], front) {
				o.gateways[w.id()] = append(o.gateways[w.id()], front)
			}
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

func workloadsAtRisk(inv *Inventory, r *Report, res *fn.Result) []ResourceID {
	obj := r.owners[res]
	if owner := r.partOf[obj]; owner != nil {
		obj = owner
	}
	ref := res.ResourceRef
	var out []ResourceID
	seen := map[*Workload]bool{}
	add := func(w *Workload) {
		if !seen[w] {
			seen[w] = true
			out = append(out, w.id())
		}
	}
	for _, w := range inv.Workloads {
		if obj != nil && w.Object == obj {
			return []ResourceID{w.id()}
		}
	}
	isNamespace := ref != nil && ref.Kind == "Namespace" && ref.APIVersion == "v1"
	for _, w := range inv.Workloads {
		switch {
		case isNamespace:
			if w.Namespace == ref.Name && len(w.Backends) > 0 {
				add(w)
			}
		case obj != nil:
			for _, b := range w.Backends {
				if b.LB.Object == obj || b.Service == obj || b.target.holds(obj) || b.settings.delayFrom == obj {
					add(w)
				}
			}
		}
	}
	return out
}

// id is the workload's ResourceID.
func (w *Workload) id() ResourceID {
	return ResourceID{APIVersion: w.apiVersion, Kind: w.kind, Namespace: w.namespace, Name: w.name}
}
