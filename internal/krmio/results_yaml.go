package krmio

import (
	"sort"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// resultNode builds a result's YAML as the SDK's ToYAML lays it out (the
// fields of its json tags, empty ones left out, every map sorted by kyaml's
// field order and then by name) without its round trip through JSON. The
// emitter writes it for the few results appendResult cannot, and it is what
// the text writer is tested against.
func resultNode(res *fn.Result) (*yaml.Node, error) {
	m := &yaml.Node{Kind: yaml.MappingNode}
	if res.Message != "" {
		addString(m, "message", res.Message)
	}
	if res.Severity != "" {
		addString(m, "severity", string(res.Severity))
	}
	if ref := res.ResourceRef; ref != nil {
		r := &yaml.Node{Kind: yaml.MappingNode}
		for _, f := range [][2]string{{"apiVersion", ref.APIVersion}, {"kind", ref.Kind}, {"name", ref.Name}, {"namespace", ref.Namespace}} {
			if f[1] != "" {
				addString(r, f[0], f[1])
			}
		}
		addNode(m, "resourceRef", r)
	}
	if f := res.Field; f != nil {
		n := &yaml.Node{Kind: yaml.MappingNode}
		if f.Path != "" {
			addString(n, "path", f.Path)
		}
		for _, v := range []struct {
			key   string
			value any
		}{{"currentValue", f.CurrentValue}, {"proposedValue", f.ProposedValue}} {
			if v.value == nil {
				continue
			}
			value := &yaml.Node{}
			if err := value.Encode(v.value); err != nil {
				return nil, err
			}
			addNode(n, v.key, value)
		}
		addNode(m, "field", n)
	}
	if f := res.File; f != nil {
		n := &yaml.Node{Kind: yaml.MappingNode}
		if f.Path != "" {
			addString(n, "path", f.Path)
		}
		if f.Index != 0 {
			index := &yaml.Node{}
			if err := index.Encode(f.Index); err != nil {
				return nil, err
			}
			addNode(n, "index", index)
		}
		addNode(m, "file", n)
	}
	if len(res.Tags) > 0 {
		n := &yaml.Node{Kind: yaml.MappingNode}
		for k, v := range res.Tags {
			addString(n, k, v)
		}
		addNode(m, "tags", n)
	}
	sortFields(m)
	return m, nil
}

func addString(m *yaml.Node, key, value string) {
	addNode(m, key, &yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagString, Value: value})
}

func addNode(m *yaml.Node, key string, value *yaml.Node) {
	m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagString, Value: key}, value)
}

// sortFields orders every map under n as the SDK does: the fields kyaml
// knows first, in its order, then the others by name.
func sortFields(n *yaml.Node) {
	switch n.Kind {
	case yaml.SequenceNode:
		for _, c := range n.Content {
			sortFields(c)
		}
	case yaml.MappingNode:
		pairs := make([][2]*yaml.Node, 0, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			sortFields(n.Content[i+1])
			pairs = append(pairs, [2]*yaml.Node{n.Content[i], n.Content[i+1]})
		}
		sort.Slice(pairs, func(i, j int) bool { return fieldLess(pairs[i][0].Value, pairs[j][0].Value) })
		n.Content = n.Content[:0]
		for _, p := range pairs {
			n.Content = append(n.Content, p[0], p[1])
		}
	}
}

func fieldLess(a, b string) bool {
	ai, aKnown := yaml.FieldOrder[a]
	bi, bKnown := yaml.FieldOrder[b]
	switch {
	case aKnown && bKnown:
		return ai < bi
	case aKnown != bKnown:
		return aKnown
	}
	return a < b
}
