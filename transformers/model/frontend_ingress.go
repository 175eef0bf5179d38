package model

import (
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/transformers/annotations"
	"github.com/lbguard/lbguard/transformers/config"
)

// What the Ingress front end does for R1: ip targets on the Ingress, or on
// the backend Services that override it; a class whose IngressClassParams
// pin instance targets is only reported.

// claimIngress claims Ingresses, to index once the classes are read, and
// indexes IngressClasses and IngressClassParams by name.
func claimIngress(inv *Inventory, obj *fn.KubeObject, v *ObjectView) bool {
	switch gk := v.GroupKind; {
	case gk == GroupKind{"networking.k8s.io", "IngressClass"}:
		inv.ingressClasses[v.Name] = obj
	case gk.isIngress():
		return inv.AddClaimed("ingress", obj)
	case gk.isIngressClassParams():
		inv.ingressClassParams[gk.String()+"/"+v.Name] = obj
	default:
		return false
	}
	return true
}

// indexIngresses makes the Ingresses of the LBC's and Auto Mode's classes
// load balancers.
func indexIngresses(inv *Inventory, _ config.Config, r *Report) {
	for _, ing := range inv.Claimed["ingress"] {
		inv.addIngress(ing, r)
	}
}

// ingressTargetType: the class's IngressClassParams, else the annotation
// (the backend Service's over the Ingress's), else Auto Mode's ip.
func ingressTargetType(b *Backend) string {
	if b.LB.InstanceParams != nil {
		return "instance" // the class's params override the annotation
	}
	if t, _, ok := b.Annotation(annotations.ALBTargetType); ok {
		return t
	}
	if b.LB.AutoMode {
		return "ip"
	}
	return "instance"
}

// ingressHealthCheck reads the ALB's health-check annotations.
func ingressHealthCheck(b *Backend) HealthCheck {
	var hc HealthCheck
	hc.Path, _, _ = b.Annotation(annotations.ALBHealthCheckPath)
	hc.Port, _, _ = b.Annotation(annotations.ALBHealthCheckPort)
	hc.Protocol, _, _ = b.Annotation(annotations.ALBBackendProtocol)
	if v, _, ok := b.Annotation(annotations.ALBHealthCheckProtocol); ok {
		hc.Protocol = v
	}
	if v, _, _ := b.Annotation(annotations.ALBBackendProtocolVersion); strings.EqualFold(v, "GRPC") {
		hc.Protocol = "GRPC" // the check is a gRPC call, whatever the protocol says
	}
	hc.Protocol = strings.ToUpper(hc.Protocol) // the LBC reads it in any case
	return hc
}

// ingressIPTargets is the Ingress front end's SetIPTargets.
func ingressIPTargets(lb *LoadBalancer, r *Report) {
	if lb.InstanceParams != nil {
		instanceParamsRisk(lb, r)
		return
	}
	albTargetTypeIP(lb, r)
}

// albTargetTypeIP writes target-type ip where each backend's effective value
// lives: on a backend Service that carries its own, else on the Ingress.
func albTargetTypeIP(lb *LoadBalancer, r *Report) {
	ingressValueUsed := false
	for _, b := range lb.Backends {
		if b.Skipped() {
			continue
		}
		if _, holder, ok := b.Annotation(annotations.ALBTargetType); ok && holder == b.Service {
			SetTargetTypeIP(b.Service, annotations.ALBTargetType, lb.AutoMode, r)
		} else {
			ingressValueUsed = true
		}
	}
	if ingressValueUsed {
		SetTargetTypeIP(lb.Object, annotations.ALBTargetType, lb.AutoMode, r)
	}
}

// instanceParamsRisk warns that the Ingress's class pins instance targets
// in its IngressClassParams, which no annotation overrides. The class and
// its params serve other teams' Ingresses: lbguard edits neither.
func instanceParamsRisk(lb *LoadBalancer, r *Report) {
	params := r.View(lb.InstanceParams)
	r.Risk(IPTargetTypeID, lb.Object, "spec.ingressClassName", nil,
		"Ingress %s: its IngressClass takes IngressClassParams %s (%s), which sets targetType instance; that overrides the Ingress's %s annotation (LBC v2.13 and later), so the ELB sends to NodePorts. lbguard edits neither the class nor its params, which serve every Ingress of the class: set targetType ip there, or use a class without it",
		lb.Name, params.Name, params.APIVersion, annotations.ALBTargetType)
}

// setTargetTypeIP writes target type ip into obj's annotation key. Where
// the default is ip already (EKS Auto Mode), only an annotation that pins
// another type is changed.
func SetTargetTypeIP(obj *fn.KubeObject, key string, ipByDefault bool, r *Report) {
	current, ok := annotations.Get(r.Root(obj), key)
	if ok && current == "ip" || !ok && ipByDefault {
		return
	}
	was := "instance, the default"
	var currentValue any
	if ok {
		was = current
		currentValue = current
	}
	if err := annotations.Set(obj, r.Root(obj), key, "ip"); err != nil {
		r.Invalid(obj, annotations.Path(key), err.Error())
		return
	}
	r.Changed(IPTargetTypeID, obj, annotations.Path(key), currentValue, "ip",
		"%s: target type set to ip (was %s): the ELB sends to pod IPs, so its health checks and draining see each pod",
		r.Describe(obj), was)
}

// The Ingress front end: Ingresses of the LBC's and Auto Mode's classes.
func init() {
	Register(Frontend{Name: "ingress", Order: 1, Kinds: []LBKind{ALBIngress},
		Claim: claimIngress, Index: indexIngresses,
		TargetType: ingressTargetType, HealthCheck: ingressHealthCheck,
		AttributesKey: func(*Backend) string { return annotations.ALBTargetGroupAttributes },
		Delay:         DelayFromAttributes, PlanDelays: settleALB,
		SetIPTargets: ingressIPTargets})
}
