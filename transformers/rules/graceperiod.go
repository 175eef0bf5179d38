package rules

import (
	"strconv"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/internal/yamlnode"
	"github.com/lbguard/lbguard/transformers/config"
	"github.com/lbguard/lbguard/transformers/model"
)

// R6: a grace period that covers the preStop delay and the app's own
// shutdown. The kubelet kills the pod when the grace period ends, preStop
// included; the API server refuses a preStop sleep longer than it.
var RuleGracePeriod = RuleInfo{
	ID: "R6", Name: "GracePeriod", Title: "grace period", Severity: fn.Error,
	Why: "The kubelet kills the pod when its grace period ends, preStop included: a grace period shorter than the preStop delay plus the app's own shutdown cuts in-flight requests.",
}

// defaultGracePeriod is the grace period of a pod that sets none.
const defaultGracePeriod = 30

// nodeGroupDrainTimeout is how long an EKS managed node group waits for a
// drain before it gives up on a node.
const nodeGroupDrainTimeout = 900

var gracePeriodPath = "spec.template.spec.terminationGracePeriodSeconds"

// GracePeriod raises terminationGracePeriodSeconds to S + A, never lowers it.
func GracePeriod(inv *model.Inventory, cfg config.Config, r *model.Report) {
	for _, w := range inv.WorkloadsInScope(cfg) {
		s, _, err := w.PreStopSeconds(cfg)
		if err != nil {
			continue // R5 reported it
		}
		a, err := w.ShutdownSeconds(cfg)
		if err != nil {
			r.InvalidField(w.Object, err)
			continue
		}
		containers := w.Containers()
		current, set, err := yamlnode.IntAt(w.Root, append(model.PodSpecPath, "terminationGracePeriodSeconds")...)
		if err != nil || current < 0 {
			r.Invalid(w.Object, gracePeriodPath, "must be a whole number of seconds, 0 or more")
			continue
		}
		if !set {
			current = defaultGracePeriod
		}
		preStop := max(s, longestPreStopSleep(containers))
		need := preStop + a
		g := current
		if need > current {
			g = need
			if err := w.Object.SetNestedInt(need, append(model.PodSpecPath, "terminationGracePeriodSeconds")...); err != nil {
				r.Invalid(w.Object, gracePeriodPath, err.Error())
				continue
			}
			var currentValue any
			was := "the default of 30 s"
			if set {
				currentValue = current
				was = strconv.Itoa(current) + " s"
			}
			r.Changed(RuleGracePeriod.ID, w.Object, gracePeriodPath, currentValue, need,
				"%s %s: grace period raised from %s to %d s = preStop %d s + shutdown %d s, so the kubelet does not kill the app while it drains or finishes its requests",
				w.KindName, w.Name, was, need, preStop, a)
		}
		if g > nodeGroupDrainTimeout {
			r.Risk(RuleGracePeriod.ID, w.Object, gracePeriodPath, g,
				"%s %s: a grace period of %d s is longer than the %d s an EKS managed node group waits for a drain: node upgrades will give up on these pods",
				w.KindName, w.Name, g, nodeGroupDrainTimeout)
		}
	}
}
