package function

import (
	"bytes"
	"io"
	"testing"

	"github.com/lbguard/lbguard/internal/gen"
)

// TestSharedSelectorGrowsLinearly guards against the rules turning
// quadratic again when every Service selects every workload (see
// BenchmarkSharedSelector), without timing anything: a run over four times
// the resources must make about four times the allocations, not sixteen.
// Before the rules shared their work between the workloads behind the same
// Services, the ratio was 15.
func TestSharedSelectorGrowsLinearly(t *testing.T) {
	allocs := func(n int) float64 {
		list := gen.SharedSelector(n)
		return testing.AllocsPerRun(1, func() {
			if status := Run(bytes.NewReader(list.YAML), io.Discard, io.Discard, Process); status != 0 {
				t.Fatalf("%d resources: exit status %d", n, status)
			}
		})
	}
	small, large := allocs(500), allocs(2000)
	if ratio := large / small; ratio > 5 {
		t.Errorf("allocations: %.0f for 500 resources, %.0f for 2000: %.1f times as many, want at most 5", small, large, ratio)
	}
}
