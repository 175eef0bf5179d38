package rules_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/kptdev/krm-functions-sdk/go/fn/testhelpers"
	"github.com/lbguard/lbguard/transformers"
	"github.com/lbguard/lbguard/transformers/config"
	"github.com/lbguard/lbguard/transformers/rules"
)

// ruleCases are the situations every rule is tested in, alone.
var ruleCases = []string{"missing", "already-right", "partly-right", "user-customised", "opted-out"}

// Each rule runs alone, with the default config, over its cases in
// testdata/rules/<Name>/<case>: resources.yaml in, the whole ResourceList
// out (results included) in _expected.yaml. WRITE_GOLDEN_OUTPUT=1 writes
// them; read each one.
func TestRulesAlone(t *testing.T) {
	for _, rule := range rules.Rules {
		for _, c := range ruleCases {
			t.Run(rule.Name+"/"+c, func(t *testing.T) {
				dir := filepath.Join("testdata", "rules", rule.Name, c)
				objs, err := fn.ParseKubeObjects(testhelpers.MustReadFile(t, filepath.Join(dir, "resources.yaml")))
				if err != nil {
					t.Fatal(err)
				}
				rl := &fn.ResourceList{Items: objs, FunctionConfig: fn.NewEmptyKubeObject()}
				rl.Results = transformers.RunRules(&rl.Items, config.DefaultConfig(), transformers.Snapshot(rl.Items), []rules.Rule{rule}).Results
				out, err := rl.ToYAML()
				if err != nil {
					t.Fatal(err)
				}
				testhelpers.CompareGoldenFile(t, filepath.Join(dir, "_expected.yaml"), out)
			})
		}
	}
	entries, err := os.ReadDir(filepath.Join("testdata", "rules"))
	if err != nil || len(entries) != len(rules.Rules) {
		t.Errorf("testdata/rules holds %d folders, want one for each of the %d rules (%v)", len(entries), len(rules.Rules), err)
	}
}
