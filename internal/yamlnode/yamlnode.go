// Package yamlnode reads and edits YAML nodes in place: finding a field,
// telling nulls and strings apart, reading typed values as the SDK's getters
// do (without decoding the whole object), and describing a node in messages.
package yamlnode

import (
	"errors"
	"strconv"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// ErrShape is a field that is not of the shape a reader expects.
var ErrShape = errors.New("not of the expected shape")

// Child is the value of key in the map n; nil when n is nil or not a map, or
// has no such key. Only scalar keys are compared.
func Child(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := n.Content[i]; k.Kind == yaml.ScalarNode && k.Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// Find is the node at path under n, nil when there is none. path holds map
// keys and, through lists, indexes.
func Find(n *yaml.Node, path ...string) *yaml.Node {
	for _, step := range path {
		if n == nil {
			return nil
		}
		if n.Kind == yaml.SequenceNode {
			n = item(n, step)
		} else {
			n = Child(n, step)
		}
	}
	return n
}

// item is the element of the list n at the index step, or nil.
func item(n *yaml.Node, step string) *yaml.Node {
	if i, err := strconv.Atoi(step); err == nil && i >= 0 && i < len(n.Content) {
		return n.Content[i]
	}
	return nil
}

// Lookup walks path through maps, as the SDK's getters do: found is false
// when a key is missing, and err is set when a step before the last is not
// a map.
func Lookup(n *yaml.Node, path ...string) (value *yaml.Node, found bool, err error) {
	for _, key := range path {
		if n.Kind != yaml.MappingNode {
			return nil, true, ErrShape
		}
		if n = Child(n, key); n == nil {
			return nil, false, nil
		}
	}
	return n, true, nil
}

// OfKind is the node at path, nil when there is none, and an error when it
// is not of kind or a step before it is not a map.
func OfKind(n *yaml.Node, kind yaml.Kind, path ...string) (*yaml.Node, error) {
	n, found, err := Lookup(n, path...)
	switch {
	case err != nil:
		return nil, err
	case !found:
		return nil, nil
	case n.Kind != kind:
		return nil, ErrShape
	}
	return n, nil
}

// IsNull is true of a scalar that YAML reads as null ("~", "null" or nothing).
func IsNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == yaml.NodeTagNull
}

// IsString is true of a scalar that YAML reads as a string.
func IsString(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && (n.Tag == "" || n.Tag == yaml.NodeTagString)
}

// ScalarText is a scalar's text as written, whatever its type; "" when n is
// nil or not a scalar.
func ScalarText(n *yaml.Node) string {
	if n == nil || n.Kind != yaml.ScalarNode {
		return ""
	}
	return n.Value
}

// DecodeString is a scalar as YAML decodes it into a Go string: null is "",
// numbers and booleans their text; anything but a scalar is an error.
func DecodeString(n *yaml.Node) (string, error) {
	switch {
	case n.Kind != yaml.ScalarNode:
		return "", ErrShape
	case n.Tag == yaml.NodeTagNull:
		return "", nil
	case IsString(n) || n.Tag == yaml.NodeTagInt || n.Tag == yaml.NodeTagFloat || n.Tag == yaml.NodeTagBool:
		return n.Value, nil
	}
	var s string // !!binary and other tags: as the decoder reads them
	err := n.Decode(&s)
	return s, err
}

// SetScalar replaces the value of one scalar under root, keeping its quoting
// style and comments (the SDK's setters rewrite a whole list). path is as
// Find's. It reports whether the scalar was found.
func SetScalar(root *yaml.Node, value string, path ...string) bool {
	n := Find(root, path...)
	if n == nil || n.Kind != yaml.ScalarNode {
		return false
	}
	n.Value = value
	return true
}
