package transformers

import (
	"maps"
	"slices"

	"github.com/kptdev/krm-functions-sdk/go/fn"
)

// The PodDisruptionBudgets of the list, read once and indexed by namespace:
// R7 reviews and adds them, the timing model reads which one covers a workload.

// budget is a PodDisruptionBudget of the list, or one lbguard adds.
type budget struct {
	object         *fn.KubeObject
	view           *objectView
	namespace      string
	selector       *labelSelector
	maxUnavailable *intOrPercent
	minAvailable   *intOrPercent
	generated      bool
	order          int // in the index: list order, then the added ones

	reviewed, good bool // review's verdict, given once per budget
}

type budgetList []*budget

// readBudgets reads every PodDisruptionBudget of the list. A policy/v1beta1
// budget is read as the policy/v1 budget it must become, since no cluster
// serves v1beta1 any more: an empty selector then covers the whole namespace
// (in v1beta1 it covered nothing), and lbguard must not add a second budget
// over those pods.
func readBudgets(objects []*fn.KubeObject, r *Report) budgetList {
	var list budgetList
	for _, obj := range objects {
		v := r.view(obj)
		b := &budget{object: obj, view: v, namespace: v.namespaceOrDefault()}
		var err error
		if b.selector, err = readSelector(v.root, "spec", "selector"); err != nil {
			r.Invalid(obj, "spec.selector", err.Error())
			continue
		}
		if b.maxUnavailable, err = intOrPercentAt(v.root, "spec", "maxUnavailable"); err != nil {
			r.Invalid(obj, "spec.maxUnavailable", err.Error())
			continue
		}
		if b.minAvailable, err = intOrPercentAt(v.root, "spec", "minAvailable"); err != nil {
			r.Invalid(obj, "spec.minAvailable", err.Error())
			continue
		}
		list = append(list, b)
	}
	return list
}

// budgetIndex holds the budgets of the list and those lbguard adds by
// namespace, and every budget name taken (by a readable budget or not), so
// that each workload is compared with its own namespace's budgets only, not
// with every budget of the list.
// Each budget is indexed by one of its matchLabels pairs, which a workload's
// pods must carry: a namespace of N workloads with a budget each would
// otherwise cost N² matches.
type budgetIndex struct {
	byNamespace map[string]*namespaceBudgets
	names       map[objectKey]bool
	count       int // budgets added to the index: each one's order
}

type namespaceBudgets struct {
	byLabel map[string]budgetList // by "key=value" of the budget's first matchLabels pair
	rest    budgetList            // those without matchLabels: checked against every workload
}

func newBudgetIndex(inv *Inventory, list budgetList) *budgetIndex {
	index := &budgetIndex{byNamespace: map[string]*namespaceBudgets{}, names: map[objectKey]bool{}}
	for _, b := range list {
		index.insert(b)
	}
	for _, obj := range append(inv.PDBs[:len(inv.PDBs):len(inv.PDBs)], inv.NewObjects...) {
		if v := inv.view(obj); v.kind == "PodDisruptionBudget" {
			index.names[v.key()] = true
		}
	}
	return index
}

// covering lists the budgets that select the workload's pods, in list
// order, then the added ones.
func (index *budgetIndex) covering(w *Workload) []*budget {
	nb := index.byNamespace[w.Namespace]
	if nb == nil {
		return nil
	}
	var out []*budget
	add := func(list budgetList) {
		for _, b := range list {
			if b.selector.matches(w.PodLabels) {
				out = append(out, b)
			}
		}
	}
	add(nb.rest)
	for k, v := range w.PodLabels { // a budget is under one pair only: never twice
		add(nb.byLabel[k+"="+v])
	}
	slices.SortFunc(out, func(a, b *budget) int { return a.order - b.order })
	return out
}

func (index *budgetIndex) insert(b *budget) {
	b.order = index.count
	index.count++
	nb := index.byNamespace[b.namespace]
	if nb == nil {
		nb = &namespaceBudgets{byLabel: map[string]budgetList{}}
		index.byNamespace[b.namespace] = nb
	}
	if b.selector == nil || len(b.selector.matchLabels) == 0 {
		nb.rest = append(nb.rest, b)
		return
	}
	k := slices.Min(slices.Collect(maps.Keys(b.selector.matchLabels)))
	key := k + "=" + b.selector.matchLabels[k]
	nb.byLabel[key] = append(nb.byLabel[key], b)
}

// add records a budget lbguard adds.
func (index *budgetIndex) add(b *budget) {
	index.insert(b)
	index.names[objectKey{b.namespace, b.view.name}] = true
}

// nameTaken tells whether a PodDisruptionBudget of the list (readable or
// not) or one lbguard added holds the name in the namespace.
func (index *budgetIndex) nameTaken(namespace, name string) bool {
	return index.names[objectKey{namespace, name}]
}
