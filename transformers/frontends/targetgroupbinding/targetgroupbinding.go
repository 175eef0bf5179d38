// Package targetgroupbinding is the TargetGroupBinding front end: the LBC's
// and EKS Auto Mode's bindings of a target group made outside Kubernetes to a
// Service. It registers itself with model.Register.
package targetgroupbinding

import (
	"strconv"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/internal/yamlnode"
	"github.com/lbguard/lbguard/transformers/config"
	"github.com/lbguard/lbguard/transformers/model"
)

// A binding is a load balancer with one backend. Its target group is made outside Kubernetes and its targetType is
// immutable, so for R1 and R2 it only reports what it cannot see or change.

// claimTargetGroupBinding claims the LBC's and Auto Mode's TargetGroupBindings.
func claimTargetGroupBinding(inv *model.Inventory, obj *fn.KubeObject, v *model.ObjectView) bool {
	if !v.GroupKind.IsTargetGroupBinding() {
		return false
	}
	return inv.AddClaimed("targetgroupbinding", obj)
}

// indexTargetGroupBindings makes each TargetGroupBinding a load balancer.
func indexTargetGroupBindings(inv *model.Inventory, _ config.Config, r *model.Report) {
	for _, tgb := range inv.Claimed["targetgroupbinding"] {
		addTargetGroupBinding(inv, tgb, r)
	}
}

// addTargetGroupBinding makes a TargetGroupBinding a load balancer with one
// backend, its serviceRef.
func addTargetGroupBinding(inv *model.Inventory, tgb *fn.KubeObject, r *model.Report) {
	root := inv.Root(tgb)
	name, _ := yamlnode.StringAt(root, "spec", "serviceRef", "name")
	if name == "" {
		r.Invalid(tgb, "spec.serviceRef.name", "must name a Service")
		return
	}
	port, _ := yamlnode.StringAt(root, "spec", "serviceRef", "port")
	if port == "" {
		if n, _, _ := yamlnode.IntAt(root, "spec", "serviceRef", "port"); n != 0 {
			port = strconv.Itoa(n)
		}
	}
	lb := inv.NewLoadBalancer(model.TGBinding, tgb)
	lb.AutoMode = lb.GroupKind.Group == model.AutoModeGroup
	inv.LoadBalancers = append(inv.LoadBalancers, lb)
	var ports []string
	if port != "" {
		ports = []string{port}
	}
	inv.AddBackend(lb, lb.NamespaceOrDefault(), name, ports, r)
}

// targetGroupBindingTargetType is its spec.targetType: "" leaves it to the
// target group.
func targetGroupBindingTargetType(b *model.Backend) string {
	t, _ := yamlnode.StringAt(b.LB.Root, "spec", "targetType")
	return t
}

// targetGroupBindingReadDelay is the delay the config states for it, keyed
// by namespace/name or by name alone (README): its target group is made
// outside Kubernetes.
func targetGroupBindingReadDelay(b *model.Backend, cfg config.Config, _ *model.DelayPlan) (int, bool) {
	if d, ok := cfg.TargetGroupBindingDelays[b.LB.NamespaceOrDefault()+"/"+b.LB.Name]; ok {
		return d, true
	}
	d, ok := cfg.TargetGroupBindingDelays[b.LB.Name]
	return d, ok
}

// targetGroupBindingIPTargets is the TargetGroupBinding front end's SetIPTargets.
func targetGroupBindingIPTargets(lb *model.LoadBalancer, r *model.Report) {
	switch t := lb.Backends[0].TargetType(); t {
	case "ip":
	case "":
		r.Risk(model.IPTargetTypeID, lb.Object, "spec.targetType", nil,
			"TargetGroupBinding %s declares no targetType: the LBC reads it from the target group. If that group is instance, the ELB sends to NodePorts and the type cannot be changed in place: bind an ip target group in a new TargetGroupBinding. Its namespace is labelled for readiness gates all the same (the label does nothing for instance targets)",
			lb.Name)
	default:
		r.Risk(model.IPTargetTypeID, lb.Object, "spec.targetType", t,
			"TargetGroupBinding %s does not declare targetType ip, and the field is immutable: bind an ip target group in a new TargetGroupBinding so that the ELB sends to pods, not NodePorts",
			lb.Name)
	}
}

// targetGroupBindingDelay is the TargetGroupBinding front end's SetDelay.
func targetGroupBindingDelay(lb *model.LoadBalancer, cfg config.Config, r *model.Report) {
	if _, known := lb.Backends[0].DeregistrationDelay(cfg); !known {
		r.Risk(model.DeregistrationDelayID, lb.Object, "spec.targetGroupARN", nil,
			"TargetGroupBinding %s: its target group is managed outside Kubernetes, so its deregistration delay cannot be seen here: check it where the target group is defined (at most %d s keeps the NLB preStop floor enough), or state it in the config's targetGroupBindingDelays",
			lb.Name, cfg.NLBPreStopSeconds)
	}
}

// The TargetGroupBinding front end.
func init() {
	model.Register(model.Frontend{Name: "targetgroupbinding", Order: 3, Kinds: []model.LBKind{model.TGBinding},
		Claim: claimTargetGroupBinding, Index: indexTargetGroupBindings,
		TargetType: targetGroupBindingTargetType, HealthCheck: func(*model.Backend) model.HealthCheck { return model.HealthCheck{} },
		AttributesKey: func(*model.Backend) string { return "" }, Delay: targetGroupBindingReadDelay,
		SetIPTargets: targetGroupBindingIPTargets, SetDelay: targetGroupBindingDelay})
}
