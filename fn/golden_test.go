package main

import (
	"testing"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/kptdev/krm-functions-sdk/go/fn/testhelpers"
)

// TestGolden runs every case under testdata/golden: the input files and
// _fnconfig.yaml of a case give the ResourceList, _expected.yaml the whole
// output with its results. WRITE_GOLDEN_OUTPUT=1 rewrites them (read each one).
func TestGolden(t *testing.T) {
	testhelpers.RunGoldenTests(t, "../testdata/golden", fn.ResourceListProcessorFunc(process))
}
