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
// delays phase settled one to add, and asks each front end for the rest
// (model.Frontend's SetDelay: Classic ELB connection draining, and warnings
// where no delay can be set; SetTargetGroupDelays: the Gateway API's).
func DeregistrationDelay(inv *model.Inventory, cfg config.Config, r *model.Report) {
	for _, lb := range inv.LoadBalancers {
		if lb.Skipped {
			continue
		}
		if f, _ := model.FrontendOf(lb.Kind); f.SetDelay != nil {
			f.SetDelay(lb, cfg, r)
		}
		for _, s := range lb.DelaySettings {
			ensureDelayAttribute(s.Holder, s.Key, s.Delay, r)
		}
	}
	for _, f := range model.Frontends {
		if f.SetTargetGroupDelays != nil {
			f.SetTargetGroupDelays(inv, r)
		}
	}
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
