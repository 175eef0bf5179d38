package function

import (
	"path/filepath"
	"testing"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/kptdev/krm-functions-sdk/go/fn/testhelpers"
	"github.com/lbguard/lbguard/internal/testkit"
)

// TestGolden runs every case under testdata/golden: the input files and
// _fnconfig.yaml of a case give the ResourceList, _expected.yaml the whole
// output with its results. WRITE_GOLDEN_OUTPUT=1 rewrites them (read each
// one); `-run TestGolden/NAME` picks cases by name.
func TestGolden(t *testing.T) {
	for _, name := range testkit.GoldenCases(t) {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(testkit.GoldenDir(t), name)
			rl := testkit.GoldenInput(t, dir)
			processList(t, rl)
			out, err := rl.ToYAML()
			if err != nil {
				t.Fatal(err)
			}
			testhelpers.CompareGoldenFile(t, filepath.Join(dir, "_expected.yaml"), out)
		})
	}
}

// processList runs Process over rl as Run does: over the list read from
// its YAML (in the order rl holds), with that YAML to read the originals
// from when edits must be undone. rl then holds the list as Process left it.
func processList(t testing.TB, rl *fn.ResourceList) {
	t.Helper()
	in := testkit.RoundTrip(t, rl)
	if _, err := Process(rl, Reread(in)); err != nil {
		t.Fatalf("Process: %v", err)
	}
}
