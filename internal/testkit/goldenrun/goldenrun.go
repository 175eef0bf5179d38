// Package goldenrun runs the KRM function's golden cases (testdata/golden)
// from the tests of the packages the function is made of, so that each
// package's own coverage counts them. It is for tests only.
package goldenrun

import (
	"path/filepath"
	"testing"

	"github.com/kptdev/krm-functions-sdk/go/fn/testhelpers"
	"github.com/lbguard/lbguard/internal/function"
	"github.com/lbguard/lbguard/internal/testkit"
)

// Function runs every golden case, as internal/function's TestGolden
// does: each whole output, results included, must equal the case's
// _expected.yaml.
func Function(t *testing.T) {
	for _, name := range testkit.GoldenCases(t) {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(testkit.GoldenDir(t), name)
			rl := testkit.GoldenInput(t, dir)
			in := testkit.RoundTrip(t, rl)
			if _, err := function.Process(rl, function.Reread(in)); err != nil {
				t.Fatalf("Process: %v", err)
			}
			out, err := rl.ToYAML()
			if err != nil {
				t.Fatal(err)
			}
			testhelpers.CompareGoldenFile(t, filepath.Join(dir, "_expected.yaml"), out)
		})
	}
}
