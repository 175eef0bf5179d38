package model

import (
	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/internal/yamlnode"
	"github.com/lbguard/lbguard/transformers/annotations"
)

// EKS Auto Mode's load balancers (docs/gateway.md 2): its ALB (IngressClass
// controller eks.amazonaws.com/alb) and NLB (loadBalancerClass
// eks.amazonaws.com/nlb) read the LBC's annotations, but target pod IPs by
// default and have no pod readiness gates.

const (
	AutoModeGroup             = "eks.amazonaws.com"
	AutoModeLoadBalancerClass = "eks.amazonaws.com/nlb"
)

// isIngressClassParams is true of the LBC's and Auto Mode's IngressClassParams.
func (gk GroupKind) IsIngressClassParams() bool {
	return gk == GroupKind{"elbv2.k8s.aws", "IngressClassParams"} || gk == GroupKind{AutoModeGroup, "IngressClassParams"}
}

// isTargetGroupBinding is true of the LBC's and Auto Mode's TargetGroupBindings.
func (gk GroupKind) IsTargetGroupBinding() bool {
	return gk == GroupKind{"elbv2.k8s.aws", "TargetGroupBinding"} || gk == GroupKind{AutoModeGroup, "TargetGroupBinding"}
}

// instanceParams is the IngressClassParams that class takes when it pins
// targetType instance: since LBC v2.13 that overrides every Ingress's
// target-type annotation (Auto Mode is assumed to do the same). nil when
// the class takes none, or one not in the list, or one that pins nothing.
func (inv *Inventory) InstanceParams(class *fn.KubeObject) *fn.KubeObject {
	if class == nil {
		return nil
	}
	ref := yamlnode.Find(inv.Root(class), "spec", "parameters")
	group, _ := yamlnode.StringAt(ref, "apiGroup")
	kind, _ := yamlnode.StringAt(ref, "kind")
	name, _ := yamlnode.StringAt(ref, "name")
	params := inv.IngressClassParams[GroupKind{group, kind}.String()+"/"+name]
	if params == nil || kind != "IngressClassParams" {
		return nil
	}
	if t, _ := yamlnode.StringAt(inv.Root(params), "spec", "targetType"); t != "instance" {
		return nil
	}
	return params
}

func (gk GroupKind) String() string { return gk.kind + "." + gk.Group }

// autoModeNamespaces warns once for each namespace with Auto Mode targets:
// Auto Mode has no pod readiness gates, so no label can hold a rollout.
func AutoModeNamespaces(inv *Inventory, r *Report) {
	seen := map[string]bool{}
	for _, lb := range inv.LoadBalancers {
		if !lb.AutoMode || lb.Skipped {
			continue
		}
		for _, b := range lb.Backends {
			if b.Skipped() || seen[b.Namespace] {
				continue
			}
			seen[b.Namespace] = true
			format := "Namespace %s holds targets of EKS Auto Mode's %s (%s %s), which has no pod readiness gates (aws/containers-roadmap#2511): lbguard adds no label, and nothing holds a rollout until the new targets pass the ELB health check. The readinessProbe that mirrors the health check, minReadySeconds and a small maxUnavailable are what slow the rollout down"
			what := "ALB"
			if lb.Kind != ALBIngress {
				what = "NLB"
			}
			if ns := inv.Namespaces[b.Namespace]; ns != nil {
				r.Risk(ReadinessGatesID, ns, annotations.LabelPath(annotations.ReadinessGateLabel), nil, format, b.Namespace, what, lb.KindName, lb.Name)
				continue
			}
			r.RiskAt(ReadinessGatesID, &fn.ResourceRef{APIVersion: "v1", Kind: "Namespace", Name: b.Namespace}, annotations.LabelPath(annotations.ReadinessGateLabel), format, b.Namespace, what, lb.KindName, lb.Name)
		}
	}
}
