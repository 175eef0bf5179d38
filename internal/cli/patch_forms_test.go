package cli

import (
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// The forms of YAML the patcher meets: what it edits in place, and what it
// leaves to be printed anew (want "").
func TestPatchForms(t *testing.T) {
	for _, c := range []struct {
		name, in, fixed, want string
	}{{
		name:  "a plain scalar in a flow map",
		in:    "ports: {port: 80, targetPort: 8080}\n",
		fixed: "ports: {port: 80, targetPort: 9090}",
		want:  "ports: {port: 80, targetPort: 9090}\n",
	}, {
		name:  "a double-quoted scalar with an escaped quote",
		in:    "a: \"say \\\"hi\\\"\" # greeting\n",
		fixed: "a: 'say \"bye\"'",
		want:  "a: \"say \\\"bye\\\"\" # greeting\n",
	}, {
		name:  "a single-quoted scalar with a doubled quote",
		in:    "a: 'it''s' # kept\n",
		fixed: "a: \"it's done\"",
		want:  "a: 'it''s done' # kept\n",
	}, {
		name:  "a new first key",
		in:    "# the spec\na: 1\n",
		fixed: "{z: 0, a: 1}",
		want:  "# the spec\nz: 0\na: 1\n",
	}, {
		name:  "aliases of the fixed document compared by value",
		in:    "a: 1\nb: 1\n",
		fixed: "a: &one 1\nb: *one",
		want:  "a: 1\nb: 1\n",
	}, {
		name:  "a scalar with an explicit tag",
		in:    "a: !!str 5\n",
		fixed: "a: '6'",
	}, {
		name:  "a plain scalar over two lines",
		in:    "a: one\n  two\nb: 1\n",
		fixed: "{a: three, b: 1}",
	}, {
		name:  "a value that takes several lines",
		in:    "a: x\n",
		fixed: "a: \"one\\ntwo\"",
	}, {
		name:  "a scalar become a list",
		in:    "a: 1\n",
		fixed: "a: [1]",
	}, {
		name:  "a map under an anchor",
		in:    "a: &x\n  b: 1\nc: *x\n",
		fixed: "{a: {b: 2}, c: {b: 2}}",
	}, {
		name:  "a key that is a list",
		in:    "? [a]\n: 1\nb: 2\n",
		fixed: "{[a]: 1, b: 3}",
	}, {
		name:  "keys reordered",
		in:    "a: 1\nb: 2\n",
		fixed: "{b: 2, a: 1}",
	}, {
		name:  "a new key before a key of a flow map",
		in:    "m: {a: 1}\n",
		fixed: "m: {z: 0, a: 1}",
	}, {
		name:  "a new first key of a list item, after its dash",
		in:    "- name: x\n",
		fixed: "[{image: y, name: x}]",
	}, {
		name:  "a new key of a map written after a question mark",
		in:    "? a\n: 1\n",
		fixed: "{a: 1, b: 2}",
	}, {
		name:  "a list item removed",
		in:    "- a\n- b\n",
		fixed: "[a]",
	}, {
		name:  "a list item that cannot be patched",
		in:    "- a: 1\n  b: 2\n",
		fixed: "[{b: 2, a: 1}]",
	}, {
		name:  "an item appended to a flow list",
		in:    "l: [a]\n",
		fixed: "l: [a, b]",
	}, {
		name:  "an item appended after a tagged item",
		in:    "l:\n- !!str a\n",
		fixed: "l: [a, b]",
		want:  "l:\n- !!str a\n- b\n",
	}, {
		name:  "an item appended after an item below its dash",
		in:    "l:\n-\n  a\n",
		fixed: "l: [a, b]",
	}, {
		name:  "a plain value that would end a flow map",
		in:    "m: {x: a}\n",
		fixed: "m: {x: 'a, b'}",
	}, {
		name:  "a plain value that would end a flow list",
		in:    "l: [a]\n",
		fixed: "l: ['b]']",
	}} {
		t.Run(c.name, func(t *testing.T) { checkPatch(t, c.in, c.fixed, c.want) })
	}
}

// An object added to a file whose last line has no newline starts on a
// line of its own.
func TestAddedAfterALastLineWithoutNewline(t *testing.T) {
	src, err := parseSource("f.yaml", []byte("a: 1"))
	if err != nil {
		t.Fatal(err)
	}
	text, reprinted, err := src.fixedText(nil, []*yaml.Node{mustRoot(t, "kind: PodDisruptionBudget")})
	if err != nil || len(reprinted) != 0 {
		t.Fatalf("%v, reprinted %v", err, reprinted)
	}
	if want := "a: 1\n---\nkind: PodDisruptionBudget\n"; text != want {
		t.Errorf("got %q, want %q", text, want)
	}
}

// The stream of several sources: one separator between two documents, none
// for a source that is blank.
func TestWriteStream(t *testing.T) {
	var b strings.Builder
	if err := writeStream(&b, []string{"a: 1", " \n", "---\nb: 2\n", "c: 3\n"}); err != nil {
		t.Fatal(err)
	}
	if want := "a: 1\n---\nb: 2\n---\nc: 3\n"; b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
}
