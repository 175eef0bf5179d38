package model

import (
	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/transformers/annotations"
)

// What a backend gives the rules, whichever front end made it: the answers
// are its load balancer's front end's (lb.Front).

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

// SetTargetTypeIP writes target type ip into obj's annotation key. Where
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
