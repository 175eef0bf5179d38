// Package rules holds lbguard's rules R1–R8 (docs/rules.md), one file each,
// and their registry, Rules: each rule loops over the inventory of package
// model and writes its edits and risks to its Report.
package rules

import (
	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/transformers/config"
	"github.com/lbguard/lbguard/transformers/model"
)

// RuleInfo is what lbguard says of a rule wherever it names it: its file,
// its function, the results' tags, the reports, SARIF and the docs.
type RuleInfo struct {
	ID       model.RuleID
	Name     string      // one name everywhere: "IPTargetType"
	Title    string      // for people: "ip target type"
	Why      string      // one sentence: why breaking the rule drops requests
	Severity fn.Severity // of its violations in audit
}

// Rule is one rule of docs/rules.md: Apply edits the inventory's objects in
// place and reports every edit and every risk it leaves.
type Rule struct {
	RuleInfo
	Apply func(inv *model.Inventory, cfg config.Config, r *model.Report)
}

// Rules run in this order: the load balancers first, then the workloads.
// Each reads the delays settled before any runs (settleDelays), so each
// can also run alone.
var Rules = []Rule{
	{ruleIPTargetType, IPTargetType},
	{ruleDeregistrationDelay, DeregistrationDelay},
	{ruleReadinessGates, ReadinessGates},
	{RuleReadinessProbe, ReadinessProbe},
	{RulePreStopDelay, PreStopDelay},
	{RuleGracePeriod, GracePeriod},
	{RuleDisruptionBudget, DisruptionBudget},
	{RuleSignalHandling, SignalHandling},
}

// ruleUnreadableField is the pseudo-rule of the results that say a field
// cannot be read (the results tagged with no rule and action "invalid").
var RuleUnreadableField = RuleInfo{
	ID: "invalid", Name: "UnreadableField", Title: "unreadable field", Severity: fn.Error,
	Why: "lbguard cannot read this field, so it cannot check the resource, and the API server or the load balancer controller would refuse it too.",
}

// RuleInfos lists R1 … R8 in order, then the pseudo-rule of unreadable fields.
func RuleInfos() []RuleInfo {
	infos := make([]RuleInfo, 0, len(Rules)+1)
	for _, rule := range Rules {
		infos = append(infos, rule.RuleInfo)
	}
	return append(infos, RuleUnreadableField)
}

// DescribeRule is the rule of id; an unknown id is described by itself.
func DescribeRule(id string) RuleInfo {
	for _, info := range RuleInfos() {
		if string(info.ID) == id {
			return info
		}
	}
	return RuleInfo{ID: model.RuleID(id), Name: id, Title: id}
}
