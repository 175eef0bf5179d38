package e2e

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/lbguard/lbguard/internal/testkit"
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// objectID names one resource in a rendered output.
type objectID struct {
	APIVersion, Kind, Namespace, Name string
}

func (id objectID) String() string {
	ns := id.Namespace
	if ns == "" {
		ns = "-"
	}
	return fmt.Sprintf("%s %s %s/%s", id.APIVersion, id.Kind, ns, id.Name)
}

// objects indexes resources by their id; a duplicate id fails the test.
type objects map[objectID]*yaml.RNode

func parseObjects(t *testing.T, data []byte) objects {
	t.Helper()
	nodes, err := kio.FromBytes(data)
	if err != nil {
		t.Fatalf("parsing rendered YAML: %v\n%s", err, data)
	}
	objs := objects{}
	for _, n := range nodes {
		id := objectID{n.GetApiVersion(), n.GetKind(), n.GetNamespace(), n.GetName()}
		if _, dup := objs[id]; dup {
			t.Fatalf("%s appears twice in the output", id)
		}
		objs[id] = n
	}
	return objs
}

func (objs objects) ids() []objectID {
	ids := make([]objectID, 0, len(objs))
	for id := range objs {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i].String() < ids[j].String() })
	return ids
}

func (objs objects) get(t *testing.T, apiVersion, kind, namespace, name string) *yaml.RNode {
	t.Helper()
	id := objectID{apiVersion, kind, namespace, name}
	n, ok := objs[id]
	if !ok {
		t.Fatalf("%s is missing from the output; it has %v", id, objs.ids())
	}
	return n
}

// requireAll fails the test unless every resource of in is also in out.
func requireAll(t *testing.T, in, out objects) {
	t.Helper()
	for _, id := range in.ids() {
		if _, ok := out[id]; !ok {
			t.Errorf("input resource %s did not come out; the output has %v", id, out.ids())
		}
	}
}

// requireNoKind fails the test when the output holds a resource of kind.
func requireNoKind(t *testing.T, objs objects, kind string) {
	t.Helper()
	for id := range objs {
		if id.Kind == kind {
			t.Errorf("the output holds %s", id)
		}
	}
}

func annotation(t *testing.T, n *yaml.RNode, key string) (string, bool) {
	t.Helper()
	v, ok := n.GetAnnotations()[key]
	return v, ok
}

func wantAnnotation(t *testing.T, n *yaml.RNode, key, want string) {
	t.Helper()
	got, ok := annotation(t, n, key)
	switch {
	case !ok:
		t.Errorf("%s %s: annotation %s is missing, want %q", n.GetKind(), n.GetName(), key, want)
	case got != want:
		t.Errorf("%s %s: annotation %s = %q, want %q", n.GetKind(), n.GetName(), key, got, want)
	}
}

func wantLabel(t *testing.T, n *yaml.RNode, key, want string) {
	t.Helper()
	got, ok := n.GetLabels()[key]
	switch {
	case !ok:
		t.Errorf("%s %s: label %s is missing, want %q", n.GetKind(), n.GetName(), key, want)
	case got != want:
		t.Errorf("%s %s: label %s = %q, want %q", n.GetKind(), n.GetName(), key, got, want)
	}
}

// field returns the scalar at path, and whether it is there.
func field(t *testing.T, n *yaml.RNode, path ...string) (string, bool) {
	t.Helper()
	f, err := n.Pipe(yaml.Lookup(path...))
	if err != nil {
		t.Fatalf("%s %s: looking up %s: %v", n.GetKind(), n.GetName(), strings.Join(path, "."), err)
	}
	if f == nil {
		return "", false
	}
	return f.YNode().Value, true
}

func wantField(t *testing.T, n *yaml.RNode, want string, path ...string) {
	t.Helper()
	got, ok := field(t, n, path...)
	switch {
	case !ok:
		t.Errorf("%s %s: %s is missing, want %q", n.GetKind(), n.GetName(), strings.Join(path, "."), want)
	case got != want:
		t.Errorf("%s %s: %s = %q, want %q", n.GetKind(), n.GetName(), strings.Join(path, "."), got, want)
	}
}

func wantNoField(t *testing.T, n *yaml.RNode, path ...string) {
	t.Helper()
	if got, ok := field(t, n, path...); ok {
		t.Errorf("%s %s: %s = %q, want it absent", n.GetKind(), n.GetName(), strings.Join(path, "."), got)
	}
}

// attribute is one key=value of a target-group-attributes annotation.
type attribute struct{ Key, Value string }

// parseAttributes splits the AWS Load Balancer Controller's
// "k1=v1,k2=v2" annotation format, keeping the order.
func parseAttributes(t *testing.T, s string) []attribute {
	t.Helper()
	var attrs []attribute
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, v, ok := strings.Cut(part, "=")
		if !ok {
			t.Fatalf("attribute %q in %q has no '='", part, s)
		}
		attrs = append(attrs, attribute{strings.TrimSpace(k), strings.TrimSpace(v)})
	}
	return attrs
}

// wantAttributes checks a target-group-attributes annotation: the
// deregistration delay must be delay, and the other attributes must be
// others, in that order (lbguard may not drop or reorder them).
func wantAttributes(t *testing.T, n *yaml.RNode, key, delay string, others ...attribute) {
	t.Helper()
	value, ok := annotation(t, n, key)
	if !ok {
		t.Errorf("%s %s: annotation %s is missing, want deregistration_delay.timeout_seconds=%s", n.GetKind(), n.GetName(), key, delay)
		return
	}
	var rest []attribute
	var delays []string
	for _, a := range parseAttributes(t, value) {
		if a.Key == "deregistration_delay.timeout_seconds" {
			delays = append(delays, a.Value)
		} else {
			rest = append(rest, a)
		}
	}
	if !slices.Equal(delays, []string{delay}) {
		t.Errorf("%s %s: %s = %q: deregistration delays %q, want exactly one, %s", n.GetKind(), n.GetName(), key, value, delays, delay)
	}
	if !slices.Equal(rest, others) {
		t.Errorf("%s %s: %s = %q: the other attributes are %v, want %v", n.GetKind(), n.GetName(), key, value, rest, others)
	}
}

// readPackage returns every file of a kpt package (relative path to
// contents) and the resources in them.
func readPackage(t *testing.T, dir string) (map[string]string, objects) {
	t.Helper()
	files := map[string]string{}
	var all []byte
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		files[rel] = string(data)
		if d.Name() == "Kptfile" || strings.HasSuffix(d.Name(), ".yaml") || strings.HasSuffix(d.Name(), ".yml") {
			all = append(all, "\n---\n"...)
			all = append(all, data...)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("reading %s: %v", dir, err)
	}
	return files, parseObjects(t, all)
}

// sameText fails the test when got differs from want, showing each line
// that differs.
func sameText(t *testing.T, what, want, got string) {
	t.Helper()
	if want != got {
		t.Errorf("%s differs:\n%s", what, testkit.LineDiff(want, got))
	}
}
