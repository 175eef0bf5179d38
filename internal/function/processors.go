package function

import (
	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/transformers/model"
)

// Identity changes nothing: with it, Run costs what any KRM function
// that keeps comments pays to read and write the list. The benchmarks
// (internal/function/bench_test.go, bench/) measure lbguard against it; a binary built with
// the tag lbguard_identity runs it instead of Process.
func Identity(*fn.ResourceList, model.Originals) (bool, error) { return true, nil }

// WithoutResults runs lbguard but writes the list without its results: with
// the tag lbguard_noresults, bench/ -split measures how much of lbguard's
// cost is the rules and their edits, and how much is writing the results.
func WithoutResults(rl *fn.ResourceList, originals model.Originals) (bool, error) {
	ok, err := Process(rl, originals)
	rl.Results = nil
	return ok, err
}
