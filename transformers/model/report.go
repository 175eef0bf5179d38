package model

import (
	"errors"
	"fmt"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/transformers/annotations"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Result tags: the rule, and what lbguard did.
const (
	TagRule   = "lbguard.dev/rule"
	TagAction = "lbguard.dev/action"

	ActionChanged = "changed" // lbguard edited or added the field
	ActionKept    = "kept"    // the user's value stands; reported for the record
	ActionRisk    = "risk"    // a risk lbguard could not or would not fix
	ActionSkipped = "skipped" // opted out
	ActionInvalid = "invalid" // the object cannot be read
)

// Report gathers the results of every rule in the order they happen.
type Report struct {
	Results fn.Results

	Owners  map[*fn.Result]*fn.KubeObject     // the object each result is about
	invalid map[*fn.KubeObject]bool           // objects with a field lbguard cannot read
	PartOf  map[*fn.KubeObject]*fn.KubeObject // a new object → the workload it was made for
	refs    map[*fn.KubeObject]resultRef      // each object's reference, read once
	views   ObjectViews                       // each object's root node and names, read once
}

// view is obj's root node and names, read once per run.
func (r *Report) View(obj *fn.KubeObject) *ObjectView { return r.views.View(obj) }

// describe is "Kind name", as results name an object.
func (r *Report) Describe(obj *fn.KubeObject) string {
	v := r.View(obj)
	return v.KindName + " " + v.Name
}

// root is obj's root node, got from the SDK once per run.
func (r *Report) Root(obj *fn.KubeObject) *yaml.Node { return r.views.View(obj).Root }

// resultRef is what results say of the object they are about, shared by
// all of them: an object has many results, and reading its name, kind and
// file through the SDK for each costs more than the rest of the result.
type resultRef struct {
	ref  *fn.ResourceRef
	file *fn.File // nil when no file is known: left out rather than printed empty
}

func (r *Report) refOf(obj *fn.KubeObject) resultRef {
	if ref, ok := r.refs[obj]; ok {
		return ref
	}
	res := fn.ConfigObjectResult("", obj, fn.Info)
	ref := resultRef{ref: res.ResourceRef, file: res.File}
	if ref.file.Path == "" {
		ref.file = nil
	}
	if r.refs == nil {
		r.refs = map[*fn.KubeObject]resultRef{}
	}
	r.refs[obj] = ref
	return ref
}

func (r *Report) add(severity fn.Severity, rule RuleID, action string, obj *fn.KubeObject, path string, current, proposed any, format string, args ...any) {
	ref := r.refOf(obj)
	res := &fn.Result{Message: fmt.Sprintf(format, args...), Severity: severity, ResourceRef: ref.ref, File: ref.file}
	if path != "" {
		res.Field = &fn.Field{Path: path, CurrentValue: current, ProposedValue: proposed}
	}
	res.Tags = map[string]string{TagRule: string(rule), TagAction: action}
	r.Results = append(r.Results, res)
	if r.Owners == nil {
		r.Owners = map[*fn.Result]*fn.KubeObject{}
	}
	r.Owners[res] = obj
}

// Changed records an edit lbguard made.
func (r *Report) Changed(rule RuleID, obj *fn.KubeObject, path string, current, proposed any, format string, args ...any) {
	r.add(fn.Info, rule, ActionChanged, obj, path, current, proposed, format, args...)
}

// Kept records a user's value that lbguard left as it is.
func (r *Report) Kept(rule RuleID, obj *fn.KubeObject, path string, current any, format string, args ...any) {
	r.add(fn.Info, rule, ActionKept, obj, path, current, nil, format, args...)
}

// Risk records a risk left in place.
func (r *Report) Risk(rule RuleID, obj *fn.KubeObject, path string, current any, format string, args ...any) {
	r.add(fn.Warning, rule, ActionRisk, obj, path, current, nil, format, args...)
}

// Skipped records an object opted out with lbguard.dev/skip.
func (r *Report) Skipped(obj *fn.KubeObject) {
	v := r.View(obj)
	also := ", with what only it fronts"
	if v.GroupKind.IsWorkload() || v.KindName == "Namespace" {
		also = ""
	}
	r.add(fn.Info, "", ActionSkipped, obj, annotations.Path(annotations.SkipAnnotation), "true", nil,
		"%s %s is opted out with %s: left as it is%s", v.KindName, v.Name, annotations.SkipAnnotation, also)
}

// Invalid records a field lbguard cannot read. The object passes through
// unchanged; the error fails the run, as the API server would refuse it too.
func (r *Report) Invalid(obj *fn.KubeObject, path string, problem string) {
	if r.invalid == nil {
		r.invalid = map[*fn.KubeObject]bool{}
	}
	r.invalid[obj] = true
	v := r.View(obj)
	r.add(fn.Error, "", ActionInvalid, obj, path, nil, nil, "%s %s: %s %s", v.KindName, v.Name, path, problem)
}

// RiskAt records a risk about a resource that is not in the list.
func (r *Report) RiskAt(rule RuleID, ref *fn.ResourceRef, path string, format string, args ...any) {
	r.Results = append(r.Results, &fn.Result{
		Message:     fmt.Sprintf(format, args...),
		Severity:    fn.Warning,
		ResourceRef: ref,
		Field:       &fn.Field{Path: path},
		Tags:        map[string]string{TagRule: string(rule), TagAction: ActionRisk},
	})
}

// keepInvalidUnchanged puts back, in items, the original of every object a
// rule could not read, and drops the edits reported on it: other rules may
// have edited it before the one that could not read it, and an object
// lbguard cannot read passes through as it came.
func (r *Report) KeepInvalidUnchanged(items fn.KubeObjects, originals Originals) {
	if len(r.invalid) == 0 {
		return
	}
	r.Results = append(r.Results, Restore(&items, originals, func(i int) bool { return r.invalid[items[i]] })...)
	kept := r.Results[:0]
	for _, res := range r.Results {
		if r.isInvalid(r.Owners[res]) && res.Tags[TagAction] == ActionChanged {
			continue
		}
		kept = append(kept, res)
	}
	r.Results = kept
}

// restore replaces the items for which undo is true by their originals. The
// originals are the same list read again; should they not be, it is an error
// (the edits stay), not a silent mix of two lists.
func Restore(items *fn.KubeObjects, originals Originals, undo func(i int) bool) fn.Results {
	fail := func(format string, args ...any) fn.Results {
		return fn.Results{fn.ErrorResult(fmt.Errorf("lbguard cannot undo its edits: "+format, args...))}
	}
	list, err := originals()
	if err != nil {
		return fail("reading the input again: %v", err)
	}
	if len(list) != len(*items) {
		return fail("the input now holds %d objects, not %d", len(list), len(*items))
	}
	for i := range *items {
		if undo(i) {
			(*items)[i] = list[i]
		}
	}
	return nil
}

// madeChange is true of a result that reports an edit lbguard made.
func MadeChange(res *fn.Result) bool { return res.Tags[TagAction] == ActionChanged }

// madeFor records that lbguard made obj (a PodDisruptionBudget) for owner:
// if owner turns out unreadable, obj is dropped with owner's edits.
func (r *Report) MadeFor(obj, owner *fn.KubeObject) {
	if r.PartOf == nil {
		r.PartOf = map[*fn.KubeObject]*fn.KubeObject{}
	}
	r.PartOf[obj] = owner
}

func (r *Report) isInvalid(obj *fn.KubeObject) bool {
	return r.invalid[obj] || r.invalid[r.PartOf[obj]]
}

// validNew keeps the new objects whose workload lbguard could read.
func (r *Report) ValidNew(objs []*fn.KubeObject) []*fn.KubeObject {
	var kept []*fn.KubeObject
	for _, obj := range objs {
		if !r.isInvalid(obj) {
			kept = append(kept, obj)
		}
	}
	return kept
}

// InvalidField reports err, a fieldError, as an unreadable field of obj.
func (r *Report) InvalidField(obj *fn.KubeObject, err error) {
	var fe FieldError
	if !errors.As(err, &fe) {
		fe = FieldError{Problem: err.Error()}
	}
	r.Invalid(obj, fe.Path, fe.Problem)
}

// Originals gives the items again as they came in, in the same order. The
// rules edit items in place and call it only when they must undo edits: an
// object a rule finds unreadable goes back as it came, and in audit mode the
// whole list does. So a list is never copied up front: a function reads its
// input again, which costs nothing when nothing is undone.
type Originals func() (fn.KubeObjects, error)

// RuleID names a rule of docs/rules.md (R1 … R8) in result tags.
type RuleID string

// The rules whose risks the front ends report while the inventory is read.
const (
	IPTargetTypeID        RuleID = "R1"
	DeregistrationDelayID RuleID = "R2"
	ReadinessGatesID      RuleID = "R3"
)
