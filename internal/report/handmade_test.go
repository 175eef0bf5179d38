package report_test

import (
	"math"
	"strings"
	"testing"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/internal/report"
	"github.com/lbguard/lbguard/transformers"
	"github.com/lbguard/lbguard/transformers/config"
	"github.com/lbguard/lbguard/transformers/model"
)

// placedByMessage is a report.Source that places each result where its
// message says, and holds no resource itself.
type placedByMessage map[string]report.Place

func (s placedByMessage) Finding(res *fn.Result, _ []model.ResourceID) report.Place {
	return s[res.Message]
}

func (s placedByMessage) Resource(*fn.ResourceRef, *fn.File) (report.Place, int, bool) {
	return report.Place{}, 0, false
}

func (s placedByMessage) Read() report.Read { return report.Read{Resources: 1, Files: 1} }

// Results that are not in the input's documents: a finding without a field
// is placed by its file and line alone, a value JSON cannot write is printed
// as Go prints it, and a resource no workload stands behind says so.
func TestTextReportOfResultsWithoutDocuments(t *testing.T) {
	settings := &fn.ResourceRef{APIVersion: "v1", Kind: "ConfigMap", Namespace: "shop", Name: "settings"}
	results := fn.Results{{
		Message:     "ConfigMap settings: the delay it names is not read",
		Severity:    fn.Warning,
		ResourceRef: settings,
		Tags:        map[string]string{model.TagRule: "R2", model.TagAction: model.ActionRisk},
	}, {
		Message:     "[R6] would change: ConfigMap settings: grace period",
		Severity:    fn.Error,
		ResourceRef: settings,
		Field:       &fn.Field{Path: "data.grace", CurrentValue: []any{math.NaN()}, ProposedValue: map[string]any{"seconds": 95}},
		Tags:        map[string]string{model.TagRule: "R6", model.TagAction: model.ActionChanged},
	}}
	src := placedByMessage{results[0].Message: {File: "settings.yaml", Line: 3}}
	rep := report.New(config.ModeAudit, "v1.2.3", &transformers.Outcome{Results: results}, src)
	var b strings.Builder
	if err := rep.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	want := `ConfigMap shop/settings  — no workload behind it in the input
  WARNING R2 deregistration delay · ConfigMap shop/settings
      at:    settings.yaml:3
      risk:  ConfigMap settings: the delay it names is not read
      why:   A deregistration delay nobody set is the ELB's 300 s (and a Classic ELB without connection draining cuts in-flight requests the moment a pod leaves); only an explicit, short delay is one the pod's preStop delay can be held against.
  ERROR R6 grace period · ConfigMap shop/settings
      field: data.grace
      now:   [NaN]
      wants: {"seconds":95}
      fix:   ConfigMap settings: grace period
      why:   The kubelet kills the pod when its grace period ends, preStop included: a grace period shorter than the preStop delay plus the app's own shutdown cuts in-flight requests.

lbguard audit: 1 error, 1 warning in 0 workloads (1 resource, 1 file read); exit status 1
Apply the fixes with ` + "`lbguard fix --in-place PATH...`" + ` (or ` + "`lbguard fix`" + ` as a KRM function); annotate a resource lbguard.dev/audit: warn to report its findings as warnings while you roll out.
`
	if got := b.String(); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

// The notes the text report leaves out are counted by what they are (the
// result's action), and only the kinds there are are named.
func TestTextReportNamesTheNotesItLeavesOut(t *testing.T) {
	web := &fn.ResourceRef{APIVersion: "v1", Kind: "Service", Namespace: "shop", Name: "web"}
	note := func(rule, action, message string) *fn.Result {
		return &fn.Result{Message: message, Severity: fn.Info, ResourceRef: web,
			Tags: map[string]string{model.TagRule: rule, model.TagAction: action}}
	}
	kept := note("R2", model.ActionKept, "Service web: deregistration delay of 60 s set by the user is kept")
	keptAgain := note("R1", model.ActionKept, "Service web: target type ip set by the user is kept")
	optedOut := note("", model.ActionSkipped, "Service web is opted out with lbguard.dev/skip: left as it is")
	other := note("R3", "restored", "Service web: put back as it came")
	for _, c := range []struct {
		name    string
		results fn.Results
		want    string
	}{
		{"one kept value", fn.Results{kept}, "(1 note not shown: 1 value kept as the user set it; --format json lists them)\n"},
		{"one resource opted out", fn.Results{optedOut}, "(1 note not shown: 1 resource opted out; --format json lists them)\n"},
		{"both kinds", fn.Results{kept, optedOut, keptAgain},
			"(3 notes not shown: 2 values kept as the user set them, 1 resource opted out; --format json lists them)\n"},
		{"another kind", fn.Results{other, kept}, "(2 notes not shown: 1 value kept as the user set it, 1 other note; --format json lists them)\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			rep := report.New(config.ModeAudit, "v1.2.3", &transformers.Outcome{Results: c.results}, placedByMessage{})
			var b strings.Builder
			if err := rep.WriteText(&b); err != nil {
				t.Fatal(err)
			}
			want := "lbguard audit: 0 errors, 0 warnings in 0 workloads (1 resource, 1 file read); exit status 0\n" + c.want
			if got := b.String(); got != want {
				t.Errorf("got:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}
