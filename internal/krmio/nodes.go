package krmio

import (
	"strconv"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// mapValue returns the value of key in the mapping n, or nil.
func fieldNode(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Kind == yaml.ScalarNode && n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

func scalarText(n *yaml.Node) string {
	if n == nil || n.Kind != yaml.ScalarNode {
		return ""
	}
	return n.Value
}

func isNullNode(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == yaml.NodeTagNull
}

// describeNode says what a node is, for messages: "a list", "the number 1".
func describeNode(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a map"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias (*" + n.Value + ")"
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case yaml.NodeTagNull:
			return "empty (null)"
		case yaml.NodeTagInt, yaml.NodeTagFloat:
			return "the number " + n.Value
		case yaml.NodeTagBool:
			return "the boolean " + n.Value
		}
		return "the string " + describeValue(n)
	}
	return "not a value"
}

// describeValue quotes a scalar's text, cut to a readable length.
func describeValue(n *yaml.Node) string {
	if n.Kind != yaml.ScalarNode {
		return describeNode(n)
	}
	v := n.Value
	if r := []rune(v); len(r) > 60 {
		v = string(r[:60]) + "…"
	}
	return strconv.Quote(v)
}
