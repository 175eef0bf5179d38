package testkit_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lbguard/lbguard/internal/testkit"
)

// recorder is a testing.TB that keeps what a helper reports instead of
// failing the test that runs it.
type recorder struct {
	testing.TB
	errors []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func TestRootAndPath(t *testing.T) {
	root := testkit.Root(t)
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("Root = %s, which holds no go.mod", root)
	}
	if got, want := testkit.Path(t, "testdata", "golden"), filepath.Join(root, "testdata", "golden"); got != want || testkit.GoldenDir(t) != want {
		t.Fatalf("Path = %s, GoldenDir = %s, want %s", got, testkit.GoldenDir(t), want)
	}
}

func TestGoldenCases(t *testing.T) {
	cases := testkit.GoldenCases(t)
	if len(cases) < 50 || cases[0] != "automode-alb" {
		t.Fatalf("GoldenCases = %d cases starting with %q; want them all, by name", len(cases), cases[0])
	}
	rl := testkit.GoldenInput(t, filepath.Join(testkit.GoldenDir(t), "automode-alb"))
	var kinds []string
	for _, item := range rl.Items {
		kinds = append(kinds, item.GetKind())
	}
	in := testkit.RoundTrip(t, rl)
	if !strings.HasPrefix(string(in), "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\n") || len(rl.Items) != len(kinds) {
		t.Fatalf("RoundTrip wrote %q…, %d items, want a ResourceList of the %d read (%v)", string(in)[:40], len(rl.Items), len(kinds), kinds)
	}
}

func TestGoldenInputReadsTheConfig(t *testing.T) {
	dir := t.TempDir()
	for name, text := range map[string]string{
		"_fnconfig.yaml": "apiVersion: lbguard.dev/v1alpha1\nkind: LBGuard\nmetadata:\n  name: c\nspec:\n  mode: audit\n",
		"_notes.yaml":    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ignored\n",
		"b.yaml":         "apiVersion: v1\nkind: Service\nmetadata:\n  name: b\n",
		"a.yaml":         "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: a2\n",
		"README":         "not YAML",
		"_expected.yaml": "ignored: true\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	rl := testkit.GoldenInput(t, dir)
	var names []string
	for _, item := range rl.Items {
		names = append(names, item.GetName())
	}
	if strings.Join(names, ",") != "a,a2,b" || rl.FunctionConfig.GetKind() != "LBGuard" {
		t.Fatalf("GoldenInput read items %v and a %q config; want a,a2,b and the LBGuard", names, rl.FunctionConfig.GetKind())
	}
	if subdirs := testkit.Subdirs(t, dir); len(subdirs) != 0 {
		t.Fatalf("Subdirs = %v, want none", subdirs)
	}
}

func TestCompareGolden(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out", "golden.txt")
	t.Setenv("WRITE_GOLDEN_OUTPUT", "1")
	r := &recorder{TB: t}
	testkit.CompareGolden(r, path, "one\ntwo\n")
	if b, err := os.ReadFile(path); err != nil || string(b) != "one\ntwo\n" || len(r.errors) != 1 || !strings.HasPrefix(r.errors[0], "wrote") {
		t.Fatalf("writing: file %q (%v), reported %q", b, err, r.errors)
	}
	r = &recorder{TB: t}
	testkit.CompareGolden(r, path, "one\ntwo\n") // the same again: nothing to write, nothing to say
	if len(r.errors) != 0 {
		t.Fatalf("an unchanged golden file reported %q", r.errors)
	}
	t.Setenv("WRITE_GOLDEN_OUTPUT", "")
	r = &recorder{TB: t}
	testkit.CompareGolden(r, path, "one\ntwo\n")
	if len(r.errors) != 0 {
		t.Fatalf("a matching output reported %q", r.errors)
	}
	r = &recorder{TB: t}
	testkit.CompareGolden(r, path, "one\n2\n")
	if len(r.errors) != 1 || !strings.Contains(r.errors[0], "differs from the output") {
		t.Fatalf("a different output reported %q", r.errors)
	}
}

func TestLineDiff(t *testing.T) {
	got := testkit.LineDiff("a\nb\nc", "a\nB")
	want := "line 2:\n  want \"b\"\n  got  \"B\"\nline 3:\n  want \"c\"\n  got  \"\"\n"
	if got != want {
		t.Fatalf("LineDiff = %q, want %q", got, want)
	}
}

func TestSARIF(t *testing.T) {
	schema := testkit.SARIFSchema(t)
	doc := testkit.ValidateSARIF(t, schema, "a minimal log", `{"version": "2.1.0", "$schema": "https://json.schemastore.org/sarif-2.1.0.json", "runs": [{"tool": {"driver": {"name": "lbguard"}}, "results": []}]}`)
	if doc["version"] != "2.1.0" {
		t.Fatalf("ValidateSARIF returned %v", doc)
	}
}
