package transformers

import (
	"fmt"

	"github.com/kptdev/krm-functions-sdk/go/fn"
)

// RuleID names a rule of DOMAIN.md (R1 … R8) in result tags.
type RuleID string

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
}

func (r *Report) add(severity fn.Severity, rule RuleID, action string, obj *fn.KubeObject, path string, current, proposed any, format string, args ...any) {
	res := fn.ConfigObjectResult(fmt.Sprintf(format, args...), obj, severity)
	if res.File.Path == "" {
		res.File = nil // no file known: leave the field out rather than print it empty
	}
	if path != "" {
		res.Field = &fn.Field{Path: path, CurrentValue: current, ProposedValue: proposed}
	}
	res.Tags = map[string]string{TagRule: string(rule), TagAction: action}
	r.Results = append(r.Results, res)
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
	r.add(fn.Info, "", ActionSkipped, obj, annotationPath(skipAnnotation), "true", nil,
		"%s is opted out with %s: left as it is", obj.GetKind(), skipAnnotation)
}

// Invalid records a field lbguard cannot read. The object passes through
// unchanged; the error fails the run, as the API server would refuse it too.
func (r *Report) Invalid(obj *fn.KubeObject, path string, problem string) {
	r.add(fn.Error, "", ActionInvalid, obj, path, nil, nil, "%s %s: %s %s", obj.GetKind(), obj.GetName(), path, problem)
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
