package render

import (
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// load is Load that fails the test on an error.
func load(t *testing.T, paths []string, opts Options) *Set {
	t.Helper()
	set, err := Load(paths, opts)
	if err != nil {
		t.Fatalf("Load(%q): %v", paths, err)
	}
	return set
}

// loadError is the message of Load's error, failing the test without one.
func loadError(t *testing.T, paths []string, opts Options) string {
	t.Helper()
	set, err := Load(paths, opts)
	if err == nil {
		t.Fatalf("Load(%q) = %d documents, want an error", paths, len(set.Documents))
	}
	return err.Error()
}

// located lists documents as "resource @ location".
func located(docs []*Document) []string {
	out := make([]string, len(docs))
	for i, d := range docs {
		out[i] = d.Resource() + " @ " + d.Origin.Location()
	}
	return out
}

func locations(origins []Origin) []string {
	out := make([]string, len(origins))
	for i, o := range origins {
		out[i] = o.Location()
	}
	return out
}

// equalLines compares two lists line by line, showing both in full on a
// difference.
func equalLines(t *testing.T, what string, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s:\ngot\n\t%s\nwant\n\t%s", what, strings.Join(got, "\n\t"), strings.Join(want, "\n\t"))
	}
}

// value is the scalar at path in d's object, "" when there is none.
func value(t *testing.T, d *Document, path ...string) string {
	t.Helper()
	n, err := d.Object.Pipe(yaml.Lookup(path...))
	if err != nil {
		t.Fatalf("%s: %v", strings.Join(path, "."), err)
	}
	if n == nil {
		return ""
	}
	return n.YNode().Value
}

// find is the document of kind, failing the test when there is not one.
func find(t *testing.T, docs []*Document, kind string) *Document {
	t.Helper()
	var found *Document
	for _, d := range docs {
		if d.Object.GetKind() == kind {
			if found != nil {
				t.Fatalf("two documents of kind %s", kind)
			}
			found = d
		}
	}
	if found == nil {
		t.Fatalf("no document of kind %s in %q", kind, located(docs))
	}
	return found
}

// expect is the value expected at a path of a document.
type expect struct {
	d     *Document
	path  []string
	value string
}

func checkValues(t *testing.T, expects []expect) {
	t.Helper()
	for _, w := range expects {
		if got := value(t, w.d, w.path...); got != w.value {
			t.Errorf("%s %s = %q, want %q", w.d.Object.GetKind(), strings.Join(w.path, "."), got, w.value)
		}
	}
}

func path(p ...string) []string { return p }

// image is the path of the web container's image.
var image = path("spec", "template", "spec", "containers", "[name=web]", "image")

// onlyLeftAlone checks that loading path rendered nothing and left the
// one directory alone, for the reason given.
func onlyLeftAlone(t *testing.T, path string, opts Options, reason string) {
	t.Helper()
	leftAloneAs(t, path, opts, LeftAlone{Dir: path, Reason: reason})
}

// onlyUnchecked is onlyLeftAlone for a unit whose resources go unchecked.
func onlyUnchecked(t *testing.T, path string, opts Options, reason string) {
	t.Helper()
	leftAloneAs(t, path, opts, LeftAlone{Dir: path, Reason: reason, Unchecked: true})
}

func leftAloneAs(t *testing.T, path string, opts Options, want LeftAlone) {
	t.Helper()
	set := load(t, []string{path}, opts)
	if len(set.Documents)+len(set.Hooks)+len(set.NonResources) != 0 {
		t.Errorf("read %q %q %q", located(set.Documents), located(set.Hooks), locations(set.NonResources))
	}
	if len(set.LeftAlone) != 1 || set.LeftAlone[0] != want {
		t.Errorf("left alone %+v, want %+v", set.LeftAlone, want)
	}
}
