package transformers

import (
	"strconv"
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// serviceKind tells who owns the LoadBalancer Service whose root node is
// root; ok is false for any other Service, and for LoadBalancer Services of
// another class.
func serviceKind(root *yaml.Node) (LBKind, bool) {
	if t, _ := stringAt(root, "spec", "type"); t != "LoadBalancer" {
		return "", false
	}
	class, _ := stringAt(root, "spec", "loadBalancerClass")
	switch {
	case class == lbcLoadBalancerClass:
		return LBCNLB, true
	case class != "":
		return "", false // another implementation's class: neither AWS controller acts
	}
	switch annotationValue(root, svcLBType) {
	case "external", "nlb-ip":
		return LBCNLB, true
	case "nlb":
		return InTreeNLB, true
	}
	return ClassicELB, true
}

func (inv *Inventory) addLoadBalancerService(svc *fn.KubeObject, r *Report) {
	kind, ok := serviceKind(inv.root(svc))
	if !ok {
		return
	}
	lb := inv.newLoadBalancer(kind, svc)
	inv.LoadBalancers = append(inv.LoadBalancers, lb)
	inv.addBackend(lb, lb.namespaceOrDefault(), lb.name, nil, r)
}

func (inv *Inventory) addTargetGroupBinding(tgb *fn.KubeObject, r *Report) {
	name, _, err := tgb.NestedString("spec", "serviceRef", "name")
	if err != nil || name == "" {
		r.Invalid(tgb, "spec.serviceRef.name", "must name a Service")
		return
	}
	port, _, _ := tgb.NestedString("spec", "serviceRef", "port")
	if port == "" {
		if n, _, _ := tgb.NestedInt64("spec", "serviceRef", "port"); n != 0 {
			port = strconv.Itoa(int(n))
		}
	}
	lb := inv.newLoadBalancer(TGBinding, tgb)
	inv.LoadBalancers = append(inv.LoadBalancers, lb)
	var ports []string
	if port != "" {
		ports = []string{port}
	}
	inv.addBackend(lb, lb.namespaceOrDefault(), name, ports, r)
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
		if v, ok := annotation(b.serviceView.root, key); ok {
			return v, b.Service, true
		}
	}
	if b.LB.Kind == TGBinding {
		return "", nil, false
	}
	v, ok := annotation(b.LB.root, key)
	return v, b.LB.Object, ok
}

// targetTypeKey is the annotation that carries the target type, if any.
func (b *Backend) targetTypeKey() string {
	switch b.LB.Kind {
	case ALBIngress:
		return albTargetType
	case LBCNLB, ClassicELB:
		return svcNLBTargetType
	}
	return ""
}

// attributesKey is the annotation that carries target-group attributes, if any.
func (b *Backend) attributesKey() string {
	switch b.LB.Kind {
	case ALBIngress:
		return albTargetGroupAttributes
	case LBCNLB, ClassicELB:
		return svcTargetGroupAttributes
	}
	return ""
}

// TargetType is the effective target type: "ip" or "instance"; "" when a
// TargetGroupBinding leaves it to its target group.
func (b *Backend) TargetType() string {
	switch b.LB.Kind {
	case TGBinding:
		t, _ := stringAt(b.LB.root, "spec", "targetType")
		return t
	case InTreeNLB:
		return "instance"
	case LBCNLB:
		if annotationValue(b.LB.root, svcLBType) == "nlb-ip" {
			return "ip"
		}
	}
	if t, _, ok := b.Annotation(b.targetTypeKey()); ok {
		return t
	}
	return "instance"
}

// platformDeregistrationDelay is the ELB's own default, used where nothing sets one.
const platformDeregistrationDelay = 300

// DeregistrationDelay is the effective delay D in seconds; known is false
// when it cannot be seen from here (a TargetGroupBinding the config does not
// describe) or does not bound a pod's shutdown: an in-tree NLB targets nodes,
// so a terminating pod deregisters nothing, and its delay (the platform's
// 300 s) cannot be set; DOMAIN.md gives its workloads the NLB preStop floor.
// A delay nobody set is the platform's 300 s.
func (b *Backend) DeregistrationDelay(cfg Config) (seconds int, known bool) {
	if b.delay != nil {
		return b.delay.seconds, b.delay.known
	}
	return b.readDeregistrationDelay(cfg)
}

// settledDelay is a backend's delay once R2 has run: no later rule writes
// the annotations it is read from, and the workload rules ask for it for
// every workload behind the backend, several times each.
type settledDelay struct {
	seconds int
	known   bool
}

// settleDeregistrationDelays reads each backend's delay once, for the rules
// after R2.
func settleDeregistrationDelays(inv *Inventory, cfg Config) {
	for _, lb := range inv.LoadBalancers {
		for _, b := range lb.Backends {
			seconds, known := b.readDeregistrationDelay(cfg)
			b.delay = &settledDelay{seconds, known}
		}
	}
}

func (b *Backend) readDeregistrationDelay(cfg Config) (seconds int, known bool) {
	switch b.LB.Kind {
	case TGBinding:
		// Keyed by namespace/name, or by name alone (README).
		if d, ok := cfg.TargetGroupBindingDelays[b.LB.namespaceOrDefault()+"/"+b.LB.name]; ok {
			return d, true
		}
		d, ok := cfg.TargetGroupBindingDelays[b.LB.name]
		return d, ok
	case InTreeNLB:
		return platformDeregistrationDelay, false
	}
	seconds = platformDeregistrationDelay
	if attrs, _, ok := b.Annotation(b.attributesKey()); ok {
		if m, err := ParseStringMap(attrs); err == nil {
			if v, ok := m.Get(deregistrationDelayAttribute); ok {
				if d, err := strconv.Atoi(v); err == nil {
					seconds = d
				}
			}
		}
	}
	if b.LB.Kind == ClassicELB && annotationValue(b.LB.root, svcConnectionDraining) == "true" {
		// Either owner may serve it: the workload must outlast the longer.
		if d, err := strconv.Atoi(annotationValue(b.LB.root, svcConnectionDrainTimeout)); err == nil && d > seconds {
			seconds = d
		}
	}
	return seconds, true
}

// HealthCheck is the health check a load balancer names explicitly.
type HealthCheck struct {
	Path     string // "" when the load balancer names none, or checks no HTTP
	Port     string // "traffic-port", a number, or a Service port name; "" when not named
	Protocol string // "HTTP", "HTTPS", "TCP", or "GRPC" for an ALB's gRPC target group; "" when not named
}

// HealthCheck returns the health check named for this backend.
func (b *Backend) HealthCheck() HealthCheck {
	var hc HealthCheck
	switch b.LB.Kind {
	case ALBIngress:
		hc.Path, _, _ = b.Annotation(albHealthCheckPath)
		hc.Port, _, _ = b.Annotation(albHealthCheckPort)
		hc.Protocol, _, _ = b.Annotation(albBackendProtocol)
		if v, _, ok := b.Annotation(albHealthCheckProtocol); ok {
			hc.Protocol = v
		}
		if v, _, _ := b.Annotation(albBackendProtocolVersion); strings.EqualFold(v, "GRPC") {
			hc.Protocol = "GRPC" // the check is a gRPC call, whatever the protocol says
		}
	case LBCNLB, ClassicELB:
		hc.Protocol, _, _ = b.Annotation(svcHealthCheckProtocol)
		if p := strings.ToUpper(hc.Protocol); p == "HTTP" || p == "HTTPS" {
			hc.Path, _, _ = b.Annotation(svcHealthCheckPath)
		}
		hc.Port, _, _ = b.Annotation(svcHealthCheckPort)
	}
	hc.Protocol = strings.ToUpper(hc.Protocol) // the LBC reads it in any case
	return hc
}
