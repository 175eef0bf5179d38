package yamlnode

import "sigs.k8s.io/kustomize/kyaml/yaml"

// String is a new string scalar.
func String(value string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagString, Value: value}
}

// Field is one key and value of a new map.
type Field struct {
	Key   string
	Value *yaml.Node
}

// Map is a new map of fields, in their order.
func Map(fields ...Field) *yaml.Node {
	m := &yaml.Node{Kind: yaml.MappingNode, Tag: yaml.NodeTagMap}
	for _, f := range fields {
		m.Content = append(m.Content, String(f.Key), f.Value)
	}
	return m
}

// EnsureMap is the map at path under n, made where it is missing or null,
// so that a field can be set in it; nil when a step is something else
// (a list, a string), which must not be replaced.
func EnsureMap(n *yaml.Node, path ...string) *yaml.Node {
	for _, key := range path {
		if n.Kind != yaml.MappingNode {
			return nil
		}
		child := Child(n, key)
		if child == nil {
			child = Map()
			n.Content = append(n.Content, String(key), child)
		}
		if IsNull(child) {
			child.Kind, child.Tag, child.Value, child.Style = yaml.MappingNode, yaml.NodeTagMap, "", 0
		}
		n = child
	}
	if n.Kind != yaml.MappingNode {
		return nil
	}
	return n
}

// SetField sets key in the map m to value: in place, keeping the key's
// position and comments, or appended after the other keys.
func SetField(m *yaml.Node, key string, value *yaml.Node) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if k := m.Content[i]; k.Kind == yaml.ScalarNode && k.Value == key {
			value.HeadComment, value.LineComment = m.Content[i+1].HeadComment, m.Content[i+1].LineComment
			m.Content[i+1] = value
			return
		}
	}
	m.Content = append(m.Content, String(key), value)
}
