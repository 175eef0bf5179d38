//go:build lbguard_sdkidentity

package main

import (
	"io"

	"github.com/kptdev/krm-functions-sdk/go/fn"
)

// The benchmarks' second baseline: the SDK's own entry point (fn.AsMain,
// which reads, parses, sorts and writes the list its way) with a processor
// that changes nothing; what a KRM function built on the SDK pays to read
// and write the list.
func init() {
	functionEntry = func(io.Reader, io.Writer, io.Writer) int {
		if err := fn.AsMain(fn.ResourceListProcessorFunc(func(*fn.ResourceList) (bool, error) { return true, nil })); err != nil {
			return 1
		}
		return 0
	}
}
