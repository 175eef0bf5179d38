package function

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"testing"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/kptdev/krm-functions-sdk/go/fn/testhelpers"
	"github.com/lbguard/lbguard/internal/testkit"
)

// TestAuditGolden runs every fix golden case (testdata/golden/<case>) in
// audit mode: the same inputs and config, with mode audit. The whole output
// is compared with testdata/audit/<case>/_expected.yaml
// (WRITE_GOLDEN_OUTPUT=1 writes it), and checked against the fix run of the
// same case: the items come out as they went in, and the errors are exactly
// fix's changes (same resource, field, current and proposed value, rule).
func TestAuditGolden(t *testing.T) {
	for _, name := range testkit.GoldenCases(t) {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(testkit.GoldenDir(t), name)
			in := goldenResourceList(t, dir, "audit")
			testkit.RoundTrip(t, in) // the list as the function receives it
			auditRL := goldenResourceList(t, dir, "audit")
			fixRL := goldenResourceList(t, dir, "fix")
			processList(t, auditRL)
			processList(t, fixRL)
			out, err := auditRL.ToYAML()
			if err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("../../testdata/audit", name, "_expected.yaml")
			if _, err := os.Stat(golden); err != nil && os.Getenv("WRITE_GOLDEN_OUTPUT") == "" {
				t.Errorf("%s is missing: every fix golden case has an audit golden; WRITE_GOLDEN_OUTPUT=1 go test ./internal/function/ writes it (then read it)", golden)
			} else {
				testhelpers.CompareGoldenFile(t, golden, withDir(t, filepath.Dir(golden), out))
			}

			// Nothing changed.
			if got, want := itemsYAML(t, auditRL.Items), itemsYAML(t, in.Items); got != want {
				t.Errorf("audit changed the items:\n%s", testkit.LineDiff(want, got))
			}
			// The same violations.
			var audited, fixed []string
			for _, r := range auditRL.Results {
				if r.Severity == fn.Error && r.Tags["lbguard.dev/action"] == "changed" {
					audited = append(audited, resultKey(r))
				}
			}
			for _, r := range fixRL.Results {
				if r.Tags["lbguard.dev/action"] == "changed" {
					fixed = append(fixed, resultKey(r))
				}
			}
			sort.Strings(audited)
			sort.Strings(fixed)
			if !reflect.DeepEqual(audited, fixed) {
				t.Errorf("audit errors and fix changes differ:\naudit: %q\nfix:   %q", audited, fixed)
			}
			// Everything else is reported alike.
			if len(auditRL.Results) != len(fixRL.Results) {
				t.Errorf("audit has %d results, fix %d", len(auditRL.Results), len(fixRL.Results))
			}
		})
	}
}

// withDir makes sure the directory of a golden file exists before writing.
func withDir(t *testing.T, dir string, out []byte) []byte {
	t.Helper()
	if os.Getenv("WRITE_GOLDEN_OUTPUT") != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// goldenResourceList reads a case, with its config's mode set to mode (""
// leaves the config alone).
func goldenResourceList(t *testing.T, dir, mode string) *fn.ResourceList {
	t.Helper()
	rl := testkit.GoldenInput(t, dir)
	if mode == "" {
		return rl
	}
	cfg := rl.FunctionConfig
	switch {
	case cfg.IsEmpty():
		cfg = fn.NewEmptyKubeObject()
		must(t, cfg.SetAPIVersion("v1"), cfg.SetKind("ConfigMap"), cfg.SetName("lbguard"), cfg.SetNestedString(mode, "data", "mode"))
		rl.FunctionConfig = cfg
	case cfg.IsGVK("", "v1", "ConfigMap"):
		must(t, cfg.SetNestedString(mode, "data", "mode"))
	default:
		must(t, cfg.SetNestedString(mode, "spec", "mode"))
	}
	return rl
}

func must(t *testing.T, errs ...error) {
	t.Helper()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}

func itemsYAML(t *testing.T, items fn.KubeObjects) string {
	t.Helper()
	rl := &fn.ResourceList{Items: items, FunctionConfig: fn.NewEmptyKubeObject()}
	out, err := rl.ToYAML()
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func resultKey(r *fn.Result) string {
	ref := ""
	if r.ResourceRef != nil {
		ref = r.ResourceRef.APIVersion + "/" + r.ResourceRef.Kind + "/" + r.ResourceRef.Namespace + "/" + r.ResourceRef.Name
	}
	var path string
	var current, proposed any
	if r.Field != nil {
		path, current, proposed = r.Field.Path, r.Field.CurrentValue, r.Field.ProposedValue
	}
	return fmt.Sprintf("%s %s %s %v -> %v", r.Tags["lbguard.dev/rule"], ref, path, current, proposed)
}
