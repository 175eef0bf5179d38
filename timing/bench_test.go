package timing

import (
	"fmt"
	"testing"
)

func BenchmarkExplain(b *testing.B) {
	for _, n := range []int{3, 1000} {
		in := seedValues(workedExample(NLB, n))
		in.Platform = Platform{Spot: true, ClusterAutoscaler: true, ManagedNodeGroup: true}
		b.Run(fmt.Sprintf("N=%d", n), func(b *testing.B) {
			for b.Loop() {
				Explain(in)
			}
		})
	}
}
