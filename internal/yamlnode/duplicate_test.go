package yamlnode

import (
	"fmt"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

func node(t *testing.T, text string) *yaml.Node {
	t.Helper()
	var n yaml.Node
	if err := yaml.Unmarshal([]byte(text), &n); err != nil {
		t.Fatalf("unmarshal: %v", err)
	}
	return &n
}

// yaml.v3 keeps a repeated key when it decodes into a Node, as kyaml and
// kustomize do: nothing refuses it unless lbguard does.
func TestYAMLAcceptsRepeatedKeysIntoNode(t *testing.T) {
	n := node(t, "kind: Service\nkind: Deployment\n")
	if got := len(n.Content[0].Content); got != 4 {
		t.Fatalf("the mapping holds %d nodes, want both pairs (4)", got)
	}
	if _, err := yaml.Parse("kind: Service\nkind: Deployment\n"); err != nil {
		t.Fatalf("kyaml's Parse refused the repeated key (%v): DuplicateKey's reason to be is gone", err)
	}
}

func TestDuplicateKey(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		want       *DuplicateKeyError
		message    string
	}{
		{
			name:    "top level",
			text:    "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nkind: Deployment\n",
			want:    &DuplicateKeyError{Key: "kind", FirstLine: 2, SecondLine: 5},
			message: `duplicate key "kind" at lines 2 and 5`,
		},
		{
			name:    "nested mapping",
			text:    "metadata:\n  labels:\n    app: a\n    tier: b\n    app: c\n",
			want:    &DuplicateKeyError{Key: "app", FirstLine: 3, SecondLine: 5, Path: "metadata.labels"},
			message: `duplicate key "app" in metadata.labels at lines 3 and 5`,
		},
		{
			name:    "in a sequence",
			text:    "spec:\n  ports:\n  - port: 80\n  - port: 443\n    name: https\n    port: 8443\n",
			want:    &DuplicateKeyError{Key: "port", FirstLine: 4, SecondLine: 6, Path: "spec.ports[1]"},
			message: `duplicate key "port" in spec.ports[1] at lines 4 and 6`,
		},
		{
			name:    "the first in document order",
			text:    "a:\n  x: 1\n  x: 2\nb: 1\nb: 2\n",
			want:    &DuplicateKeyError{Key: "x", FirstLine: 2, SecondLine: 3, Path: "a"},
			message: `duplicate key "x" in a at lines 2 and 3`,
		},
		{
			name: "same key in different mappings",
			text: "metadata:\n  name: a\nspec:\n  name: b\n",
		},
		{
			name: "an alias is checked where its anchor is",
			text: "base: &b\n  x: 1\nuse: *b\nother: *b\n",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := DuplicateKey(node(t, tc.text))
			if tc.want == nil {
				if got != nil {
					t.Fatalf("DuplicateKey = %v, want none", got)
				}
				return
			}
			if got == nil || *got != *tc.want {
				t.Fatalf("DuplicateKey = %+v, want %+v", got, tc.want)
			}
			if got.Error() != tc.message {
				t.Errorf("message %q, want %q", got.Error(), tc.message)
			}
		})
	}
}

// Mappings above smallMapping pairs are checked through a map: the same
// answer.
func TestDuplicateKeyInALargeMapping(t *testing.T) {
	var b strings.Builder
	for i := range 20 {
		fmt.Fprintf(&b, "k%d: %d\n", i, i)
	}
	b.WriteString("k3: again\n")
	want := DuplicateKeyError{Key: "k3", FirstLine: 5, SecondLine: 22, Path: "data"}
	got := DuplicateKey(node(t, "data:\n"+indent(b.String())))
	if got == nil || *got != want {
		t.Fatalf("DuplicateKey = %+v, want %+v", got, want)
	}
}

func indent(s string) string {
	return "  " + strings.ReplaceAll(strings.TrimSuffix(s, "\n"), "\n", "\n  ") + "\n"
}
