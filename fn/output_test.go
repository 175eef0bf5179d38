package main

import (
	"path/filepath"
	"testing"
)

// TestResourceListYAMLIsToYAML: the writer gives ToYAML's bytes on every
// golden case, results included.
func TestResourceListYAMLIsToYAML(t *testing.T) {
	for _, name := range goldenCases(t) {
		t.Run(name, func(t *testing.T) {
			rl := goldenInput(t, filepath.Join(goldenDir, name))
			if _, err := process(rl); err != nil {
				t.Fatal(err)
			}
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
