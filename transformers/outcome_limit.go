package transformers

import (
	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/transformers/model"
)

// WorkloadsAtMost lists the first k of the workloads res puts at risk, in
// list order, and how many it puts at risk in all: a report names a few
// and counts the rest, so that N Services in front of the same N workloads
// do not make N² names (docs/security.md: bounded).
func (o *Outcome) WorkloadsAtMost(res *fn.Result, k int) ([]model.ResourceID, int) {
	all := o.workloads[res]
	var ids []model.ResourceID
	for _, w := range all[:min(k, len(all))] {
		ids = append(ids, w.ID())
	}
	return ids, len(all)
}
