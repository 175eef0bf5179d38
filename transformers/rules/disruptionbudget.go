package rules

import (
	"fmt"
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/internal/yamlnode"
	"github.com/lbguard/lbguard/transformers/config"
	"github.com/lbguard/lbguard/transformers/model"
)

// R7: a PodDisruptionBudget that protects without blocking. Without one, a
// drain may evict every replica at once and leave the load balancer with no
// healthy target; with one that allows no eviction, drains and node upgrades
// hang. Existing budgets are the user's: lbguard reads them, never edits them.
var RuleDisruptionBudget = RuleInfo{
	ID: "R7", Name: "DisruptionBudget", Title: "PodDisruptionBudget", Severity: fn.Error,
	Why: "Without a PodDisruptionBudget a node drain may evict all of a workload's pods at once; a budget that allows no eviction blocks the drain instead.",
}

// DisruptionBudget adds a policy/v1 PodDisruptionBudget for each workload in
// scope that runs 2+ replicas and that no budget covers, and warns about the
// budgets it finds that block, overlap or are no longer served.
func DisruptionBudget(inv *model.Inventory, cfg config.Config, r *model.Report) {
	budgets := model.NewBudgetIndex(inv, model.ReadBudgets(inv.PDBs, r))
	autoscalers := model.ReadAutoscalers(inv.Others, r)
	overlapsReported := map[string]bool{}
	for _, w := range inv.WorkloadsInScope(cfg) {
		// Drains leave DaemonSet pods in place, and a budget cannot count
		// them (a DaemonSet has no scale): there is nothing to protect.
		if w.KindName == "DaemonSet" {
			continue
		}
		replicas, ok := model.ReadReplicas(w, autoscalers, r)
		if !ok {
			continue
		}
		var existing []*model.Budget
		for _, b := range budgets.Covering(w) {
			if !b.Generated {
				existing = append(existing, b)
			}
		}
		good := true
		for _, b := range existing {
			good = reviewBudget(b, w, replicas, cfg, r) && good
		}
		switch {
		case len(existing) > 1:
			reportOverlap(w, existing, overlapsReported, r)
		case len(existing) == 1 && good:
			b := existing[0]
			r.Kept(RuleDisruptionBudget.ID, b.Object, "spec", budgetSummary(b), "PodDisruptionBudget %s already covers %s %s: kept as it is", b.View.Name, w.KindName, w.Name)
		}
		if replicas.Max == 0 {
			continue // scaled to zero: no pod to protect
		}
		if replicas.Max < 2 {
			reportSingleReplica(w, replicas, r)
			continue
		}
		if len(budgets.Covering(w)) == 0 {
			addBudget(inv, w, replicas, budgets, cfg, r)
		}
	}
}

// review warns, once per budget, when it blocks every eviction of w's pods,
// is still policy/v1beta1, or lets a drain hang on an unhealthy pod. It
// reports whether the budget is fine.
func reviewBudget(b *model.Budget, w *model.Workload, replicas model.ReplicaCount, cfg config.Config, r *model.Report) bool {
	if model.IsSkipped(b.View.Root) {
		return true
	}
	if b.Reviewed {
		return b.Good
	}
	b.Reviewed, b.Good = true, true
	name, workload := b.View.Name, w.KindName+" "+w.Name
	v1beta1 := b.View.APIVersion == "policy/v1beta1"
	if v1beta1 {
		b.Good = false
		note := ""
		if b.Selector != nil && b.Selector.Empty() {
			note = fmt.Sprintf(", and mind its empty selector: it covered no pods in v1beta1, and covers every pod of namespace %s in policy/v1", b.Namespace)
		}
		r.Risk(RuleDisruptionBudget.ID, b.Object, "apiVersion", "policy/v1beta1",
			"PodDisruptionBudget %s is policy/v1beta1, which Kubernetes no longer serves (since 1.25): applying it fails, and %s is left without a budget. lbguard leaves it as it is: change its apiVersion to policy/v1%s",
			name, workload, note)
	}
	if field, current, blocking := budgetBlocks(b, replicas.Min); blocking {
		b.Good = false
		r.Risk(RuleDisruptionBudget.ID, b.Object, field, current,
			"PodDisruptionBudget %s allows no eviction of the pods of %s (%s with %s): drains and node upgrades hang on them. lbguard leaves it as it is: use maxUnavailable: 1 (or a percentage) instead",
			name, workload, budgetSummary(b), replicas.DescribeMin())
	}
	policy, _ := yamlnode.StringAt(b.View.Root, "spec", "unhealthyPodEvictionPolicy")
	set := yamlnode.Find(b.View.Root, "spec", "unhealthyPodEvictionPolicy") != nil
	if !v1beta1 && cfg.KubernetesVersion.AtLeast(1, 27) && policy != "AlwaysAllow" {
		b.Good = false
		var current any
		if set {
			current = policy
		}
		r.Risk(RuleDisruptionBudget.ID, b.Object, "spec.unhealthyPodEvictionPolicy", current,
			"PodDisruptionBudget %s does not set unhealthyPodEvictionPolicy: AlwaysAllow: while its budget is spent, a pod of %s that runs but is not ready cannot be evicted either, so a drain can hang on a crash-looping pod. lbguard leaves it as it is",
			name, workload)
	}
	return b.Good
}

// blocks tells whether the budget allows no eviction at all when the
// workload runs the given number of replicas. Percentages round up, as in
// the disruption controller.
func budgetBlocks(b *model.Budget, replicas int) (field string, current any, blocking bool) {
	switch {
	case replicas < 1:
		return "", nil, false // no pod to evict
	case b.MaxUnavailable != nil:
		return "spec.maxUnavailable", b.MaxUnavailable.Value(), b.MaxUnavailable.Of(replicas) == 0
	case b.MinAvailable != nil:
		return "spec.minAvailable", b.MinAvailable.Value(), b.MinAvailable.Of(replicas) >= replicas
	}
	return "", nil, false
}

// summary is the budget's limit as written, such as "maxUnavailable: 1".
func budgetSummary(b *model.Budget) string {
	switch {
	case b.MaxUnavailable != nil:
		return "maxUnavailable: " + b.MaxUnavailable.String()
	case b.MinAvailable != nil:
		return "minAvailable: " + b.MinAvailable.String()
	}
	return "no limit"
}

// reportOverlap warns once per set of budgets that cover the same pods.
func reportOverlap(w *model.Workload, existing []*model.Budget, reported map[string]bool, r *model.Report) {
	names := make([]string, len(existing))
	for i, b := range existing {
		names[i] = b.View.Name
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
	r.Risk(RuleDisruptionBudget.ID, existing[1].Object, "spec.selector", nil,
		"PodDisruptionBudgets %s %s cover the pods of %s %s: the eviction API refuses to evict a pod that more than one budget covers, so drains hang on these pods. Keep one; lbguard edits none",
		joinNames(names), all, w.KindName, w.Name)
}

// joinNames writes "a and b", "a, b and c".
func joinNames(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

func reportSingleReplica(w *model.Workload, replicas model.ReplicaCount, r *model.Report) {
	const consequence = "lbguard adds no PodDisruptionBudget (a budget that keeps the only pod would block every drain), so a drain or node upgrade takes the pod down and the load balancer has no healthy target until its replacement is ready: run 2 or more replicas"
	kind, name := w.KindName, w.Name
	switch {
	case replicas.Autoscaler != nil:
		r.Risk(RuleDisruptionBudget.ID, replicas.Autoscaler, "spec.maxReplicas", replicas.Max,
			"HorizontalPodAutoscaler %s keeps %s %s at a single replica (maxReplicas: %d): %s", replicas.ScaledBy, kind, name, replicas.Max, consequence)
	case !replicas.Written:
		r.Risk(RuleDisruptionBudget.ID, w.Object, "spec.replicas", nil,
			"%s %s runs a single replica (spec.replicas is not set, and defaults to 1): %s", kind, name, consequence)
	default:
		r.Risk(RuleDisruptionBudget.ID, w.Object, "spec.replicas", replicas.Max,
			"%s %s runs a single replica: %s", kind, name, consequence)
	}
}

// addBudget adds a budget named after the workload, with its selector, unless
// the name is taken or the selector would put a second budget over pods that
// one already covers.
func addBudget(inv *model.Inventory, w *model.Workload, replicas model.ReplicaCount, budgets *model.BudgetIndex, cfg config.Config, r *model.Report) {
	kind, name := w.KindName, w.Name
	selector, err := model.ReadSelector(w.Root, "spec", "selector")
	if err != nil {
		r.Invalid(w.Object, "spec.selector", err.Error())
		return
	}
	if selector == nil || selector.Empty() {
		r.Risk(RuleDisruptionBudget.ID, w.Object, "spec.selector", nil,
			"%s %s has no spec.selector to copy: lbguard adds no PodDisruptionBudget, since an empty selector would cover every pod of namespace %s", kind, name, w.Namespace)
		return
	}
	if budgets.NameTaken(w.Namespace, name) {
		r.Risk(RuleDisruptionBudget.ID, w.Object, "spec.selector", nil,
			"%s %s has no PodDisruptionBudget, and another PodDisruptionBudget already has the name %s: lbguard adds none. Add one under another name, with this workload's selector, maxUnavailable: %s and unhealthyPodEvictionPolicy: AlwaysAllow",
			kind, name, name, cfg.MaxUnavailable)
		return
	}
	for _, other := range inv.MayMatch(w.Namespace, selector) {
		if other == w || !selector.Matches(other.PodLabels) {
			continue
		}
		if covering := budgets.Covering(other); len(covering) > 0 {
			r.Risk(RuleDisruptionBudget.ID, w.Object, "spec.selector", nil,
				"%s %s has no PodDisruptionBudget, but its selector also selects the pods of %s %s, which PodDisruptionBudget %s covers: a second budget over those pods would make their eviction fail, so lbguard adds none. Narrow the selector, or cover both workloads with one budget",
				kind, name, other.KindName, other.Name, covering[0].View.Name)
			return
		}
	}

	pdb := model.NewBudgetObject(w, cfg.MaxUnavailable)
	inv.NewObjects = append(inv.NewObjects, pdb)
	r.MadeFor(pdb, w.Object)
	budgets.Add(&model.Budget{Object: pdb, View: r.View(pdb), Namespace: w.Namespace, Selector: selector, Generated: true})
	r.Changed(RuleDisruptionBudget.ID, pdb, "spec", nil, "maxUnavailable: "+cfg.MaxUnavailable,
		"PodDisruptionBudget %s added for %s %s (%s): a drain or node upgrade evicts at most %s of its pods at a time, and may always evict one that is not ready (unhealthyPodEvictionPolicy: AlwaysAllow)",
		name, kind, name, replicas.Describe(), cfg.MaxUnavailable)
}
