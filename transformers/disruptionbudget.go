package transformers

import (
	"fmt"
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/internal/yamlnode"
	"github.com/lbguard/lbguard/transformers/config"
)

// R7: a PodDisruptionBudget that protects without blocking. Without one, a
// drain may evict every replica at once and leave the load balancer with no
// healthy target; with one that allows no eviction, drains and node upgrades
// hang. Existing budgets are the user's: lbguard reads them, never edits them.
var ruleDisruptionBudget = RuleInfo{
	ID: "R7", Name: "DisruptionBudget", Title: "PodDisruptionBudget", Severity: fn.Error,
	Why: "Without a PodDisruptionBudget a node drain may evict all of a workload's pods at once; a budget that allows no eviction blocks the drain instead.",
}

// DisruptionBudget adds a policy/v1 PodDisruptionBudget for each workload in
// scope that runs 2+ replicas and that no budget covers, and warns about the
// budgets it finds that block, overlap or are no longer served.
func DisruptionBudget(inv *Inventory, cfg config.Config, r *Report) {
	budgets := newBudgetIndex(inv, readBudgets(inv.PDBs, r))
	autoscalers := readAutoscalers(inv.Others, r)
	overlapsReported := map[string]bool{}
	for _, w := range inv.WorkloadsInScope(cfg) {
		// Drains leave DaemonSet pods in place, and a budget cannot count
		// them (a DaemonSet has no scale): there is nothing to protect.
		if w.kind == "DaemonSet" {
			continue
		}
		replicas, ok := readReplicas(w, autoscalers, r)
		if !ok {
			continue
		}
		var existing []*budget
		for _, b := range budgets.covering(w) {
			if !b.generated {
				existing = append(existing, b)
			}
		}
		good := true
		for _, b := range existing {
			good = b.review(w, replicas, cfg, r) && good
		}
		switch {
		case len(existing) > 1:
			reportOverlap(w, existing, overlapsReported, r)
		case len(existing) == 1 && good:
			b := existing[0]
			r.Kept(ruleDisruptionBudget.ID, b.object, "spec", b.summary(),
				"PodDisruptionBudget %s already covers %s %s: kept as it is", b.view.name, w.kind, w.name)
		}
		if replicas.max == 0 {
			continue // scaled to zero: no pod to protect
		}
		if replicas.max < 2 {
			reportSingleReplica(w, replicas, r)
			continue
		}
		if len(budgets.covering(w)) == 0 {
			addBudget(inv, w, replicas, budgets, cfg, r)
		}
	}
}

// review warns, once per budget, when it blocks every eviction of w's pods,
// is still policy/v1beta1, or lets a drain hang on an unhealthy pod. It
// reports whether the budget is fine.
func (b *budget) review(w *Workload, replicas replicaCount, cfg config.Config, r *Report) bool {
	if isSkipped(b.view.root) {
		return true
	}
	if b.reviewed {
		return b.good
	}
	b.reviewed, b.good = true, true
	name, workload := b.view.name, w.kind+" "+w.name
	v1beta1 := b.view.apiVersion == "policy/v1beta1"
	if v1beta1 {
		b.good = false
		note := ""
		if b.selector != nil && b.selector.empty() {
			note = fmt.Sprintf(", and mind its empty selector: it covered no pods in v1beta1, and covers every pod of namespace %s in policy/v1", b.namespace)
		}
		r.Risk(ruleDisruptionBudget.ID, b.object, "apiVersion", "policy/v1beta1",
			"PodDisruptionBudget %s is policy/v1beta1, which Kubernetes no longer serves (since 1.25): applying it fails, and %s is left without a budget. lbguard leaves it as it is: change its apiVersion to policy/v1%s",
			name, workload, note)
	}
	if field, current, blocking := b.blocks(replicas.min); blocking {
		b.good = false
		r.Risk(ruleDisruptionBudget.ID, b.object, field, current,
			"PodDisruptionBudget %s allows no eviction of the pods of %s (%s with %s): drains and node upgrades hang on them. lbguard leaves it as it is: use maxUnavailable: 1 (or a percentage) instead",
			name, workload, b.summary(), replicas.describeMin())
	}
	policy, _ := yamlnode.StringAt(b.view.root, "spec", "unhealthyPodEvictionPolicy")
	set := yamlnode.Find(b.view.root, "spec", "unhealthyPodEvictionPolicy") != nil
	if !v1beta1 && cfg.KubernetesVersion.AtLeast(1, 27) && policy != "AlwaysAllow" {
		b.good = false
		var current any
		if set {
			current = policy
		}
		r.Risk(ruleDisruptionBudget.ID, b.object, "spec.unhealthyPodEvictionPolicy", current,
			"PodDisruptionBudget %s does not set unhealthyPodEvictionPolicy: AlwaysAllow: while its budget is spent, a pod of %s that runs but is not ready cannot be evicted either, so a drain can hang on a crash-looping pod. lbguard leaves it as it is",
			name, workload)
	}
	return b.good
}

// blocks tells whether the budget allows no eviction at all when the
// workload runs the given number of replicas. Percentages round up, as in
// the disruption controller.
func (b *budget) blocks(replicas int) (field string, current any, blocking bool) {
	switch {
	case replicas < 1:
		return "", nil, false // no pod to evict
	case b.maxUnavailable != nil:
		return "spec.maxUnavailable", b.maxUnavailable.value(), b.maxUnavailable.of(replicas) == 0
	case b.minAvailable != nil:
		return "spec.minAvailable", b.minAvailable.value(), b.minAvailable.of(replicas) >= replicas
	}
	return "", nil, false
}

// summary is the budget's limit as written, such as "maxUnavailable: 1".
func (b *budget) summary() string {
	switch {
	case b.maxUnavailable != nil:
		return "maxUnavailable: " + b.maxUnavailable.String()
	case b.minAvailable != nil:
		return "minAvailable: " + b.minAvailable.String()
	}
	return "no limit"
}

// reportOverlap warns once per set of budgets that cover the same pods.
func reportOverlap(w *Workload, existing []*budget, reported map[string]bool, r *Report) {
	names := make([]string, len(existing))
	for i, b := range existing {
		names[i] = b.view.name
	}
	key := w.Namespace + "/" + strings.Join(names, ",")
	if reported[key] {
		return
	}
	reported[key] = true
	all := "all"
	if len(names) == 2 {
		all = "both"
	}
	r.Risk(ruleDisruptionBudget.ID, existing[1].object, "spec.selector", nil,
		"PodDisruptionBudgets %s %s cover the pods of %s %s: the eviction API refuses to evict a pod that more than one budget covers, so drains hang on these pods. Keep one; lbguard edits none",
		joinNames(names), all, w.kind, w.name)
}

// joinNames writes "a and b", "a, b and c".
func joinNames(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

func reportSingleReplica(w *Workload, replicas replicaCount, r *Report) {
	const consequence = "lbguard adds no PodDisruptionBudget (a budget that keeps the only pod would block every drain), so a drain or node upgrade takes the pod down and the load balancer has no healthy target until its replacement is ready: run 2 or more replicas"
	kind, name := w.kind, w.name
	switch {
	case replicas.autoscaler != nil:
		r.Risk(ruleDisruptionBudget.ID, replicas.autoscaler, "spec.maxReplicas", replicas.max,
			"HorizontalPodAutoscaler %s keeps %s %s at a single replica (maxReplicas: %d): %s", replicas.scaledBy, kind, name, replicas.max, consequence)
	case !replicas.written:
		r.Risk(ruleDisruptionBudget.ID, w.Object, "spec.replicas", nil,
			"%s %s runs a single replica (spec.replicas is not set, and defaults to 1): %s", kind, name, consequence)
	default:
		r.Risk(ruleDisruptionBudget.ID, w.Object, "spec.replicas", replicas.max,
			"%s %s runs a single replica: %s", kind, name, consequence)
	}
}

// addBudget adds a budget named after the workload, with its selector, unless
// the name is taken or the selector would put a second budget over pods that
// one already covers.
func addBudget(inv *Inventory, w *Workload, replicas replicaCount, budgets *budgetIndex, cfg config.Config, r *Report) {
	kind, name := w.kind, w.name
	selector, err := readSelector(w.root, "spec", "selector")
	if err != nil {
		r.Invalid(w.Object, "spec.selector", err.Error())
		return
	}
	if selector == nil || selector.empty() {
		r.Risk(ruleDisruptionBudget.ID, w.Object, "spec.selector", nil,
			"%s %s has no spec.selector to copy: lbguard adds no PodDisruptionBudget, since an empty selector would cover every pod of namespace %s", kind, name, w.Namespace)
		return
	}
	if budgets.nameTaken(w.Namespace, name) {
		r.Risk(ruleDisruptionBudget.ID, w.Object, "spec.selector", nil,
			"%s %s has no PodDisruptionBudget, and another PodDisruptionBudget already has the name %s: lbguard adds none. Add one under another name, with this workload's selector, maxUnavailable: %s and unhealthyPodEvictionPolicy: AlwaysAllow",
			kind, name, name, cfg.MaxUnavailable)
		return
	}
	for _, other := range inv.mayMatch(w.Namespace, selector) {
		if other == w || !selector.matches(other.PodLabels) {
			continue
		}
		if covering := budgets.covering(other); len(covering) > 0 {
			r.Risk(ruleDisruptionBudget.ID, w.Object, "spec.selector", nil,
				"%s %s has no PodDisruptionBudget, but its selector also selects the pods of %s %s, which PodDisruptionBudget %s covers: a second budget over those pods would make their eviction fail, so lbguard adds none. Narrow the selector, or cover both workloads with one budget",
				kind, name, other.kind, other.name, covering[0].view.name)
			return
		}
	}

	pdb := newBudgetObject(w, cfg.MaxUnavailable)
	inv.NewObjects = append(inv.NewObjects, pdb)
	r.madeFor(pdb, w.Object)
	budgets.add(&budget{object: pdb, view: r.view(pdb), namespace: w.Namespace, selector: selector, generated: true})
	r.Changed(ruleDisruptionBudget.ID, pdb, "spec", nil, "maxUnavailable: "+cfg.MaxUnavailable,
		"PodDisruptionBudget %s added for %s %s (%s): a drain or node upgrade evicts at most %s of its pods at a time, and may always evict one that is not ready (unhealthyPodEvictionPolicy: AlwaysAllow)",
		name, kind, name, replicas.describe(), cfg.MaxUnavailable)
}
