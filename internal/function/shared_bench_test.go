package function

import (
	"bytes"
	"io"
	"strconv"
	"testing"

	"github.com/lbguard/lbguard/internal/gen"
)

// BenchmarkSharedSelector runs lbguard in process over gen.SharedSelector:
// every Service selects every workload, as a hostile pull request may
// write. Its time per resource must stay flat as the list grows:
//
//	go test ./internal/function -run '^$' -bench SharedSelector -benchmem
var sharedSizes = []int{1000, 3000, 10000}

func BenchmarkSharedSelector(b *testing.B) {
	for _, n := range sharedSizes {
		b.Run("resources="+strconv.Itoa(n), func(b *testing.B) {
			list := gen.SharedSelector(n)
			b.ReportAllocs()
			b.SetBytes(int64(len(list.YAML)))
			for b.Loop() {
				if status := Run(bytes.NewReader(list.YAML), io.Discard, io.Discard, Process); status != 0 {
					b.Fatalf("exit status %d", status)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/resource")
		})
	}
}
