package main

import (
	"path/filepath"
	"strconv"
	"testing"
)

// TestResourceListYAMLIsToYAML: the writer gives ToYAML's bytes on every
// golden case, results included; and again with the path and index
// annotations kpt adds, so that results carry their file.
func TestResourceListYAMLIsToYAML(t *testing.T) {
	for _, withFiles := range []bool{false, true} {
		for _, name := range goldenCases(t) {
			t.Run(name+"/files="+strconv.FormatBool(withFiles), func(t *testing.T) {
				rl := goldenInput(t, filepath.Join(goldenDir, name))
				if withFiles {
					for i, obj := range rl.Items {
						if err := obj.SetAnnotation("internal.config.kubernetes.io/path", name+"/resources.yaml"); err != nil {
							t.Fatal(err)
						}
						if err := obj.SetAnnotation("internal.config.kubernetes.io/index", strconv.Itoa(i%3)); err != nil {
							t.Fatal(err)
						}
					}
				}
				processList(t, rl)
				got, err := resourceListYAML(rl)
				if err != nil {
					t.Fatal(err)
				}
				want, err := rl.ToYAML()
				if err != nil {
					t.Fatal(err)
				}
				if string(got) != string(want) {
					t.Errorf("resourceListYAML differs from ToYAML:\n%s", lineDiff(string(want), string(got)))
				}
			})
		}
	}
}
