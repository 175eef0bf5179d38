package model

import (
	"strconv"

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
	lb := inv.newLoadBalancer(kind, svc)
	class, _ := yamlnode.StringAt(lb.Root, "spec", "loadBalancerClass")
	lb.AutoMode = class == autoModeLoadBalancerClass
	inv.LoadBalancers = append(inv.LoadBalancers, lb)
	inv.addBackend(lb, lb.NamespaceOrDefault(), lb.Name, nil, r)
}

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

// Skipped reports whether lbguard must leave this backend's objects alone.
// It is read once, when the inventory is built: the rules ask it for every
// workload in front of every rule, and no rule writes the opt-out.
func (b *Backend) Skipped() bool {
	return b.skipped
}

// Annotation returns the effective value of a load-balancer annotation for
// this backend and the object it lives on. For an ALB, the LBC merges the
// backend Service's annotations over the Ingress's, key by key.
func (b *Backend) Annotation(key string) (value string, holder *fn.KubeObject, ok bool) {
	if b.LB.Kind == ALBIngress && b.Service != nil {
		if v, ok := annotations.Get(b.ServiceView.Root, key); ok {
			return v, b.Service, true
		}
	}
	if b.LB.Kind == TGBinding || b.LB.Kind.IsGateway() {
		return "", nil, false // no annotation sets their target groups
	}
	v, ok := annotations.Get(b.LB.Root, key)
	return v, b.LB.Object, ok
}

// AttributesKey is the annotation that carries target-group attributes, if any.
func (b *Backend) AttributesKey() string { return b.LB.Front.AttributesKey(b) }

// TargetType is the effective target type: "ip" or "instance"; "" when a
// TargetGroupBinding leaves it to its target group.
func (b *Backend) TargetType() string { return b.LB.Front.TargetType(b) }

// HealthCheck is the health check a load balancer names explicitly.
type HealthCheck struct {
	Path     string // "" when the load balancer names none, or checks no HTTP
	Port     string // "traffic-port", a number, or a Service port name; "" when not named
	Protocol string // "HTTP", "HTTPS", "TCP", or "GRPC" for an ALB's gRPC target group; "" when not named
}

// HealthCheck returns the health check named for this backend.
func (b *Backend) HealthCheck() HealthCheck { return b.LB.Front.HealthCheck(b) }
