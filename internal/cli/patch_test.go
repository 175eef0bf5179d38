package cli

import (
	"errors"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

func mustRoot(t *testing.T, s string) *yaml.Node {
	t.Helper()
	var doc yaml.Node
	if err := yaml.NewDecoder(strings.NewReader(s)).Decode(&doc); err != nil {
		t.Fatalf("%v\n%s", err, s)
	}
	return doc.Content[0]
}

// patchDocument edits only what changed; the fixed document is given as the
// YAML it must read as.
func TestPatchDocument(t *testing.T) {
	for _, c := range []struct {
		name, in, fixed, want string // want "": cannot be patched
	}{{
		name:  "a scalar replaced, its comment kept",
		in:    "spec:\n  terminationGracePeriodSeconds: 30 # the app needs 20 s\n  replicas: 2\n",
		fixed: "spec: {terminationGracePeriodSeconds: 65, replicas: 2}",
		want:  "spec:\n  terminationGracePeriodSeconds: 65 # the app needs 20 s\n  replicas: 2\n",
	}, {
		name:  "quoting kept",
		in:    "metadata:\n  annotations:\n    a: \"instance\"\n    b: 'x'\n",
		fixed: "metadata: {annotations: {a: ip, b: 'x,y'}}",
		want:  "metadata:\n  annotations:\n    a: \"ip\"\n    b: 'x,y'\n",
	}, {
		name:  "an element of a flow list",
		in:    "command: [\"/bin/sh\", \"-c\", \"sleep 5\"]\n",
		fixed: "command: [/bin/sh, -c, sleep 45]",
		want:  "command: [\"/bin/sh\", \"-c\", \"sleep 45\"]\n",
	}, {
		name:  "a new key after the last one, before the comments of the next",
		in:    "metadata:\n  name: web\n  labels:\n    app: web\n  # what follows is the spec\nspec: {}\n",
		fixed: "metadata: {name: web, labels: {app: web, gate: enabled}}\nspec: {}",
		want:  "metadata:\n  name: web\n  labels:\n    app: web\n    gate: enabled\n  # what follows is the spec\nspec: {}\n",
	}, {
		name:  "a new map in a list item, at the item's indentation",
		in:    "containers:\n- name: app\n  ports:\n  - containerPort: 80\n- name: sidecar\n",
		fixed: "containers: [{name: app, ports: [{containerPort: 80}], lifecycle: {preStop: {sleep: {seconds: 45}}}}, {name: sidecar}]",
		want:  "containers:\n- name: app\n  ports:\n  - containerPort: 80\n  lifecycle:\n    preStop:\n      sleep:\n        seconds: 45\n- name: sidecar\n",
	}, {
		name:  "a new list in the document's wide style",
		in:    "spec:\n  ports:\n    - port: 80\n",
		fixed: "spec: {ports: [{port: 80}], command: [a, b]}",
		want:  "spec:\n  ports:\n    - port: 80\n  command:\n    - a\n    - b\n",
	}, {
		name:  "a last line without a newline",
		in:    "metadata:\n  name: web",
		fixed: "metadata: {name: web, labels: {a: b}}",
		want:  "metadata:\n  name: web\n  labels:\n    a: b\n",
	}, {
		name:  "list items appended",
		in:    "args:\n- one\n# two was here\nnext: 1\n",
		fixed: "args: [one, two]\nnext: 1",
		want:  "args:\n- one\n- two\n# two was here\nnext: 1\n",
	}, {
		name:  "a flow map that grows",
		in:    "metadata:\n  annotations: {}\n",
		fixed: "metadata: {annotations: {a: b}}",
	}, {
		name:  "a key removed",
		in:    "a: 1\nb: 2\n",
		fixed: "a: 1",
	}, {
		name:  "a block scalar changed",
		in:    "script: |\n  sleep 5\n",
		fixed: "script: \"sleep 45\\n\"",
	}} {
		t.Run(c.name, func(t *testing.T) { checkPatch(t, c.in, c.fixed, c.want) })
	}
}

// checkPatch patches in to read as fixed, and checks the text is want (""
// when the change cannot be patched).
func checkPatch(t *testing.T, in, fixed, want string) {
	t.Helper()
	got, err := patchDocument(in, mustRoot(t, in), mustRoot(t, fixed))
	if want == "" {
		if !errors.Is(err, errCannotPatch) {
			t.Errorf("patched to %q, want errCannotPatch", got)
		}
		return
	}
	if err != nil {
		t.Fatalf("%v", err)
	}
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

// A document patching cannot say is printed anew; the others of the file,
// its line ends (\r\n) and the added objects are kept.
func TestFixedText(t *testing.T) {
	in := "# first\r\na: 1\r\n---\r\nmetadata:\r\n  annotations: {}\r\n---\r\nc: 3\r\n"
	src, err := parseSource("f.yaml", []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(src.docs) != 3 || !src.crlf {
		t.Fatalf("%d documents, crlf %v", len(src.docs), src.crlf)
	}
	changed := map[*document]*yaml.Node{src.docs[1]: mustRoot(t, "metadata:\n  annotations:\n    k: v\n")}
	added := []*yaml.Node{mustRoot(t, "kind: PodDisruptionBudget")}
	text, reprinted, err := src.fixedText(changed, added)
	if err != nil {
		t.Fatal(err)
	}
	if len(reprinted) != 1 || reprinted[0] != src.docs[1] {
		t.Errorf("reprinted %v, want the second document", reprinted)
	}
	want := "# first\r\na: 1\r\n---\r\nmetadata:\r\n  annotations:\r\n    k: v\r\n---\r\nc: 3\r\n---\r\nkind: PodDisruptionBudget\r\n"
	if got := string(src.withLineEnds(text)); got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

func TestFieldLines(t *testing.T) {
	src, err := parseSource("f.yaml", []byte(`---
# a comment
apiVersion: v1
kind: Service
metadata:
  name: web
  annotations:
    a.b/c: "1"
spec:
  ports:
  - name: http
    port: 80
  - name: https
    port: 443
`))
	if err != nil {
		t.Fatal(err)
	}
	d := src.docs[0]
	for path, want := range map[string]int{
		"metadata.annotations[a.b/c]": 8,
		"metadata.annotations[d/e]":   7,
		"spec.ports[1].port":          14,
		"spec.ports[name=https].port": 14,
		"spec.ports[5].port":          10,
		"spec.type":                   9,
		"":                            3,
		"metadata.annotations[a.b/c":  7, // no closing bracket: a key no map has
		"spec.ports[name=grpc].port":  10,
		"spec.ports[0].name[0]":       11,
		"metadata[name=web]":          5,
	} {
		if got := d.fieldLine(path); got != want {
			t.Errorf("%q: line %d, want %d", path, got, want)
		}
	}
}
