package model

import (
	"maps"
	"slices"

	"github.com/kptdev/krm-functions-sdk/go/fn"
)

// The PodDisruptionBudgets of the list, read once and indexed by namespace:
// R7 reviews and adds them, the timing model reads which one covers a workload.

// budget is a PodDisruptionBudget of the list, or one lbguard adds.
type Budget struct {
	Object         *fn.KubeObject
	View           *ObjectView
	Namespace      string
	Selector       *LabelSelector
	MaxUnavailable *intOrPercent
	MinAvailable   *intOrPercent
	Generated      bool
	order          int // in the index: list order, then the added ones

	Reviewed, Good bool // review's verdict, given once per budget
}

type budgetList []*Budget

// readBudgets reads every PodDisruptionBudget of the list. A policy/v1beta1
// budget is read as the policy/v1 budget it must become, since no cluster
// serves v1beta1 any more: an empty selector then covers the whole namespace
// (in v1beta1 it covered nothing), and lbguard must not add a second budget
// over those pods.
func ReadBudgets(objects []*fn.KubeObject, r *Report) budgetList {
	var list budgetList
	for _, obj := range objects {
		v := r.View(obj)
		b := &Budget{Object: obj, View: v, Namespace: v.NamespaceOrDefault()}
		var err error
		if b.Selector, err = ReadSelector(v.Root, "spec", "selector"); err != nil {
			r.Invalid(obj, "spec.selector", err.Error())
			continue
		}
		if b.MaxUnavailable, err = IntOrPercentAt(v.Root, "spec", "maxUnavailable"); err != nil {
			r.Invalid(obj, "spec.maxUnavailable", err.Error())
			continue
		}
		if b.MinAvailable, err = IntOrPercentAt(v.Root, "spec", "minAvailable"); err != nil {
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
type BudgetIndex struct {
	byNamespace map[string]*namespaceBudgets
	names       map[objectKey]bool
	count       int // budgets added to the index: each one's order
}

type namespaceBudgets struct {
	byLabel map[string]budgetList // by "key=value" of the budget's first matchLabels pair
	rest    budgetList            // those without matchLabels: checked against every workload
}

func NewBudgetIndex(inv *Inventory, list budgetList) *BudgetIndex {
	index := &BudgetIndex{byNamespace: map[string]*namespaceBudgets{}, names: map[objectKey]bool{}}
	for _, b := range list {
		index.insert(b)
	}
	for _, obj := range append(inv.PDBs[:len(inv.PDBs):len(inv.PDBs)], inv.NewObjects...) {
		if v := inv.view(obj); v.KindName == "PodDisruptionBudget" {
			index.names[v.key()] = true
		}
	}
	return index
}

// covering lists the budgets that select the workload's pods, in list
// order, then the added ones.
func (index *BudgetIndex) Covering(w *Workload) []*Budget {
	nb := index.byNamespace[w.Namespace]
	if nb == nil {
		return nil
	}
	var out []*Budget
	add := func(list budgetList) {
		for _, b := range list {
			if b.Selector.Matches(w.PodLabels) {
				out = append(out, b)
			}
		}
	}
	add(nb.rest)
	for k, v := range w.PodLabels { // a budget is under one pair only: never twice
		add(nb.byLabel[k+"="+v])
	}
	slices.SortFunc(out, func(a, b *Budget) int { return a.order - b.order })
	return out
}

func (index *BudgetIndex) insert(b *Budget) {
	b.order = index.count
	index.count++
	nb := index.byNamespace[b.Namespace]
	if nb == nil {
		nb = &namespaceBudgets{byLabel: map[string]budgetList{}}
		index.byNamespace[b.Namespace] = nb
	}
	if b.Selector == nil || len(b.Selector.matchLabels) == 0 {
		nb.rest = append(nb.rest, b)
		return
	}
	k := slices.Min(slices.Collect(maps.Keys(b.Selector.matchLabels)))
	key := k + "=" + b.Selector.matchLabels[k]
	nb.byLabel[key] = append(nb.byLabel[key], b)
}

// add records a budget lbguard adds.
func (index *BudgetIndex) Add(b *Budget) {
	index.insert(b)
	index.names[objectKey{b.Namespace, b.View.Name}] = true
}

// nameTaken tells whether a PodDisruptionBudget of the list (readable or
// not) or one lbguard added holds the name in the namespace.
func (index *BudgetIndex) NameTaken(namespace, name string) bool {
	return index.names[objectKey{namespace, name}]
}
