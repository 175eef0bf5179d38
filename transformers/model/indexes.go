package model

import "github.com/kptdev/krm-functions-sdk/go/fn"

// timingIndex is what the timing model reads of other objects than the
// workload, indexed once per inventory: a workload at a time would read
// every autoscaler and budget of the list again.
type timingIndex struct {
	Autoscalers map[string]*autoscaler
	Budgets     *BudgetIndex
}

func (inv *Inventory) TimingIndexes() *timingIndex {
	if inv.timingIndex == nil {
		r := inv.ScratchReport()
		inv.timingIndex = &timingIndex{ReadAutoscalers(inv.Others, r), NewBudgetIndex(inv, ReadBudgets(inv.PDBs, r))}
	}
	return inv.timingIndex
}

// scratchReport takes what reading reports and drops it (the rules report
// what cannot be read), sharing the run's views so that no object is viewed
// twice.
func (inv *Inventory) ScratchReport() *Report {
	if inv.views.of == nil {
		inv.views.of = map[*fn.KubeObject]*ObjectView{} // so that the copy below shares it
	}
	return &Report{views: *inv.views}
}
