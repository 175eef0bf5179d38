package transformers

import (
	"errors"
	"strconv"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Readers of typed fields from YAML nodes, each reading as the SDK getter it
// replaces does (tested against it): the SDK's getters decode and allocate
// at each call.

// errShape is a field that is not of the shape a reader expects.
var errShape = errors.New("not of the expected shape")

// lookup walks path through maps, as the SDK's getters do: found is false
// when a key is missing, and err is set when a step before the last is not
// a map.
func lookup(n *yaml.Node, path ...string) (value *yaml.Node, found bool, err error) {
	for _, key := range path {
		if n.Kind != yaml.MappingNode {
			return nil, true, errShape
		}
		if n = child(n, key); n == nil {
			return nil, false, nil
		}
	}
	return n, true, nil
}

// nodeOfKind is the node at path, nil when there is none, and an error when
// it is not of kind or a step before it is not a map.
func nodeOfKind(n *yaml.Node, kind yaml.Kind, path ...string) (*yaml.Node, error) {
	n, found, err := lookup(n, path...)
	switch {
	case err != nil:
		return nil, err
	case !found:
		return nil, nil
	case n.Kind != kind:
		return nil, errShape
	}
	return n, nil
}

// stringMapAt reads the map at path as the SDK's NestedStringMap does: any
// scalar value is read as its text (null as ""), anything else is an error.
func stringMapAt(n *yaml.Node, path ...string) (map[string]string, error) {
	n, err := nodeOfKind(n, yaml.MappingNode, path...)
	if n == nil {
		return nil, err
	}
	m := make(map[string]string, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		key, err := scalarText(n.Content[i])
		if err != nil {
			return nil, err
		}
		value, err := scalarText(n.Content[i+1])
		if err != nil {
			return nil, err
		}
		m[key] = value
	}
	return m, nil
}

// scalarText is a scalar as YAML decodes it into a string.
func scalarText(n *yaml.Node) (string, error) {
	switch {
	case n.Kind != yaml.ScalarNode:
		return "", errShape
	case n.Tag == yaml.NodeTagNull:
		return "", nil
	case isString(n) || n.Tag == yaml.NodeTagInt || n.Tag == yaml.NodeTagFloat || n.Tag == yaml.NodeTagBool:
		return n.Value, nil
	}
	var s string // !!binary and other tags: as the decoder reads them
	err := n.Decode(&s)
	return s, err
}

// intAt reads the integer at path as the SDK's NestedInt does: a decimal
// YAML int, anything else an error.
func intAt(n *yaml.Node, path ...string) (value int, found bool, err error) {
	n, found, err = lookup(n, path...)
	if err != nil || !found {
		return 0, found, err
	}
	if n.Kind != yaml.ScalarNode || n.Tag != yaml.NodeTagInt {
		return 0, true, errShape
	}
	if value, err = strconv.Atoi(n.Value); err != nil {
		return 0, true, errShape
	}
	return value, true, nil
}

// isListOfMaps is true of a list whose items are all maps, the shape the
// SDK's NestedSlice reads.
func isListOfMaps(n *yaml.Node) bool {
	if n.Kind != yaml.SequenceNode {
		return false
	}
	for _, item := range n.Content {
		if item.Kind != yaml.MappingNode {
			return false
		}
	}
	return true
}

// listItems is the items of the list n, none when n is nil.
func listItems(n *yaml.Node) []*yaml.Node {
	if n == nil {
		return nil
	}
	return n.Content
}

// stringListAt reads the list at path as the SDK's NestedStringSlice does:
// any scalar item is read as its text, a null one is left out, anything else
// is an error.
func stringListAt(n *yaml.Node, path ...string) ([]string, error) {
	n, err := nodeOfKind(n, yaml.SequenceNode, path...)
	if n == nil {
		return nil, err
	}
	list := make([]string, 0, len(n.Content))
	for _, item := range n.Content {
		if isNull(item) {
			continue
		}
		text, err := scalarText(item)
		if err != nil {
			return nil, err
		}
		list = append(list, text)
	}
	return list, nil
}
