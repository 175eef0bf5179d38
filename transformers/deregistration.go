package transformers

import (
	"strconv"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// R2: a short, explicit deregistration delay. The ELB's default of 300 s
// holds every rollout and drain five minutes per pod; an explicit delay is one
// the workload's preStop can be held against.

const ruleDeregistration RuleID = "R2"

// maxDeregistrationDelay is the ELB's upper bound for the attribute.
const maxDeregistrationDelay = 3600

// DeregistrationDelay writes deregistration_delay.timeout_seconds where none
// is set, Classic ELB connection draining, and warns where no delay can be set.
func DeregistrationDelay(inv *Inventory, cfg Config, r *Report) {
	seen := map[*fn.KubeObject]bool{} // each holder is settled once
	for _, lb := range inv.LoadBalancers {
		if lb.Skipped {
			continue
		}
		switch lb.Kind {
		case ALBIngress:
			albDeregistrationDelay(lb, cfg, r, seen)
		case LBCNLB:
			ensureDelayAttribute(lb.Object, svcTargetGroupAttributes, cfg.DeregistrationDelaySeconds, r)
		case ClassicELB:
			classicConnectionDraining(lb.Object, cfg.DeregistrationDelaySeconds, r)
			ensureDelayAttribute(lb.Object, svcTargetGroupAttributes, cfg.DeregistrationDelaySeconds, r)
		case InTreeNLB:
			r.Risk(ruleDeregistration, lb.Object, annotationPath(svcTargetGroupAttributes), nil,
				"Service %s: the in-tree NLB takes no deregistration delay, so its target groups keep the ELB default of %d s; its workloads get the NLB preStop floor. Move it to the LBC to set one",
				lb.name, platformDeregistrationDelay)
		case TGBinding:
			if _, known := lb.Backends[0].DeregistrationDelay(cfg); !known {
				r.Risk(ruleDeregistration, lb.Object, "spec.targetGroupARN", nil,
					"TargetGroupBinding %s: its target group is managed outside Kubernetes, so its deregistration delay cannot be seen here: check it where the target group is defined (at most %d s keeps the NLB preStop floor enough), or state it in the config's targetGroupBindingDelays",
					lb.name, cfg.NLBPreStopSeconds)
			}
		}
	}
	settleDeregistrationDelays(inv, cfg)
}

// albDeregistrationDelay settles the delay where each backend's effective
// target-group-attributes live: on a backend Service that carries its own
// (the LBC takes it whole, not merged with the Ingress's), else on the Ingress.
func albDeregistrationDelay(lb *LoadBalancer, cfg Config, r *Report, seen map[*fn.KubeObject]bool) {
	delay := cfg.DeregistrationDelaySeconds
	if d, ok := delayAttribute(lb.root, albTargetGroupAttributes); ok {
		delay = d // the Ingress states the user's delay: a Service override should keep it
	}
	ingressValueUsed := false
	for _, b := range lb.Backends {
		if b.Skipped() {
			continue
		}
		if _, holder, ok := b.Annotation(albTargetGroupAttributes); ok && holder == b.Service {
			if !seen[b.Service] {
				seen[b.Service] = true
				ensureDelayAttribute(b.Service, albTargetGroupAttributes, delay, r)
			}
		} else {
			ingressValueUsed = true
		}
	}
	if ingressValueUsed && !seen[lb.Object] {
		seen[lb.Object] = true
		ensureDelayAttribute(lb.Object, albTargetGroupAttributes, delay, r)
	}
}

// delayAttribute reads a valid delay from the target-group-attributes of
// the object whose root node is root.
func delayAttribute(root *yaml.Node, key string) (int, bool) {
	m, err := ParseStringMap(annotationValue(root, key))
	if err != nil {
		return 0, false
	}
	v, ok := m.Get(deregistrationDelayAttribute)
	if !ok {
		return 0, false
	}
	d, err := strconv.Atoi(v)
	return d, err == nil && d >= 0 && d <= maxDeregistrationDelay
}

// ensureDelayAttribute merges the delay into obj's target-group-attributes,
// keeping every other attribute and its order, and keeps a delay already set.
func ensureDelayAttribute(obj *fn.KubeObject, key string, delay int, r *Report) {
	current, exists := annotation(r.root(obj), key)
	attrs, err := ParseStringMap(current)
	if err != nil {
		r.Invalid(obj, annotationPath(key), "is not a list of key=value attributes ("+err.Error()+"); the LBC would refuse it")
		return
	}
	if v, ok := attrs.Get(deregistrationDelayAttribute); ok {
		d, err := strconv.Atoi(v)
		if err != nil || d < 0 || d > maxDeregistrationDelay {
			r.Invalid(obj, annotationPath(key), deregistrationDelayAttribute+"="+v+" must be a whole number of seconds from 0 to 3600")
			return
		}
		r.Kept(ruleDeregistration, obj, annotationPath(key), current,
			"%s: deregistration delay of %d s set by the user is kept; the workloads' preStop is held against it",
			r.describe(obj), d)
		return
	}
	attrs.Set(deregistrationDelayAttribute, strconv.Itoa(delay))
	proposed := attrs.String()
	if err := setAnnotationOf(obj, r.root(obj), key, proposed); err != nil {
		r.Invalid(obj, annotationPath(key), err.Error())
		return
	}
	var currentValue any
	if exists {
		currentValue = current
	}
	r.Changed(ruleDeregistration, obj, annotationPath(key), currentValue, proposed,
		"%s: deregistration delay set to %d s (the ELB default is %d s): draining ends soon after the pod leaves, and the workload's preStop outlasts it",
		r.describe(obj), delay, platformDeregistrationDelay)
}

// classicConnectionDraining turns on Classic ELB connection draining, which is
// off unless enabled: without it in-flight requests are cut at once.
func classicConnectionDraining(svc *fn.KubeObject, delay int, r *Report) {
	v := r.view(svc)
	switch enabled, ok := annotation(v.root, svcConnectionDraining); {
	case !ok:
		setAnnotation(svc, svcConnectionDraining, "true", nil, r,
			"Service %s: Classic ELB connection draining enabled: without it the ELB cuts in-flight requests the moment a pod leaves", v.name)
	case enabled != "true":
		r.Risk(ruleDeregistration, svc, annotationPath(svcConnectionDraining), enabled,
			"Service %s: Classic ELB connection draining is turned off by the user and left so: in-flight requests are cut the moment a pod leaves", v.name)
		return
	}
	if timeout, ok := annotation(v.root, svcConnectionDrainTimeout); ok {
		r.Kept(ruleDeregistration, svc, annotationPath(svcConnectionDrainTimeout), timeout,
			"Service %s: Classic ELB connection draining timeout of %s s set by the user is kept", v.name, timeout)
		return
	}
	setAnnotation(svc, svcConnectionDrainTimeout, strconv.Itoa(delay), nil, r,
		"Service %s: Classic ELB connection draining timeout set to %d s", v.name, delay)
}

// setAnnotation writes one annotation and reports the change under R2.
func setAnnotation(obj *fn.KubeObject, key, value string, current any, r *Report, format string, args ...any) {
	if err := setAnnotationOf(obj, r.root(obj), key, value); err != nil {
		r.Invalid(obj, annotationPath(key), err.Error())
		return
	}
	r.Changed(ruleDeregistration, obj, annotationPath(key), current, value, format, args...)
}
