package yamlnode

import (
	"strconv"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Readers of typed fields, each reading as the SDK getter it replaces does
// (tested against it): the SDK's getters decode and allocate at each call.

// StringAt is the string at path under n (as Find walks it), if there is
// one there.
func StringAt(n *yaml.Node, path ...string) (string, bool) {
	n = Find(n, path...)
	if n == nil || !IsString(n) {
		return "", false
	}
	return n.Value, true
}

// IntAt reads the integer at path as the SDK's NestedInt does: a decimal
// YAML int, anything else an error.
func IntAt(n *yaml.Node, path ...string) (value int, found bool, err error) {
	n, found, err = Lookup(n, path...)
	if err != nil || !found {
		return 0, found, err
	}
	if n.Kind != yaml.ScalarNode || n.Tag != yaml.NodeTagInt {
		return 0, true, ErrShape
	}
	if value, err = strconv.Atoi(n.Value); err != nil {
		return 0, true, ErrShape
	}
	return value, true, nil
}

// StringMapAt reads the map at path as the SDK's NestedStringMap does: any
// scalar value is read as its text (null as ""), anything else is an error.
func StringMapAt(n *yaml.Node, path ...string) (map[string]string, error) {
	n, err := OfKind(n, yaml.MappingNode, path...)
	if n == nil {
		return nil, err
	}
	m := make(map[string]string, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		key, err := DecodeString(n.Content[i])
		if err != nil {
			return nil, err
		}
		value, err := DecodeString(n.Content[i+1])
		if err != nil {
			return nil, err
		}
		m[key] = value
	}
	return m, nil
}

// StringListAt reads the list at path as the SDK's NestedStringSlice does:
// any scalar item is read as its text, a null one is left out, anything else
// is an error.
func StringListAt(n *yaml.Node, path ...string) ([]string, error) {
	n, err := OfKind(n, yaml.SequenceNode, path...)
	if n == nil {
		return nil, err
	}
	list := make([]string, 0, len(n.Content))
	for _, item := range n.Content {
		if IsNull(item) {
			continue
		}
		text, err := DecodeString(item)
		if err != nil {
			return nil, err
		}
		list = append(list, text)
	}
	return list, nil
}

// IsListOfMaps is true of a list whose items are all maps, the shape the
// SDK's NestedSlice reads.
func IsListOfMaps(n *yaml.Node) bool {
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

// Items is the items of the list n, none when n is nil.
func Items(n *yaml.Node) []*yaml.Node {
	if n == nil {
		return nil
	}
	return n.Content
}
