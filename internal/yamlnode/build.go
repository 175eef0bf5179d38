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
