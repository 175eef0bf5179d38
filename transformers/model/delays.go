package model

import (
	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/transformers/annotations"
	"github.com/lbguard/lbguard/transformers/config"
)

// The delays phase. Before any rule runs, lbguard settles the deregistration
// delay D of each backend: the delay its target group has once R2 has
// written the missing ones. R2 writes what this phase decides, and the
// workload rules (R4–R6) hold the preStop delay and the grace period against
// it, so each rule reads the same D whether it runs alone or after R2.

// platformDeregistrationDelay is the ELB's own default, used where nothing sets one.
const PlatformDeregistrationDelay = 300

// delaySetting is one holder of target-group attributes whose delay R2
// settles: it keeps a delay the holder sets, and adds delay where it sets none.
type delaySetting struct {
	Holder *fn.KubeObject
	Key    string // the annotation of the attributes
	Delay  int
}

// SettledDelay is a backend's delay as the delays phase settled it.
type SettledDelay struct {
	Seconds int
	Known   bool
}

// delayPlan is what R2 will write: the delay it adds to each holder's
// attributes that set none, and Classic ELB connection draining.
type DelayPlan struct {
	added        map[delayHolder]int
	defaultDelay int // the config's D, for Classic ELB draining timeouts
}

type delayHolder struct {
	object *fn.KubeObject
	key    string
}

// settleDelays decides, load balancer by load balancer, the holders R2
// settles and the delay it adds to each, then settles every backend's delay.
// A holder shared by two load balancers is settled by the first.
func SettleDelays(inv *Inventory, cfg config.Config) {
	plan := &DelayPlan{added: map[delayHolder]int{}, defaultDelay: cfg.DeregistrationDelaySeconds}
	seen := map[delayHolder]bool{}
	settle := func(lb *LoadBalancer, holder *fn.KubeObject, key string, delay int) {
		h := delayHolder{holder, key}
		if seen[h] {
			return
		}
		seen[h] = true
		lb.DelaySettings = append(lb.DelaySettings, delaySetting{holder, key, delay})
		if _, _, set, err := ParseDelayAttribute(annotations.Value(inv.Root(holder), key)); err == nil && !set {
			plan.added[h] = delay
		}
	}
	for _, lb := range inv.LoadBalancers {
		if lb.Skipped {
			continue
		}
		if plan := lb.Front.PlanDelays; plan != nil {
			plan(lb, cfg, settle)
		}
	}
	for _, lb := range inv.LoadBalancers {
		for _, b := range lb.Backends {
			seconds, known := b.ReadDeregistrationDelay(cfg, plan)
			b.Delay = &SettledDelay{seconds, known}
		}
	}
	for _, f := range Frontends {
		if settle := f.SettleTargetGroups; settle != nil {
			settle(inv, cfg)
		}
	}
}

// settleALB settles the delay where each backend's effective
// target-group-attributes live: on a backend Service that carries its own
// (the LBC takes it whole, not merged with the Ingress's), else on the
// Ingress. A delay the Ingress states is the user's: a Service that
// overrides the attributes keeps it.
func SettleALB(lb *LoadBalancer, cfg config.Config, settle func(*LoadBalancer, *fn.KubeObject, string, int)) {
	delay := cfg.DeregistrationDelaySeconds
	if d, ok := delayAttribute(lb.Root, annotations.ALBTargetGroupAttributes); ok {
		delay = d
	}
	ingressValueUsed := false
	for _, b := range lb.Backends {
		if b.Skipped() {
			continue
		}
		if _, holder, ok := b.Annotation(annotations.ALBTargetGroupAttributes); ok && holder == b.Service {
			settle(lb, b.Service, annotations.ALBTargetGroupAttributes, delay)
		} else {
			ingressValueUsed = true
		}
	}
	if ingressValueUsed {
		settle(lb, lb.Object, annotations.ALBTargetGroupAttributes, delay)
	}
}

// DeregistrationDelay is the effective delay D in seconds; known is false
// when it cannot be seen from here (a TargetGroupBinding the config does not
// describe) or does not bound a pod's shutdown: an in-tree NLB targets nodes,
// so a terminating pod deregisters nothing, and its delay (the platform's
// 300 s) cannot be set; docs/rules.md gives its workloads the NLB preStop
// floor. A delay nobody set is the platform's 300 s. Before the delays are
// settled (an inventory built alone), it is the delay as written.
func (b *Backend) DeregistrationDelay(cfg config.Config) (seconds int, known bool) {
	if b.Delay != nil {
		return b.Delay.Seconds, b.Delay.Known
	}
	return b.ReadDeregistrationDelay(cfg, nil)
}

// readDeregistrationDelay reads the delay as written, and as plan will
// write it unless plan is nil.
func (b *Backend) ReadDeregistrationDelay(cfg config.Config, plan *DelayPlan) (seconds int, known bool) {
	return b.LB.Front.Delay(b, cfg, plan)
}

// delayFromAttributes is the delay of the backend's target-group
// attributes, as written or as plan adds it; the platform's when none.
func DelayFromAttributes(b *Backend, _ config.Config, plan *DelayPlan) (seconds int, known bool) {
	seconds = PlatformDeregistrationDelay
	attributes, holder, _ := b.Annotation(b.AttributesKey())
	if _, d, set, err := ParseDelayAttribute(attributes); err == nil && set {
		seconds = d
	} else if d, ok := plan.addedTo(holder, b.AttributesKey()); ok {
		seconds = d
	}
	return seconds, true
}

// addedTo is the delay R2 adds to holder's attributes under key, if any.
func (plan *DelayPlan) addedTo(holder *fn.KubeObject, key string) (int, bool) {
	if plan == nil {
		return 0, false
	}
	d, ok := plan.added[delayHolder{holder, key}]
	return d, ok
}

// drainingTimeout is the Classic ELB connection-draining timeout of lb when
// draining is on, as written, or as R2 will write it unless plan is nil: R2
// turns draining on where the user did not turn it off, with the config's D
// where no timeout is set.
func (lb *LoadBalancer) DrainingTimeout(plan *DelayPlan) (int, bool) {
	settling := plan != nil && !lb.Skipped
	enabled, set := annotations.Get(lb.Root, annotations.SvcConnectionDraining)
	if enabled != "true" && !(settling && !set) {
		return 0, false
	}
	if text, ok := annotations.Get(lb.Root, annotations.SvcConnectionDrainTimeout); ok {
		return parseSeconds(text)
	}
	if settling {
		return plan.defaultDelay, true
	}
	return 0, false
}
