package rules

import (
	"github.com/kptdev/krm-functions-sdk/go/fn"
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

// IPTargetType asks the front end of each load balancer to make its targets
// ip (model.Frontend's SetIPTargets: the Ingress or the backend Service that
// overrides it, an LBC-owned Service), or to warn where it cannot, then each
// front end that sets target groups (the Gateway API's) to set them.
func IPTargetType(inv *model.Inventory, cfg config.Config, r *model.Report) {
	for _, lb := range inv.LoadBalancers {
		if lb.Skipped {
			continue
		}
		if f, _ := model.FrontendOf(lb.Kind); f.SetIPTargets != nil {
			f.SetIPTargets(lb, r)
		}
	}
	for _, f := range model.Frontends {
		if f.SetIPTargetGroups != nil {
			f.SetIPTargetGroups(inv, r)
		}
	}
}
