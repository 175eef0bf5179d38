package model

import (
	"strconv"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/internal/yamlnode"
	"github.com/lbguard/lbguard/transformers/config"
)

// The TargetGroupBinding front end: a binding is a load balancer with one
// backend. Its target group is made outside Kubernetes and its targetType is
// immutable, so for R1 and R2 it only reports what it cannot see or change.

// claimTargetGroupBinding claims the LBC's and Auto Mode's TargetGroupBindings.
func claimTargetGroupBinding(inv *Inventory, obj *fn.KubeObject, v *ObjectView) bool {
	if !v.GroupKind.isTargetGroupBinding() {
		return false
	}
	return inv.addClaimed("targetgroupbinding", obj)
}

// indexTargetGroupBindings makes each TargetGroupBinding a load balancer.
func indexTargetGroupBindings(inv *Inventory, _ config.Config, r *Report) {
	for _, tgb := range inv.claimed["targetgroupbinding"] {
		inv.addTargetGroupBinding(tgb, r)
	}
}

// addTargetGroupBinding makes a TargetGroupBinding a load balancer with one
// backend, its serviceRef.
func (inv *Inventory) addTargetGroupBinding(tgb *fn.KubeObject, r *Report) {
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
	lb := inv.newLoadBalancer(TGBinding, tgb)
	lb.AutoMode = lb.GroupKind.group == autoModeGroup
	inv.LoadBalancers = append(inv.LoadBalancers, lb)
	var ports []string
	if port != "" {
		ports = []string{port}
	}
	inv.addBackend(lb, lb.NamespaceOrDefault(), name, ports, r)
}

// targetGroupBindingTargetType is its spec.targetType: "" leaves it to the
// target group.
func targetGroupBindingTargetType(b *Backend) string {
	t, _ := yamlnode.StringAt(b.LB.Root, "spec", "targetType")
	return t
}

// targetGroupBindingReadDelay is the delay the config states for it, keyed
// by namespace/name or by name alone (README): its target group is made
// outside Kubernetes.
func targetGroupBindingReadDelay(b *Backend, cfg config.Config, _ *delayPlan) (int, bool) {
	if d, ok := cfg.TargetGroupBindingDelays[b.LB.NamespaceOrDefault()+"/"+b.LB.Name]; ok {
		return d, true
	}
	d, ok := cfg.TargetGroupBindingDelays[b.LB.Name]
	return d, ok
}

// targetGroupBindingIPTargets is the TargetGroupBinding front end's SetIPTargets.
func targetGroupBindingIPTargets(lb *LoadBalancer, r *Report) {
	switch t := lb.Backends[0].TargetType(); t {
	case "ip":
	case "":
		r.Risk(IPTargetTypeID, lb.Object, "spec.targetType", nil,
			"TargetGroupBinding %s declares no targetType: the LBC reads it from the target group. If that group is instance, the ELB sends to NodePorts and the type cannot be changed in place: bind an ip target group in a new TargetGroupBinding. Its namespace is labelled for readiness gates all the same (the label does nothing for instance targets)",
			lb.Name)
	default:
		r.Risk(IPTargetTypeID, lb.Object, "spec.targetType", t,
			"TargetGroupBinding %s does not declare targetType ip, and the field is immutable: bind an ip target group in a new TargetGroupBinding so that the ELB sends to pods, not NodePorts",
			lb.Name)
	}
}

// targetGroupBindingDelay is the TargetGroupBinding front end's SetDelay.
func targetGroupBindingDelay(lb *LoadBalancer, cfg config.Config, r *Report) {
	if _, known := lb.Backends[0].DeregistrationDelay(cfg); !known {
		r.Risk(DeregistrationDelayID, lb.Object, "spec.targetGroupARN", nil,
			"TargetGroupBinding %s: its target group is managed outside Kubernetes, so its deregistration delay cannot be seen here: check it where the target group is defined (at most %d s keeps the NLB preStop floor enough), or state it in the config's targetGroupBindingDelays",
			lb.Name, cfg.NLBPreStopSeconds)
	}
}

// The TargetGroupBinding front end.
func init() {
	Register(Frontend{Name: "targetgroupbinding", Order: 3, Kinds: []LBKind{TGBinding},
		Claim: claimTargetGroupBinding, Index: indexTargetGroupBindings,
		TargetType: targetGroupBindingTargetType, HealthCheck: func(*Backend) HealthCheck { return HealthCheck{} },
		AttributesKey: func(*Backend) string { return "" }, Delay: targetGroupBindingReadDelay,
		SetIPTargets: targetGroupBindingIPTargets, SetDelay: targetGroupBindingDelay})
}
