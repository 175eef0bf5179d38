// Package service is the Service front end: LoadBalancer Services of the
// AWS Load Balancer Controller (an NLB, or the Classic ELB it may have
// adopted) and of the in-tree controller (a Classic ELB or an NLB). It
// registers itself with model.Register.
package service

import (
	"strconv"
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/internal/yamlnode"
	"github.com/lbguard/lbguard/transformers/annotations"
	"github.com/lbguard/lbguard/transformers/config"
	"github.com/lbguard/lbguard/transformers/model"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// serviceKind tells who owns the LoadBalancer Service whose root node is
// root; ok is false for any other Service, and for LoadBalancer Services of
// another class.
func serviceKind(root *yaml.Node) (model.LBKind, bool) {
	if t, _ := yamlnode.StringAt(root, "spec", "type"); t != "LoadBalancer" {
		return "", false
	}
	class, _ := yamlnode.StringAt(root, "spec", "loadBalancerClass")
	switch {
	case class == annotations.LBCLoadBalancerClass, class == model.AutoModeLoadBalancerClass:
		return model.LBCNLB, true
	case class != "":
		return "", false // another implementation's class: neither AWS controller acts
	}
	switch annotations.Value(root, annotations.SvcLBType) {
	case "external", "nlb-ip":
		return model.LBCNLB, true
	case "nlb":
		return model.InTreeNLB, true
	}
	return model.ClassicELB, true
}

func addLoadBalancerService(inv *model.Inventory, svc *fn.KubeObject, r *model.Report) {
	kind, ok := serviceKind(inv.Root(svc))
	if !ok {
		return
	}
	lb := inv.NewLoadBalancer(kind, svc)
	class, _ := yamlnode.StringAt(lb.Root, "spec", "loadBalancerClass")
	lb.AutoMode = class == model.AutoModeLoadBalancerClass
	inv.LoadBalancers = append(inv.LoadBalancers, lb)
	inv.AddBackend(lb, lb.NamespaceOrDefault(), lb.Name, nil, r)
}

// What the Service front end does for R1 and R2, by the controller that
// serves the Service: the LBC's NLB takes ip targets; a Classic ELB (or an
// NLB the LBC adopted) gets both owners' settings and connection draining;
// the in-tree NLB takes neither, and is reported.

// claimService claims every Service: those of type LoadBalancer are load
// balancers (the model indexes them all as backends).
func claimService(inv *model.Inventory, obj *fn.KubeObject, v *model.ObjectView) bool {
	if v.GroupKind != model.ServiceGroupKind {
		return false
	}
	return inv.AddClaimed("service", obj)
}

// indexServices makes the LoadBalancer Services of AWS load balancers
// load balancers.
func indexServices(inv *model.Inventory, _ config.Config, r *model.Report) {
	for _, svc := range inv.Claimed["service"] {
		addLoadBalancerService(inv, svc, r)
	}
}

// serviceTargetType: the in-tree NLB targets instances; the LBC's NLB of
// type nlb-ip targets pods; else the annotation, else Auto Mode's ip.
func serviceTargetType(b *model.Backend) string {
	switch b.LB.Kind {
	case model.InTreeNLB:
		return "instance"
	case model.LBCNLB:
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
func serviceHealthCheck(b *model.Backend) model.HealthCheck {
	var hc model.HealthCheck
	if b.LB.Kind == model.InTreeNLB {
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
func serviceAttributesKey(b *model.Backend) string {
	if b.LB.Kind == model.InTreeNLB {
		return ""
	}
	return annotations.SvcTargetGroupAttributes
}

// serviceReadDelay: the in-tree NLB targets nodes, so a terminating pod
// deregisters nothing, and its delay (the platform's) cannot be set. A
// Classic ELB may be served by either owner: the workload must outlast the
// longer of the delay and the connection-draining timeout.
func serviceReadDelay(b *model.Backend, cfg config.Config, plan *model.DelayPlan) (int, bool) {
	if b.LB.Kind == model.InTreeNLB {
		return model.PlatformDeregistrationDelay, false
	}
	seconds, known := model.DelayFromAttributes(b, cfg, plan)
	if b.LB.Kind == model.ClassicELB {
		if timeout, ok := b.LB.DrainingTimeout(plan); ok && timeout > seconds {
			seconds = timeout
		}
	}
	return seconds, known
}

// servicePlanDelays: R2 writes the delay on the Service, except on an
// in-tree NLB.
func servicePlanDelays(lb *model.LoadBalancer, cfg config.Config, settle func(*model.LoadBalancer, *fn.KubeObject, string, int)) {
	if lb.Kind != model.InTreeNLB {
		settle(lb, lb.Object, annotations.SvcTargetGroupAttributes, cfg.DeregistrationDelaySeconds)
	}
}

// serviceIPTargets is the Service front end's SetIPTargets.
func serviceIPTargets(lb *model.LoadBalancer, r *model.Report) {
	switch lb.Kind {
	case model.LBCNLB:
		if annotations.Value(lb.Root, annotations.SvcLBType) != "nlb-ip" {
			model.SetTargetTypeIP(lb.Object, annotations.SvcNLBTargetType, lb.AutoMode, r)
		}
	case model.ClassicELB:
		r.Risk(model.IPTargetTypeID, lb.Object, annotations.Path(annotations.SvcLBType), nil,
			"Service %s has no %s: the in-tree controller serves it as a Classic ELB (instance targets, connection draining), unless the LBC adopted it when it was created (then an NLB that reads nlb-target-type and target-group-attributes). lbguard writes the settings of both owners; for ip targets create a new Service with %s: external (changing the type of a live Service leaks its load balancer)",
			lb.Name, annotations.SvcLBType, annotations.SvcLBType)
		model.SetTargetTypeIP(lb.Object, annotations.SvcNLBTargetType, false, r)
	case model.InTreeNLB:
		r.Risk(model.IPTargetTypeID, lb.Object, annotations.Path(annotations.SvcLBType), "nlb",
			"Service %s is an NLB of the in-tree controller: it always targets instances and takes no deregistration delay; move it to the LBC (a new Service with %s: external and %s: ip; changing the type of a live Service leaks its load balancer)",
			lb.Name, annotations.SvcLBType, annotations.SvcNLBTargetType)
	}
}

// serviceDelay is the Service front end's SetDelay: what R2 does beyond the
// delay settings the delays phase planned.
func serviceDelay(lb *model.LoadBalancer, cfg config.Config, r *model.Report) {
	switch lb.Kind {
	case model.ClassicELB:
		classicConnectionDraining(lb.Object, cfg.DeregistrationDelaySeconds, r)
	case model.InTreeNLB:
		r.Risk(model.DeregistrationDelayID, lb.Object, annotations.Path(annotations.SvcTargetGroupAttributes), nil,
			"Service %s: the in-tree NLB takes no deregistration delay, so its target groups keep the ELB default of %d s; its workloads get the NLB preStop floor. Move it to the LBC to set one",
			lb.Name, model.PlatformDeregistrationDelay)
	}
}

// classicConnectionDraining turns on Classic ELB connection draining, which is
// off unless enabled: without it in-flight requests are cut at once.
func classicConnectionDraining(svc *fn.KubeObject, delay int, r *model.Report) {
	v := r.View(svc)
	switch enabled, ok := annotations.Get(v.Root, annotations.SvcConnectionDraining); {
	case !ok:
		setAnnotation(svc, annotations.SvcConnectionDraining, "true", nil, r,
			"Service %s: Classic ELB connection draining enabled: without it the ELB cuts in-flight requests the moment a pod leaves", v.Name)
	case enabled != "true":
		r.Risk(model.DeregistrationDelayID, svc, annotations.Path(annotations.SvcConnectionDraining), enabled,
			"Service %s: Classic ELB connection draining is turned off by the user and left so: in-flight requests are cut the moment a pod leaves", v.Name)
		return
	}
	if timeout, ok := annotations.Get(v.Root, annotations.SvcConnectionDrainTimeout); ok {
		r.Kept(model.DeregistrationDelayID, svc, annotations.Path(annotations.SvcConnectionDrainTimeout), timeout,
			"Service %s: Classic ELB connection draining timeout of %s s set by the user is kept", v.Name, timeout)
		return
	}
	setAnnotation(svc, annotations.SvcConnectionDrainTimeout, strconv.Itoa(delay), nil, r,
		"Service %s: Classic ELB connection draining timeout set to %d s", v.Name, delay)
}

// setAnnotation writes one annotation and reports the change under R2.
func setAnnotation(obj *fn.KubeObject, key, value string, current any, r *model.Report, format string, args ...any) {
	if err := annotations.Set(obj, r.Root(obj), key, value); err != nil {
		r.Invalid(obj, annotations.Path(key), err.Error())
		return
	}
	r.Changed(model.DeregistrationDelayID, obj, annotations.Path(key), current, value, format, args...)
}

// The Service front end: LoadBalancer Services of the LBC and of the in-tree
// controller.
func init() {
	model.Register(model.Frontend{Name: "service", Order: 2, Kinds: []model.LBKind{model.LBCNLB, model.ClassicELB, model.InTreeNLB},
		Claim: claimService, Index: indexServices,
		TargetType: serviceTargetType, HealthCheck: serviceHealthCheck,
		AttributesKey: serviceAttributesKey, Delay: serviceReadDelay, PlanDelays: servicePlanDelays,
		SetIPTargets: serviceIPTargets, SetDelay: serviceDelay})
}
