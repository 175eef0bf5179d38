package krmio_test

import (
	"path/filepath"
	"strconv"
	"testing"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/internal/function"
	"github.com/lbguard/lbguard/internal/gen"
	"github.com/lbguard/lbguard/internal/krmio"
	"github.com/lbguard/lbguard/internal/testkit"
)

// Tests of the reader and writer over what the rules make of the golden
// cases: external, since the rules run through internal/function.

// TestResourceListYAMLIsToYAML: the writer gives ToYAML's bytes on every
// golden case, results included; and again with the path and index
// annotations kpt adds, so that results carry their file.
func TestResourceListYAMLIsToYAML(t *testing.T) {
	for _, withFiles := range []bool{false, true} {
		for _, name := range testkit.GoldenCases(t) {
			t.Run(name+"/files="+strconv.FormatBool(withFiles), func(t *testing.T) {
				rl := testkit.GoldenInput(t, filepath.Join(testkit.GoldenDir(t), name))
				if withFiles {
					for i, obj := range rl.Items {
						if _, _, err := obj.NestedStringMap("metadata", "annotations"); err != nil {
							// null annotations: kustomize and kpt write a map
							if err := obj.SetNestedStringMap(map[string]string{}, "metadata", "annotations"); err != nil {
								t.Fatal(err)
							}
						}
						if err := obj.SetAnnotation("internal.config.kubernetes.io/path", name+"/resources.yaml"); err != nil {
							t.Fatal(err)
						}
						if err := obj.SetAnnotation("internal.config.kubernetes.io/index", strconv.Itoa(i%3)); err != nil {
							t.Fatal(err)
						}
					}
				}
				processList(t, rl)
				out, err := krmio.ResourceListYAML(rl)
				if err != nil {
					t.Fatal(err)
				}
				got := out.Bytes()
				want, err := rl.ToYAML()
				if err != nil {
					t.Fatal(err)
				}
				if string(got) != string(want) {
					t.Errorf("ResourceListYAML differs from ToYAML:\n%s", testkit.LineDiff(string(want), string(got)))
				}
			})
		}
	}
}

// The text writer is the path lbguard's results take: all of them on a
// generated monorepo list, and nearly all over the golden cases (the rest
// hold a list, as the exec form of a preStop, or a string the emitter would
// have to be asked about, as a shell command starting with "./").
func TestResultsMostlyAsText(t *testing.T) {
	var text, all int
	for _, name := range testkit.GoldenCases(t) {
		rl := testkit.GoldenInput(t, filepath.Join(testkit.GoldenDir(t), name))
		processList(t, rl)
		for _, res := range rl.Results {
			all++
			if _, ok := krmio.AppendResult(nil, res); ok {
				text++
			} else {
				t.Logf("%s: left to the emitter:\n%s", name, krmio.Emitted(t, res))
			}
		}
	}
	if float64(text) < 0.95*float64(all) {
		t.Errorf("%d of %d golden results written as text, want 95%% or more", text, all)
	}

	in := gen.ResourceList(2000, gen.DefaultSeed).YAML
	rl, err := krmio.ParseResourceList(in)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := function.Process(rl, function.Reread(in)); err != nil {
		t.Fatal(err)
	}
	for _, res := range rl.Results {
		if _, ok := krmio.AppendResult(nil, res); !ok {
			t.Errorf("generated list: left to the emitter:\n%s", krmio.Emitted(t, res))
		}
	}
	if len(rl.Results) < 1000 {
		t.Errorf("only %d results on the generated list", len(rl.Results))
	}
}

// processList runs the function over rl as it receives a list: read from
// its YAML, with that YAML to read the originals from.
func processList(t testing.TB, rl *fn.ResourceList) {
	t.Helper()
	in := testkit.RoundTrip(t, rl)
	if _, err := function.Process(rl, function.Reread(in)); err != nil {
		t.Fatalf("Process: %v", err)
	}
}
