package function

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/internal/testkit"
	"github.com/lbguard/lbguard/transformers/model"
	"github.com/lbguard/lbguard/transformers/rules"
)

// TestGoldenResultsNameTheirRule reads every golden output (the function's
// fix and audit cases, testdata/golden and testdata/audit, and the rules'
// own, transformers/rules/testdata/rules) and checks that each result of error or
// warning severity carries a rule of the registry in lbguard.dev/rule, so
// that the reports can give its title and why; a field lbguard cannot read
// carries none and is reported under the "invalid" pseudo-rule.
func TestGoldenResultsNameTheirRule(t *testing.T) {
	known := map[string]bool{}
	for _, info := range rules.RuleInfos() {
		known[string(info.ID)] = true
	}
	var files []string
	for _, pattern := range [][]string{
		{"testdata", "golden", "*", "_expected.yaml"},
		{"testdata", "audit", "*", "_expected.yaml"},
		{"transformers", "rules", "testdata", "rules", "*", "*", "_expected.yaml"},
	} {
		matches, err := filepath.Glob(testkit.Path(t, pattern...))
		if err != nil || len(matches) == 0 {
			t.Fatalf("no golden output matches %s (%v)", filepath.Join(pattern...), err)
		}
		files = append(files, matches...)
	}
	checked := 0
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		rl, err := fn.ParseResourceList(data)
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		for _, res := range rl.Results {
			if res.Severity != fn.Error && res.Severity != fn.Warning {
				continue
			}
			checked++
			rule, action := res.Tags[model.TagRule], res.Tags[model.TagAction]
			if rule == "" && action == model.ActionInvalid {
				continue // the "invalid" pseudo-rule
			}
			if !known[rule] || rule == "invalid" {
				t.Errorf("%s: %s with rule %q, not one of the registry's: %s", file, res.Severity, rule, res.Message)
			}
		}
	}
	if checked == 0 {
		t.Error("no result of error or warning severity in the golden outputs")
	}
}
