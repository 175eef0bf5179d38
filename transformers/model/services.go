package model

import (
	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/internal/yamlnode"
	"github.com/lbguard/lbguard/transformers/annotations"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// serviceKind tells who owns the LoadBalancer Service whose root node is
// root; ok is false for any other Service, and for LoadBalancer Services of
// another class.
func serviceKind(root *yaml.Node) (LBKind, bool) {
	if t, _ := yamlnode.StringAt(root, "spec", "type"); t != "LoadBalancer" {
		return "", false
	}
	class, _ := yamlnode.StringAt(root, "spec", "loadBalancerClass")
	switch {
	case class == annotations.LBCLoadBalancerClass, class == autoModeLoadBalancerClass:
		return LBCNLB, true
	case class != "":
		return "", false // another implementation's class: neither AWS controller acts
	}
	switch annotations.Value(root, annotations.SvcLBType) {
	case "external", "nlb-ip":
		return LBCNLB, true
	case "nlb":
		return InTreeNLB, true
	}
	return ClassicELB, true
}

func (inv *Inventory) addLoadBalancerService(svc *fn.KubeObject, r *Report) {
	kind, ok := serviceKind(inv.Root(svc))
	if !ok {
		return
	}
	lb := inv.NewLoadBalancer(kind, svc)
	class, _ := yamlnode.StringAt(lb.Root, "spec", "loadBalancerClass")
	lb.AutoMode = class == autoModeLoadBalancerClass
	inv.LoadBalancers = append(inv.LoadBalancers, lb)
	inv.AddBackend(lb, lb.NamespaceOrDefault(), lb.Name, nil, r)
}
