// Package transformers runs lbguard's rules R1–R8 (docs/rules.md) over the
// inventory of package model: Run reads the inventory, settles the delays,
// applies the rules of the registry in order and gathers the outcome.
package transformers

import (
	"slices"
	"strconv"
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/transformers/annotations"
	"github.com/lbguard/lbguard/transformers/config"
	_ "github.com/lbguard/lbguard/transformers/frontends" // every front end, registered
	"github.com/lbguard/lbguard/transformers/model"
	"github.com/lbguard/lbguard/transformers/rules"
)

// Snapshot copies items now, for callers that cannot read their input again.
func Snapshot(items fn.KubeObjects) model.Originals {
	copies := Copies(items)
	return func() (fn.KubeObjects, error) { return copies, nil }
}

// Copies copies each of items.
func Copies(items fn.KubeObjects) fn.KubeObjects {
	copies := make(fn.KubeObjects, len(items))
	for i, obj := range items {
		copies[i] = obj.Copy()
	}
	return copies
}

// Run applies every rule to items. In audit mode items end as they came in,
// and every edit fix would make is an error.
func Run(items *fn.KubeObjects, cfg config.Config, originals model.Originals) *Outcome {
	return RunRules(items, cfg, originals, rules.Rules)
}

// RunRules applies ruleSet, a subset of rules.Rules in their order, to items.
func RunRules(items *fn.KubeObjects, cfg config.Config, originals model.Originals, ruleSet []rules.Rule) *Outcome {
	if cfg.Mode == config.ModeAudit {
		return audit(items, cfg, originals, ruleSet)
	}
	return fix(items, cfg, originals, ruleSet)
}

func fix(items *fn.KubeObjects, cfg config.Config, originals model.Originals, ruleSet []rules.Rule) *Outcome {
	r := &model.Report{}
	known, duplicated := model.CheckItems(*items, r)
	if duplicated {
		// No rule runs; the inventory only groups the errors by workload.
		return model.NewOutcome(model.NewInventory(known, cfg, &model.Report{}), r)
	}
	inv := model.NewInventory(known, cfg, r)
	reportSkips(inv, r)
	closes := rules.WindowsToClose(inv, cfg)
	model. // the manifests as written, before any edit
		SettleDelays(inv, cfg)
	for _, rule := range ruleSet {
		rule.Apply(inv, cfg, r)
	}
	closes.Annotate(r)
	r.KeepInvalidUnchanged(*items, originals)
	upsert(items, r.ValidNew(inv.NewObjects), r)
	return model.NewOutcome(inv, r)
}

// upsert adds objs to items as fn.KubeObjects.Upsert does, replacing the
// first item of the same apiVersion, kind, namespace and name, but indexes
// items once, and only those of the kinds of objs: Upsert scans the whole
// list for each object, which makes adding a budget per workload quadratic
// in the size of the list.
func upsert(items *fn.KubeObjects, objs []*fn.KubeObject, r *model.Report) {
	if len(objs) == 0 {
		return
	}
	kinds := map[string]bool{}
	for _, obj := range objs {
		kinds[r.View(obj).KindName] = true
	}
	index := map[model.ResourceID]int{}
	for i, item := range *items {
		v := r.View(item)
		if !kinds[v.KindName] {
			continue
		}
		key := v.ID()
		if _, seen := index[key]; !seen {
			index[key] = i
		}
	}
	for _, obj := range objs {
		key := r.View(obj).ID()
		if i, ok := index[key]; ok {
			(*items)[i] = obj
			continue
		}
		index[key] = len(*items)
		*items = append(*items, obj)
	}
}

// A resource annotated lbguard.dev/audit: warn has its violations reported as
// warnings, for a gradual roll-out; an object fix would add (a
// PodDisruptionBudget) counts as part of the item of its name.
func audit(list *fn.KubeObjects, cfg config.Config, originals model.Originals, ruleSet []rules.Rule) *Outcome {
	const auditAnnotation = "lbguard.dev/audit"
	items := *list
	type id struct{ apiVersion, kind, namespace, name, path string }
	idOf := func(ref *fn.ResourceRef, file *fn.File) id {
		i := id{ref.APIVersion, ref.Kind, ref.Namespace, ref.Name, ""}
		if file != nil && file.Path != "" {
			i.path = file.Path + "#" + strconv.Itoa(file.Index)
		}
		return i
	}
	present := map[id]bool{}
	warn := map[id]bool{}
	warnByName := map[[2]string]bool{} // namespace, name
	bad := &model.Report{}
	for _, obj := range items {
		ref := fn.ConfigObjectResult("", obj, fn.Info)
		present[idOf(ref.ResourceRef, ref.File)] = true
		view := bad.View(obj)
		switch v, ok := annotations.Get(view.Root, auditAnnotation); {
		case !ok || v == "error":
		case v == "warn":
			warn[idOf(ref.ResourceRef, ref.File)] = true
			warnByName[[2]string{view.WrittenNamespace, view.Name}] = true
		default:
			bad.Invalid(obj, annotations.Path(auditAnnotation), "must be warn or error, not "+strconv.Quote(v))
		}
	}
	outcome := fix(list, cfg, originals, ruleSet)
	results := outcome.Results
	if len(*list) != len(items) || slices.ContainsFunc(results, model.MadeChange) {
		// Undo it all: drop what fix added, and put every object back.
		*list = items[:len(items):len(items)]
		results = append(results, model.Restore(list, originals, func(int) bool { return true })...)
	}
	for _, res := range results {
		if res.Tags[model.TagAction] != model.ActionChanged || res.ResourceRef == nil {
			continue
		}
		// The message was written for a change made: say it was not.
		res.Message = auditPrefix(res.Tags[model.TagRule]) + res.Message
		i := idOf(res.ResourceRef, res.File)
		if warn[i] || !present[i] && warnByName[[2]string{res.ResourceRef.Namespace, res.ResourceRef.Name}] {
			res.Severity = fn.Warning
			res.Message += " (a warning, not an error: " + auditAnnotation + ": warn)"
		} else {
			res.Severity = fn.Error
		}
	}
	outcome.Results = append(results, bad.Results...)
	return outcome
}

// reportSkips says once for each opted-out object that it is left alone.
func reportSkips(inv *model.Inventory, r *model.Report) {
	seen := map[*fn.KubeObject]bool{}
	skip := func(obj *fn.KubeObject, skipped bool) {
		if skipped && !seen[obj] {
			seen[obj] = true
			r.Skipped(obj)
		}
	}
	for _, lb := range inv.LoadBalancers {
		skip(lb.Object, lb.Skipped)
		for _, b := range lb.Backends {
			skip(b.Service, b.Service != nil && model.IsSkipped(b.ServiceView.Root))
		}
	}
	for _, f := range model.Frontends {
		if objects := f.OptOutObjects; objects != nil {
			for _, obj := range objects(inv) {
				skip(obj, model.IsSkipped(r.Root(obj)))
			}
		}
	}
	for _, w := range inv.Workloads {
		skip(w.Object, w.Skipped)
	}
}

// auditPrefix marks, in audit mode, the message of a change that was not made.
func auditPrefix(rule string) string { return "[" + rule + "] would change: " }

// ChangeDescription is a result's message without audit's prefix, for
// reports that show the rule and the proposed value on their own.
func ChangeDescription(res *fn.Result) string {
	return strings.TrimPrefix(res.Message, auditPrefix(res.Tags[model.TagRule]))
}
