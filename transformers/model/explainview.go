package model

import (
	"github.com/lbguard/lbguard/transformers/annotations"
)

// What `lbguard explain` reads of an inventory, read-only: the fields the
// rules hold against each other, which the timing model turns into seconds
// of failed requests. No rule calls these.

// ShutdownStated tells whether the workload sets A itself, with
// ShutdownSecondsAnnotation.
func (w *Workload) ShutdownStated() bool {
	_, ok := annotations.Get(w.Root, annotations.ShutdownSecondsAnnotation)
	return ok
}

// StatedDelay is the deregistration delay the backend's target-group
// attributes state, read as the rules read it (0 when it is not a valid
// number of seconds); set is false when they state none.
func (b *Backend) StatedDelay() (delay int, set bool) {
	key := b.AttributesKey()
	if key == "" {
		return 0, false
	}
	v, _, ok := b.Annotation(key)
	if !ok {
		return 0, false
	}
	_, delay, set, _ = ParseDelayAttribute(v)
	return delay, set
}

// OptedOut tells whether the workload carries lbguard.dev/skip.
func (w *Workload) OptedOut() bool { return w.Skipped }

// Replicas is how many pods the workload runs: spec.replicas (1 when
// absent), or the minimum of the HorizontalPodAutoscaler that scales it.
func (inv *Inventory) Replicas(w *Workload) int {
	n, ok := ReadReplicas(w, inv.TimingIndexes().Autoscalers, inv.ScratchReport())
	if !ok {
		return 1
	}
	return n.Min
}

// BudgetMaxUnavailable is how many of the workload's replicas the first
// PodDisruptionBudget that covers it lets a drain evict at once
// (replicas − minAvailable for a minAvailable budget); found is false when
// none covers it.
func (inv *Inventory) BudgetMaxUnavailable(w *Workload, replicas int) (maxUnavailable int, found bool) {
	for _, b := range inv.TimingIndexes().Budgets.Covering(w) {
		switch {
		case b.MaxUnavailable != nil:
			return b.MaxUnavailable.Of(replicas), true
		case b.MinAvailable != nil:
			return max(0, replicas-b.MinAvailable.Of(replicas)), true
		}
	}
	return 0, false
}

// PreStopSleep is the delay of the container's preStop: 0 without one.
// plain is false for a hook lbguard cannot read as a delay (a custom
// command), whose length it does not know.
func (c *Container) PreStopSleep() (seconds int, plain bool) {
	hook, err := ReadPreStop(c)
	if err != nil || hook.Kind == "custom" {
		return 0, false
	}
	return hook.Seconds, true
}

// targetGroupAttributes are the backend's effective target-group
// attributes; nil when it has none or they cannot be read.
func (b *Backend) TargetGroupAttributes() *annotations.StringMap {
	key := b.AttributesKey()
	if key == "" {
		return nil
	}
	v, _, ok := b.Annotation(key)
	if !ok {
		return nil
	}
	m, err := annotations.ParseStringMap(v)
	if err != nil {
		return nil
	}
	return m
}
