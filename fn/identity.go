package main

import (
	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/transformers"
)

// processor is what runFunction applies to the list between reading and
// writing it: process, except in the benchmarks' builds below.
var processor = process

// identity changes nothing: with it, runFunction costs what any KRM function
// that keeps comments pays to read and write the list. The benchmarks
// (fn/bench_test.go, bench/) measure lbguard against it; a binary built with
// the tag lbguard_identity runs it instead of process.
func identity(*fn.ResourceList, transformers.Originals) (bool, error) { return true, nil }

// withoutResults runs lbguard but writes the list without its results: with
// the tag lbguard_noresults, bench/ -split measures how much of lbguard's
// cost is the rules and their edits, and how much is writing the results.
func withoutResults(rl *fn.ResourceList, originals transformers.Originals) (bool, error) {
	ok, err := process(rl, originals)
	rl.Results = nil
	return ok, err
}
