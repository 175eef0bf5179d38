package transformers

import (
	"strconv"
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// setScalar replaces the value of one scalar under root, keeping its quoting
// style and comments (the SDK's setters rewrite a whole list). path holds map
// keys and list indexes. It reports whether the scalar was found.
func setScalar(root *yaml.Node, value string, path ...string) bool {
	n := find(root, path...)
	if n == nil || n.Kind != yaml.ScalarNode {
		return false
	}
	n.Value = value
	return true
}

// rootOf is obj's YAML root node. The SDK's setters edit below the root,
// which stays the same node.
func rootOf(obj *fn.KubeObject) *yaml.Node {
	rn := obj.MoveToResourceNode()
	root := rn.YNode()
	*obj = *fn.MoveToKubeObject(rn)
	return root
}

// find returns the node at path under n, or nil when there is none.
func find(n *yaml.Node, path ...string) *yaml.Node {
	for _, step := range path {
		if n == nil {
			return nil
		}
		n = child(n, step)
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

// annotation is the annotation key of the object whose root node is root,
// found in its YAML: GetAnnotations decodes every annotation at each call,
// and the rules ask for one at a time, many times over. identify has made
// sure that every annotation value is a string.
func annotation(root *yaml.Node, key string) (string, bool) {
	return stringAt(root, "metadata", "annotations", key)
}

// annotationValue is the annotation key, or "" when there is none.
func annotationValue(root *yaml.Node, key string) string {
	v, _ := annotation(root, key)
	return v
}

// label is the label key, as annotation is the annotation.
func label(root *yaml.Node, key string) (string, bool) {
	return stringAt(root, "metadata", "labels", key)
}

// stringAt is the string at path under n, if there is one there.
func stringAt(n *yaml.Node, path ...string) (string, bool) {
	n = find(n, path...)
	if n == nil || !isString(n) {
		return "", false
	}
	return n.Value, true
}

// isNull is true of a scalar that YAML reads as null ("~", "null" or nothing).
func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == yaml.NodeTagNull
}

// isString is true of a scalar that YAML reads as a string.
func isString(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && (n.Tag == "" || n.Tag == yaml.NodeTagString)
}

// setAnnotationOf and setLabelOf set a key in obj's annotations or labels, which
// may be null ("annotations:" with nothing after it, which the API server
// reads as none): the SDK cannot set a key in null, so it becomes a map.
// root is obj's root node.
func setAnnotationOf(obj *fn.KubeObject, root *yaml.Node, key, value string) error {
	nullToMap(root, "annotations")
	return obj.SetAnnotation(key, value)
}

func setLabelOf(obj *fn.KubeObject, root *yaml.Node, key, value string) error {
	nullToMap(root, "labels")
	return obj.SetLabel(key, value)
}

func nullToMap(root *yaml.Node, field string) {
	if n := find(root, "metadata", field); n != nil && isNull(n) {
		n.Kind, n.Tag, n.Value, n.Style = yaml.MappingNode, yaml.NodeTagMap, "", 0
	}
}

// plainValue is n as Go maps, lists and scalars, of the types a map decoded
// from JSON holds (numbers are float64), which is what the SDK's As gives
// through a JSON round trip of its own.
func plainValue(n *yaml.Node) any {
	switch n.Kind {
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			m[n.Content[i].Value] = plainValue(n.Content[i+1])
		}
		return m
	case yaml.SequenceNode:
		list := make([]any, len(n.Content))
		for i, c := range n.Content {
			list[i] = plainValue(c)
		}
		return list
	case yaml.AliasNode:
		return plainValue(n.Alias)
	}
	switch n.Tag {
	case yaml.NodeTagNull:
		return nil
	case yaml.NodeTagBool:
		b, _ := strconv.ParseBool(strings.ToLower(n.Value))
		return b
	case yaml.NodeTagInt, yaml.NodeTagFloat:
		if decimal(n.Value) {
			f, _ := strconv.ParseFloat(n.Value, 64)
			return f
		}
		var v any // 0x1F, 0o17, 017, .inf and the like: as YAML reads them
		if err := n.Decode(&v); err == nil {
			switch v := v.(type) {
			case int:
				return float64(v)
			case int64:
				return float64(v)
			case uint64:
				return float64(v)
			case float64:
				return v
			}
		}
	}
	return n.Value
}

// decimal is true of digits with no leading zero: a number ParseFloat reads
// as YAML does.
func decimal(s string) bool {
	if s == "" || s[0] == '0' && len(s) > 1 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
