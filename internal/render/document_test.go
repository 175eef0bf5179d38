package render

import (
	"errors"
	"strings"
	"testing"

	"github.com/lbguard/lbguard/internal/yamlnode"
)

func TestListExpanded(t *testing.T) {
	set := load(t, []string{"testdata/lists/list.yaml"}, Options{})
	equalLines(t, "documents", located(set.Documents), []string{
		"apps/v1 Deployment web @ testdata/lists/list.yaml:7 items[0]",
		"v1 Service web @ testdata/lists/list.yaml:13 items[1]",
	})
	equalLines(t, "skipped", locations(set.NonResources), []string{"testdata/lists/list.yaml:19 items[2]"})
	d := set.Documents[1]
	if !d.Origin.InList || d.Origin.ListIndex != 1 || d.Origin.Document != 0 {
		t.Errorf("origin %+v, want item 1 of document 0", d.Origin)
	}
	if got := value(t, d, "spec", "type"); got != "LoadBalancer" {
		t.Errorf("spec.type %q", got)
	}
}

// An edit to an item is an edit inside the List, for fix --in-place to
// write the List back.
func TestListItemSharesTheListTree(t *testing.T) {
	set, err := Parse("l.yaml", []byte("apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Service\n  metadata: {name: a}\n"))
	if err != nil {
		t.Fatal(err)
	}
	item := set.Documents[0].Object
	if err := item.SetName("b"); err != nil {
		t.Fatal(err)
	}
	if got := item.YNode().Content[5].Content[1].Value; got != "b" {
		t.Fatalf("name %q", got)
	}
}

func TestTypedListItemsTakeTheListsType(t *testing.T) {
	set := load(t, []string{"testdata/lists/servicelist.yaml"}, Options{})
	equalLines(t, "documents", located(set.Documents), []string{
		"v1 Service api @ testdata/lists/servicelist.yaml:6 items[0]",
		"v1 Service admin @ testdata/lists/servicelist.yaml:10 items[1]",
	})
	if len(set.NonResources) != 0 {
		t.Errorf("skipped %q", locations(set.NonResources))
	}
}

func TestParseDocuments(t *testing.T) {
	text := `# a head comment only
---
apiVersion: v1
kind: Service
metadata:
  name: a
---
---
name: ci
on: [push]
---
- a sequence
---
just a string
---
apiVersion: v1
metadata:
  name: no-kind
---
kind: ServiceList
items: []
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: b
`
	set, err := Parse("in.yaml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	equalLines(t, "documents", located(set.Documents), []string{
		"v1 Service a @ in.yaml:3",
		"v1 ConfigMap b @ in.yaml:23",
	})
	// Empty documents are no document at all; the others are counted.
	equalLines(t, "skipped", locations(set.NonResources), []string{"in.yaml:9", "in.yaml:12", "in.yaml:14", "in.yaml:16", "in.yaml:20"})
	if got := set.Documents[1].Origin.Document; got != 7 {
		t.Errorf("the ConfigMap is document %d, want 7 (the empty one counts)", got)
	}
}

func TestParseInvalidYAML(t *testing.T) {
	_, err := Parse("bad.yaml", []byte("apiVersion: v1\nkind: Service\n---\nkind: [unclosed\n"))
	var de *DocumentError
	if !errors.As(err, &de) {
		t.Fatalf("error %v, want a *DocumentError", err)
	}
	if de.Origin.Document != 1 || !strings.HasPrefix(err.Error(), "bad.yaml: document 2: not valid YAML: yaml: line ") {
		t.Errorf("error %q", err)
	}
}

func TestDuplicateKeyErrorUnwraps(t *testing.T) {
	_, err := Parse("d.yaml", []byte("apiVersion: v1\nkind: Service\nkind: Pod\n"))
	var dup *yamlnode.DuplicateKeyError
	if !errors.As(err, &dup) || dup.Key != "kind" || dup.FirstLine != 2 || dup.SecondLine != 3 {
		t.Fatalf("error %v, want the repeated kind", err)
	}
}
