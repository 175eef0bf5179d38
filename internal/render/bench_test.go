package render

import "testing"

// The cost of rendering in process, per chart or overlay (README:
// Performance quotes these).
func BenchmarkRenderChart(b *testing.B) {
	benchmarkLoad(b, webChart, Options{})
}

func BenchmarkBuildOverlay(b *testing.B) {
	benchmarkLoad(b, "testdata/kustomize/overlays/prod", Options{})
}

func BenchmarkMixedRepository(b *testing.B) {
	benchmarkLoad(b, "testdata/repo", Options{})
}

func benchmarkLoad(b *testing.B, path string, opts Options) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Load([]string{path}, opts); err != nil {
			b.Fatal(err)
		}
	}
}
