package yamlnode

import (
	"strconv"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// PlainValue is n as Go maps, lists and scalars, of the types a map decoded
// from JSON holds (numbers are float64), which is what the SDK's As gives
// through a JSON round trip of its own.
func PlainValue(n *yaml.Node) any {
	switch n.Kind {
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			m[n.Content[i].Value] = PlainValue(n.Content[i+1])
		}
		return m
	case yaml.SequenceNode:
		list := make([]any, len(n.Content))
		for i, c := range n.Content {
			list[i] = PlainValue(c)
		}
		return list
	case yaml.AliasNode:
		return PlainValue(n.Alias)
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
