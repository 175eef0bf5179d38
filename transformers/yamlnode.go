package transformers

import (
	"strconv"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// setScalar replaces the value of one scalar in obj, keeping its quoting
// style and comments (the SDK's setters rewrite a whole list). path holds map
// keys and list indexes. It reports whether the scalar was found.
func setScalar(obj *fn.KubeObject, value string, path ...string) bool {
	rn := obj.MoveToResourceNode()
	defer func() { *obj = *fn.MoveToKubeObject(rn) }()
	n := rn.YNode()
	for _, step := range path {
		n = child(n, step)
		if n == nil {
			return false
		}
	}
	if n.Kind != yaml.ScalarNode {
		return false
	}
	n.Value = value
	return true
}

// lookup returns the node at path in obj (map keys and list indexes), or
// nil when there is none.
func lookup(obj *fn.KubeObject, path ...string) *yaml.Node {
	rn := obj.MoveToResourceNode()
	defer func() { *obj = *fn.MoveToKubeObject(rn) }()
	n := rn.YNode()
	for _, step := range path {
		if n = child(n, step); n == nil {
			return nil
		}
	}
	return n
}

// child is the value under a map key, or the list element at an index.
func child(n *yaml.Node, step string) *yaml.Node {
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == step {
				return n.Content[i+1]
			}
		}
	case yaml.SequenceNode:
		if i, err := strconv.Atoi(step); err == nil && i >= 0 && i < len(n.Content) {
			return n.Content[i]
		}
	}
	return nil
}
