package report_test

import (
	"math"
	"strings"
	"testing"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/internal/report"
	"github.com/lbguard/lbguard/transformers"
)

// placedByMessage is a report.Source that places each result where its
// message says, and holds no resource itself.
type placedByMessage map[string]report.Place

func (s placedByMessage) Finding(res *fn.Result, _ []transformers.ResourceID) report.Place {
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
		Tags:        map[string]string{transformers.TagRule: "R2", transformers.TagAction: transformers.ActionRisk},
	}, {
		Message:     "[R6] would change: ConfigMap settings: grace period",
		Severity:    fn.Error,
		ResourceRef: settings,
		Field:       &fn.Field{Path: "data.grace", CurrentValue: []any{math.NaN()}, ProposedValue: map[string]any{"seconds": 95}},
		Tags:        map[string]string{transformers.TagRule: "R6", transformers.TagAction: transformers.ActionChanged},
	}}
	src := placedByMessage{results[0].Message: {File: "settings.yaml", Line: 3}}
	rep := report.New(transformers.ModeAudit, "v1.2.3", &transformers.Outcome{Results: results}, src)
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
