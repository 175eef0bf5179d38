package yamlnode

import (
	"strconv"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Describe says what a node is, for messages: "a list", "the number 1".
func Describe(n *yaml.Node) string {
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
		return "the string " + Quote(n)
	}
	return "not a value"
}

// Quote quotes a scalar's text, cut to a readable length; any other node
// it describes.
func Quote(n *yaml.Node) string {
	if n.Kind != yaml.ScalarNode {
		return Describe(n)
	}
	v := n.Value
	if r := []rune(v); len(r) > 60 {
		v = string(r[:60]) + "…"
	}
	return strconv.Quote(v)
}
