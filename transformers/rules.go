package transformers

import "github.com/kptdev/krm-functions-sdk/go/fn"

// Rule is one rule of DOMAIN.md: it edits the inventory's objects in place
// and reports every edit and every risk it leaves.
type Rule func(inv *Inventory, cfg Config, r *Report)

// Rules run in this order: the load balancers first, since the workload rules
// hold their preStop against the delay the load-balancer rules settle.
var Rules = []Rule{
	TargetType,
	DeregistrationDelay,
	ReadinessGate,
	ReadinessProbe,
	PreStop,
	GracePeriod,
	DisruptionBudget,
	Signals,
}

// Run applies every rule to items. In audit mode the rules run on copies:
// items stay as they are, and every edit fix would make is an error.
func Run(items *fn.KubeObjects, cfg Config) fn.Results {
	if cfg.Mode == ModeAudit {
		return audit(*items, cfg)
	}
	return fix(items, cfg)
}

func fix(items *fn.KubeObjects, cfg Config) fn.Results {
	r := &Report{}
	known, duplicated := checkItems(*items, r)
	if duplicated {
		return r.Results
	}
	inv := NewInventory(known, r)
	reportSkips(inv, r)
	for _, rule := range Rules {
		rule(inv, cfg, r)
	}
	for _, obj := range inv.NewObjects {
		items.Upsert(obj)
	}
	return r.Results
}

func audit(items fn.KubeObjects, cfg Config) fn.Results {
	copies := make(fn.KubeObjects, len(items))
	for i, obj := range items {
		copies[i] = obj.Copy()
	}
	results := fix(&copies, cfg)
	for _, res := range results {
		if res.Tags[TagAction] == ActionChanged {
			res.Severity = fn.Error
		}
	}
	return results
}

// reportSkips says once for each opted-out object that it is left alone.
func reportSkips(inv *Inventory, r *Report) {
	seen := map[*fn.KubeObject]bool{}
	skip := func(obj *fn.KubeObject) {
		if isSkipped(obj) && !seen[obj] {
			seen[obj] = true
			r.Skipped(obj)
		}
	}
	for _, lb := range inv.LoadBalancers {
		skip(lb.Object)
		for _, b := range lb.Backends {
			skip(b.Service)
		}
	}
	for _, w := range inv.Workloads {
		skip(w.Object)
	}
}
