package rules

import (
	"strconv"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/transformers/annotations"
	"github.com/lbguard/lbguard/transformers/config"
	"github.com/lbguard/lbguard/transformers/model"
)

// R2: a short, explicit deregistration delay. The ELB's default of 300 s
// holds every rollout and drain five minutes per pod; an explicit delay is one
// the workload's preStop can be held against.
var ruleDeregistrationDelay = RuleInfo{
	ID: model.DeregistrationDelayID, Name: "DeregistrationDelay", Title: "deregistration delay", Severity: fn.Error,
	Why: "A deregistration delay nobody set is the ELB's 300 s (and a Classic ELB without connection draining cuts in-flight requests the moment a pod leaves); only an explicit, short delay is one the pod's preStop delay can be held against.",
}

// DeregistrationDelay writes deregistration_delay.timeout_seconds where the
// delays phase settled one to add, Classic ELB connection draining, and warns
// where no delay can be set.
func DeregistrationDelay(inv *model.Inventory, cfg config.Config, r *model.Report) {
	for _, lb := range inv.LoadBalancers {
		if lb.Skipped {
			continue
		}
		switch lb.Kind {
		case model.ClassicELB:
			classicConnectionDraining(lb.Object, cfg.DeregistrationDelaySeconds, r)
		case model.InTreeNLB:
			r.Risk(ruleDeregistrationDelay.ID, lb.Object, annotations.Path(annotations.SvcTargetGroupAttributes), nil,
				"Service %s: the in-tree NLB takes no deregistration delay, so its target groups keep the ELB default of %d s; its workloads get the NLB preStop floor. Move it to the LBC to set one",
				lb.Name, model.PlatformDeregistrationDelay)
		case model.TGBinding:
			if _, known := lb.Backends[0].DeregistrationDelay(cfg); !known {
				r.Risk(ruleDeregistrationDelay.ID, lb.Object, "spec.targetGroupARN", nil,
					"TargetGroupBinding %s: its target group is managed outside Kubernetes, so its deregistration delay cannot be seen here: check it where the target group is defined (at most %d s keeps the NLB preStop floor enough), or state it in the config's targetGroupBindingDelays",
					lb.Name, cfg.NLBPreStopSeconds)
			}
		}
		for _, s := range lb.DelaySettings {
			ensureDelayAttribute(s.Holder, s.Key, s.Delay, r)
		}
	}
	model.GatewayDelays(inv, r)
}

// ensureDelayAttribute merges the delay into obj's target-group-attributes,
// keeping every other attribute and its order, and keeps a delay already set.
func ensureDelayAttribute(obj *fn.KubeObject, key string, delay int, r *model.Report) {
	current, exists := annotations.Get(r.Root(obj), key)
	attrs, d, set, err := model.ParseDelayAttribute(current)
	switch {
	case err != nil:
		r.Invalid(obj, annotations.Path(key), err.Error())
		return
	case set:
		r.Kept(ruleDeregistrationDelay.ID, obj, annotations.Path(key), current,
			"%s: deregistration delay of %d s set by the user is kept; the workloads' preStop is held against it",
			r.Describe(obj), d)
		return
	}
	attrs.Set(annotations.DeregistrationDelayAttribute, strconv.Itoa(delay))
	proposed := attrs.String()
	if err := annotations.Set(obj, r.Root(obj), key, proposed); err != nil {
		r.Invalid(obj, annotations.Path(key), err.Error())
		return
	}
	var currentValue any
	if exists {
		currentValue = current
	}
	r.Changed(ruleDeregistrationDelay.ID, obj, annotations.Path(key), currentValue, proposed,
		"%s: deregistration delay set to %d s (the ELB default is %d s): draining ends soon after the pod leaves, and the workload's preStop outlasts it",
		r.Describe(obj), delay, model.PlatformDeregistrationDelay)
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
		r.Risk(ruleDeregistrationDelay.ID, svc, annotations.Path(annotations.SvcConnectionDraining), enabled,
			"Service %s: Classic ELB connection draining is turned off by the user and left so: in-flight requests are cut the moment a pod leaves", v.Name)
		return
	}
	if timeout, ok := annotations.Get(v.Root, annotations.SvcConnectionDrainTimeout); ok {
		r.Kept(ruleDeregistrationDelay.ID, svc, annotations.Path(annotations.SvcConnectionDrainTimeout), timeout,
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
	r.Changed(ruleDeregistrationDelay.ID, obj, annotations.Path(key), current, value, format, args...)
}
