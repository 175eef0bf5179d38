package rules

import (
	"sort"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/transformers/annotations"
	"github.com/lbguard/lbguard/transformers/config"
	"github.com/lbguard/lbguard/transformers/model"
)

// R3: readiness gates. With them a new pod counts as Ready only once its ELB
// target is healthy, so a rollout cannot outrun target registration. The LBC
// webhook adds the gates when a pod is created, in labelled namespaces only.
var ruleReadinessGates = RuleInfo{
	ID: model.ReadinessGatesID, Name: "ReadinessGates", Title: "readiness gates", Severity: fn.Error,
	Why: "Without readiness gates a new pod turns Ready before the ELB has registered it and seen it pass a health check, so a rollout can kill the old pods while the target group has no healthy target.",
}

// ReadinessGates labels each Namespace that holds ip-target backends.
func ReadinessGates(inv *model.Inventory, cfg config.Config, r *model.Report) {
	needed := map[string]*fn.KubeObject{} // namespace → a load balancer that needs it, for the report
	for _, lb := range inv.LoadBalancers {
		if lb.Skipped {
			continue
		}
		if lb.AutoMode {
			continue // no webhook reads the label: autoModeNamespaces warns
		}
		for _, b := range lb.Backends {
			if !b.Skipped() && mayTargetIPs(b) && needed[b.Namespace] == nil {
				needed[b.Namespace] = lb.Object
			}
		}
	}
	model.AutoModeNamespaces(inv, r)
	names := make([]string, 0, len(needed))
	for ns := range needed {
		names = append(names, ns)
	}
	sort.Strings(names)
	for _, name := range names {
		ns, inList := inv.Namespaces[name]
		if !inList {
			r.RiskAt(ruleReadinessGates.ID, &fn.ResourceRef{APIVersion: "v1", Kind: "Namespace", Name: name}, annotations.LabelPath(annotations.ReadinessGateLabel), "Namespace %s holds ip targets of %s but is not in the list, so lbguard cannot label it: label it %s=enabled before its pods are created (the LBC webhook adds readiness gates only to pods created after the label)",
				name, r.Describe(needed[name]), annotations.ReadinessGateLabel)
			continue
		}
		if model.IsSkipped(r.Root(ns)) {
			r.Skipped(ns) // the label it needs is left out: say so, as for every opt-out
			continue
		}
		switch current, ok := annotations.Label(r.Root(ns), annotations.ReadinessGateLabel); {
		case ok && current == "enabled":
		case ok:
			r.Risk(ruleReadinessGates.ID, ns, annotations.LabelPath(annotations.ReadinessGateLabel), current,
				"Namespace %s: %s is %q, set by the user and left so: its pods get no readiness gates, and a rollout can outrun target registration", name, annotations.ReadinessGateLabel, current)
		default:
			if err := annotations.SetLabel(ns, r.Root(ns), annotations.ReadinessGateLabel, "enabled"); err != nil {
				r.Invalid(ns, annotations.LabelPath(annotations.ReadinessGateLabel), err.Error())
				continue
			}
			r.Changed(ruleReadinessGates.ID, ns, annotations.LabelPath(annotations.ReadinessGateLabel), nil, "enabled",
				"Namespace %s labelled for LBC readiness gates: a new pod turns Ready only once its target is healthy. Pods that exist before the label is applied get no gate until they are recreated", name)
		}
	}
}

// mayTargetIPs is true of a backend with ip targets, or of a
// TargetGroupBinding that leaves the type to its target group: the label
// does nothing for instance targets, and is needed for ip ones.
func mayTargetIPs(b *model.Backend) bool {
	t := b.TargetType()
	return t == "ip" || t == "" && b.LB.Kind == model.TGBinding
}
