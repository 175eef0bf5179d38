package rules

import (
	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/transformers/annotations"
	"github.com/lbguard/lbguard/transformers/config"
	"github.com/lbguard/lbguard/transformers/model"
)

// R1: the ip target type. With instance targets the ELB sends to every node's
// NodePort and kube-proxy forwards: health checks and draining see the node,
// not the pod, and readiness gates cannot apply.
var ruleIPTargetType = RuleInfo{
	ID: model.IPTargetTypeID, Name: "IPTargetType", Title: "ip target type", Severity: fn.Error,
	Why: "With instance targets the ELB sends to every node's NodePort and kube-proxy forwards, so health checks and draining see the node, not the pod, and a pod that is going away still gets new requests.",
}

// IPTargetType sets target type ip on ALB Ingresses (or on the backend Service
// that overrides them) and on LBC-owned Services, and warns where it cannot.
func IPTargetType(inv *model.Inventory, cfg config.Config, r *model.Report) {
	for _, lb := range inv.LoadBalancers {
		if lb.Skipped {
			continue
		}
		switch lb.Kind {
		case model.ALBIngress:
			if lb.InstanceParams != nil {
				instanceParamsRisk(lb, r)
				continue
			}
			albTargetTypeIP(lb, r)
		case model.LBCNLB:
			if annotations.Value(lb.Root, annotations.SvcLBType) != "nlb-ip" {
				setTargetTypeIP(lb.Object, annotations.SvcNLBTargetType, lb.AutoMode, r)
			}
		case model.ClassicELB:
			r.Risk(ruleIPTargetType.ID, lb.Object, annotations.Path(annotations.SvcLBType), nil,
				"Service %s has no %s: the in-tree controller serves it as a Classic ELB (instance targets, connection draining), unless the LBC adopted it when it was created (then an NLB that reads nlb-target-type and target-group-attributes). lbguard writes the settings of both owners; for ip targets create a new Service with %s: external (changing the type of a live Service leaks its load balancer)",
				lb.Name, annotations.SvcLBType, annotations.SvcLBType)
			setTargetTypeIP(lb.Object, annotations.SvcNLBTargetType, false, r)
		case model.InTreeNLB:
			r.Risk(ruleIPTargetType.ID, lb.Object, annotations.Path(annotations.SvcLBType), "nlb",
				"Service %s is an NLB of the in-tree controller: it always targets instances and takes no deregistration delay; move it to the LBC (a new Service with %s: external and %s: ip; changing the type of a live Service leaks its load balancer)",
				lb.Name, annotations.SvcLBType, annotations.SvcNLBTargetType)
		case model.TGBinding:
			switch t := lb.Backends[0].TargetType(); t {
			case "ip":
			case "":
				r.Risk(ruleIPTargetType.ID, lb.Object, "spec.targetType", nil,
					"TargetGroupBinding %s declares no targetType: the LBC reads it from the target group. If that group is instance, the ELB sends to NodePorts and the type cannot be changed in place: bind an ip target group in a new TargetGroupBinding. Its namespace is labelled for readiness gates all the same (the label does nothing for instance targets)",
					lb.Name)
			default:
				r.Risk(ruleIPTargetType.ID, lb.Object, "spec.targetType", t,
					"TargetGroupBinding %s does not declare targetType ip, and the field is immutable: bind an ip target group in a new TargetGroupBinding so that the ELB sends to pods, not NodePorts",
					lb.Name)
			}
		}
	}
	model.GatewayTargetTypeIP(inv, r)
}

// albTargetTypeIP writes target-type ip where each backend's effective value
// lives: on a backend Service that carries its own, else on the Ingress.
func albTargetTypeIP(lb *model.LoadBalancer, r *model.Report) {
	ingressValueUsed := false
	for _, b := range lb.Backends {
		if b.Skipped() {
			continue
		}
		if _, holder, ok := b.Annotation(annotations.ALBTargetType); ok && holder == b.Service {
			setTargetTypeIP(b.Service, annotations.ALBTargetType, lb.AutoMode, r)
		} else {
			ingressValueUsed = true
		}
	}
	if ingressValueUsed {
		setTargetTypeIP(lb.Object, annotations.ALBTargetType, lb.AutoMode, r)
	}
}

// instanceParamsRisk warns that the Ingress's class pins instance targets
// in its IngressClassParams, which no annotation overrides. The class and
// its params serve other teams' Ingresses: lbguard edits neither.
func instanceParamsRisk(lb *model.LoadBalancer, r *model.Report) {
	params := r.View(lb.InstanceParams)
	r.Risk(ruleIPTargetType.ID, lb.Object, "spec.ingressClassName", nil,
		"Ingress %s: its IngressClass takes IngressClassParams %s (%s), which sets targetType instance; that overrides the Ingress's %s annotation (LBC v2.13 and later), so the ELB sends to NodePorts. lbguard edits neither the class nor its params, which serve every Ingress of the class: set targetType ip there, or use a class without it",
		lb.Name, params.Name, params.APIVersion, annotations.ALBTargetType)
}

// setTargetTypeIP writes target type ip into obj's annotation key. Where
// the default is ip already (EKS Auto Mode), only an annotation that pins
// another type is changed.
func setTargetTypeIP(obj *fn.KubeObject, key string, ipByDefault bool, r *model.Report) {
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
	r.Changed(ruleIPTargetType.ID, obj, annotations.Path(key), currentValue, "ip",
		"%s: target type set to ip (was %s): the ELB sends to pod IPs, so its health checks and draining see each pod",
		r.Describe(obj), was)
}
