// Package testkit is what the tests of several packages share: the
// repository's test data, the golden cases of the KRM function, and a diff
// of lines. Only tests import it.
package testkit

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/kptdev/krm-functions-sdk/go/fn/testhelpers"
	"github.com/lbguard/lbguard/internal/krmio"
)

// Root is the repository's root: the directory above the running test
// that holds go.mod.
func Root(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's directory")
		}
		dir = parent
	}
}

// Path is a path under the repository's root.
func Path(t testing.TB, elem ...string) string {
	t.Helper()
	return filepath.Join(append([]string{Root(t)}, elem...)...)
}

// GoldenDir holds the golden cases of the KRM function: the input files
// and _fnconfig.yaml of a case give the ResourceList, _expected.yaml the
// whole output with its results.
func GoldenDir(t testing.TB) string {
	t.Helper()
	return Path(t, "testdata", "golden")
}

// Subdirs lists the directories in dir, by name.
func Subdirs(t testing.TB, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if e.IsDir() {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	return names
}

// GoldenCases lists the golden cases by name.
func GoldenCases(t testing.TB) []string {
	t.Helper()
	return Subdirs(t, GoldenDir(t))
}

// GoldenInput reads a case's input files, in name order, and its config.
func GoldenInput(t testing.TB, dir string) *fn.ResourceList {
	t.Helper()
	files, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	rl := &fn.ResourceList{FunctionConfig: fn.NewEmptyKubeObject()}
	for _, f := range files {
		name := f.Name()
		if !testhelpers.IsValidYAMLOrKptfile(name) || name == "_expected.yaml" {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		objects, err := fn.ParseKubeObjects(data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if name == "_fnconfig.yaml" {
			if len(objects) != 1 {
				t.Fatalf("%s: want one config object, got %d", name, len(objects))
			}
			rl.FunctionConfig = objects[0]
			continue
		}
		if name[0] == '_' {
			continue
		}
		rl.Items = append(rl.Items, objects...)
	}
	return rl
}

// RoundTrip makes rl the list as a function receives it: written as YAML
// and read back, which moves some foot comments (yaml.v3 attaches a comment
// after an item's last line to its innermost map). It returns the YAML.
func RoundTrip(t testing.TB, rl *fn.ResourceList) []byte {
	t.Helper()
	out, err := krmio.WriteResourceList(rl)
	if err != nil {
		t.Fatal(err)
	}
	in := out.Bytes()
	parsed, err := krmio.ParseResourceList(in)
	if err != nil {
		t.Fatal(err)
	}
	*rl = *parsed
	return in
}

// LineDiff shows, line by line, where got differs from want.
func LineDiff(want, got string) string {
	var b strings.Builder
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(w), len(g)); i++ {
		var x, y string
		if i < len(w) {
			x = w[i]
		}
		if i < len(g) {
			y = g[i]
		}
		if x != y {
			fmt.Fprintf(&b, "line %d:\n  want %q\n  got  %q\n", i+1, x, y)
		}
	}
	return b.String()
}
