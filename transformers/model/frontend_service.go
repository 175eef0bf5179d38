package model

import (
	"strconv"
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/transformers/annotations"
	"github.com/lbguard/lbguard/transformers/config"
)

// What the Service front end does for R1 and R2, by the controller that
// serves the Service: the LBC's NLB takes ip targets; a Classic ELB (or an
// NLB the LBC adopted) gets both owners' settings and connection draining;
// the in-tree NLB takes neither, and is reported.

// claimService claims every Service: those of type LoadBalancer are load
// balancers (the model indexes them all as backends).
func claimService(inv *Inventory, obj *fn.KubeObject, v *ObjectView) bool {
	if v.GroupKind != (GroupKind{"", "Service"}) {
		return false
	}
	return inv.AddClaimed("service", obj)
}

// indexServices makes the LoadBalancer Services of AWS load balancers
// load balancers.
func indexServices(inv *Inventory, _ config.Config, r *Report) {
	for _, svc := range inv.Claimed["service"] {
		inv.addLoadBalancerService(svc, r)
	}
}

// serviceTargetType: the in-tree NLB targets instances; the LBC's NLB of
// type nlb-ip targets pods; else the annotation, else Auto Mode's ip.
func serviceTargetType(b *Backend) string {
	switch b.LB.Kind {
	case InTreeNLB:
		return "instance"
	case LBCNLB:
		if annotations.Value(b.LB.Root, annotations.SvcLBType) == "nlb-ip" {
			return "ip"
		}
	}
	if t, _, ok := b.Annotation(annotations.SvcNLBTargetType); ok {
		return t
	}
	if b.LB.AutoMode {
		return "ip"
	}
	return "instance"
}

// serviceHealthCheck reads the NLB's health-check annotations; the in-tree
// NLB reads none.
func serviceHealthCheck(b *Backend) HealthCheck {
	var hc HealthCheck
	if b.LB.Kind == InTreeNLB {
		return hc
	}
	hc.Protocol, _, _ = b.Annotation(annotations.SvcHealthCheckProtocol)
	if p := strings.ToUpper(hc.Protocol); p == "HTTP" || p == "HTTPS" {
		hc.Path, _, _ = b.Annotation(annotations.SvcHealthCheckPath)
	}
	hc.Port, _, _ = b.Annotation(annotations.SvcHealthCheckPort)
	hc.Protocol = strings.ToUpper(hc.Protocol) // the LBC reads it in any case
	return hc
}

// serviceAttributesKey: the in-tree NLB reads no target-group attributes.
func serviceAttributesKey(b *Backend) string {
	if b.LB.Kind == InTreeNLB {
		return ""
	}
	return annotations.SvcTargetGroupAttributes
}

// serviceReadDelay: the in-tree NLB targets nodes, so a terminating pod
// deregisters nothing, and its delay (the platform's) cannot be set. A
// Classic ELB may be served by either owner: the workload must outlast the
// longer of the delay and the connection-draining timeout.
func serviceReadDelay(b *Backend, cfg config.Config, plan *DelayPlan) (int, bool) {
	if b.LB.Kind == InTreeNLB {
		return PlatformDeregistrationDelay, false
	}
	seconds, known := delayFromAttributes(b, cfg, plan)
	if b.LB.Kind == ClassicELB {
		if timeout, ok := b.LB.drainingTimeout(plan); ok && timeout > seconds {
			seconds = timeout
		}
	}
	return seconds, known
}

// servicePlanDelays: R2 writes the delay on the Service, except on an
// in-tree NLB.
func servicePlanDelays(lb *LoadBalancer, cfg config.Config, settle func(*LoadBalancer, *fn.KubeObject, string, int)) {
	if lb.Kind != InTreeNLB {
		settle(lb, lb.Object, annotations.SvcTargetGroupAttributes, cfg.DeregistrationDelaySeconds)
	}
}

// serviceIPTargets is the Service front end's SetIPTargets.
func serviceIPTargets(lb *LoadBalancer, r *Report) {
	switch lb.Kind {
	case LBCNLB:
		if annotations.Value(lb.Root, annotations.SvcLBType) != "nlb-ip" {
			setTargetTypeIP(lb.Object, annotations.SvcNLBTargetType, lb.AutoMode, r)
		}
	case ClassicELB:
		r.Risk(IPTargetTypeID, lb.Object, annotations.Path(annotations.SvcLBType), nil,
			"Service %s has no %s: the in-tree controller serves it as a Classic ELB (instance targets, connection draining), unless the LBC adopted it when it was created (then an NLB that reads nlb-target-type and target-group-attributes). lbguard writes the settings of both owners; for ip targets create a new Service with %s: external (changing the type of a live Service leaks its load balancer)",
			lb.Name, annotations.SvcLBType, annotations.SvcLBType)
		setTargetTypeIP(lb.Object, annotations.SvcNLBTargetType, false, r)
	case InTreeNLB:
		r.Risk(IPTargetTypeID, lb.Object, annotations.Path(annotations.SvcLBType), "nlb",
			"Service %s is an NLB of the in-tree controller: it always targets instances and takes no deregistration delay; move it to the LBC (a new Service with %s: external and %s: ip; changing the type of a live Service leaks its load balancer)",
			lb.Name, annotations.SvcLBType, annotations.SvcNLBTargetType)
	}
}

// serviceDelay is the Service front end's SetDelay: what R2 does beyond the
// delay settings the delays phase planned.
func serviceDelay(lb *LoadBalancer, cfg config.Config, r *Report) {
	switch lb.Kind {
	case ClassicELB:
		classicConnectionDraining(lb.Object, cfg.DeregistrationDelaySeconds, r)
	case InTreeNLB:
		r.Risk(DeregistrationDelayID, lb.Object, annotations.Path(annotations.SvcTargetGroupAttributes), nil,
			"Service %s: the in-tree NLB takes no deregistration delay, so its target groups keep the ELB default of %d s; its workloads get the NLB preStop floor. Move it to the LBC to set one",
			lb.Name, PlatformDeregistrationDelay)
	}
}

// classicConnectionDraining turns on Classic ELB connection draining, which is
// off unless enabled: without it in-flight requests are cut at once.
func classicConnectionDraining(svc *fn.KubeObject, delay int, r *Report) {
	v := r.View(svc)
	switch enabled, ok := annotations.Get(v.Root, annotations.SvcConnectionDraining); {
	case !ok:
		setAnnotation(svc, annotations.SvcConnectionDraining, "true", nil, r,
			"Service %s: Classic ELB connection draining enabled: without it the ELB cuts in-flight requests the moment a pod leaves", v.Name)
	case enabled != "true":
		r.Risk(DeregistrationDelayID, svc, annotations.Path(annotations.SvcConnectionDraining), enabled,
			"Service %s: Classic ELB connection draining is turned off by the user and left so: in-flight requests are cut the moment a pod leaves", v.Name)
		return
	}
	if timeout, ok := annotations.Get(v.Root, annotations.SvcConnectionDrainTimeout); ok {
		r.Kept(DeregistrationDelayID, svc, annotations.Path(annotations.SvcConnectionDrainTimeout), timeout,
			"Service %s: Classic ELB connection draining timeout of %s s set by the user is kept", v.Name, timeout)
		return
	}
	setAnnotation(svc, annotations.SvcConnectionDrainTimeout, strconv.Itoa(delay), nil, r,
		"Service %s: Classic ELB connection draining timeout set to %d s", v.Name, delay)
}

// setAnnotation writes one annotation and reports the change under R2.
func setAnnotation(obj *fn.KubeObject, key, value string, current any, r *Report, format string, args ...any) {
	if err := annotations.Set(obj, r.Root(obj), key, value); err != nil {
		r.Invalid(obj, annotations.Path(key), err.Error())
		return
	}
	r.Changed(DeregistrationDelayID, obj, annotations.Path(key), current, value, format, args...)
}

// The Service front end: LoadBalancer Services of the LBC and of the in-tree
// controller.
func init() {
	Register(Frontend{Name: "service", Order: 2, Kinds: []LBKind{LBCNLB, ClassicELB, InTreeNLB},
		Claim: claimService, Index: indexServices,
		TargetType: serviceTargetType, HealthCheck: serviceHealthCheck,
		AttributesKey: serviceAttributesKey, Delay: serviceReadDelay, PlanDelays: servicePlanDelays,
		SetIPTargets: serviceIPTargets, SetDelay: serviceDelay})
}
