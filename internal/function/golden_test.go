package function

import (
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/kptdev/krm-functions-sdk/go/fn/testhelpers"
)

const goldenDir = "../testdata/golden"

// TestGolden runs every case under testdata/golden: the input files and
// _fnconfig.yaml of a case give the ResourceList, _expected.yaml the whole
// output with its results. WRITE_GOLDEN_OUTPUT=1 rewrites them (read each
// one); `-run TestGolden/NAME` picks cases by name.
func TestGolden(t *testing.T) {
	for _, name := range goldenCases(t) {
		t.Run(name, func(t *testing.T) {
			rl := goldenInput(t, filepath.Join(goldenDir, name))
			processList(t, rl)
			out, err := rl.ToYAML()
			if err != nil {
				t.Fatal(err)
			}
			testhelpers.CompareGoldenFile(t, filepath.Join(goldenDir, name, "_expected.yaml"), out)
		})
	}
}

func goldenCases(t *testing.T) []string {
	t.Helper()
	entries, err := os.ReadDir(goldenDir)
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

// goldenInput reads a case's input files, in name order, and its config.
func goldenInput(t *testing.T, dir string) *fn.ResourceList {
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
		objects, err := fn.ParseKubeObjects(testhelpers.MustReadFile(t, filepath.Join(dir, name)))
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

// processList runs process over rl as runFunction does: over the list read
// from its YAML (in the order rl holds), with that YAML to read the originals
// from when edits must be undone. rl then holds the list as process left it.
func processList(t testing.TB, rl *fn.ResourceList) {
	t.Helper()
	in := roundTrip(t, rl)
	if _, err := process(rl, reread(in)); err != nil {
		t.Fatalf("process: %v", err)
	}
}

// roundTrip makes rl the list as a function receives it: written as YAML
// and read back, which moves some foot comments (yaml.v3 attaches a comment
// after an item's last line to its innermost map). It returns the YAML.
func roundTrip(t testing.TB, rl *fn.ResourceList) []byte {
	t.Helper()
	out, err := WriteResourceList(rl)
	if err != nil {
		t.Fatal(err)
	}
	in := out.Bytes()
	parsed, err := ParseResourceList(in)
	if err != nil {
		t.Fatal(err)
	}
	*rl = *parsed
	return in
}
