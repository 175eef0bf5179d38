package cli

import (
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// valueKey indexes selectors by value: two nodes share a key exactly when
// equalNodes says they are equal.
func TestValueKeyIsEqualNodes(t *testing.T) {
	texts := []string{
		"matchLabels: {app: web}",
		"matchLabels:\n  app: web # a comment\n",
		"matchLabels: {app: 'web'}",
		"matchLabels: {app: api}",
		"matchLabels: {app: \"1\"}",
		"matchLabels: {app: 1}",
		"matchLabels: {app: web, tier: front}",
		"matchLabels: {appweb: ''}",
		"matchLabels: [app, web]",
		"matchLabels: {}",
		"{}",
		"a: &x {app: web}\nb: *x",
		"a: {app: web}\nb: {app: web}",
	}
	nodes := make([]*yaml.Node, len(texts))
	for i, s := range texts {
		var n yaml.Node
		if err := yaml.Unmarshal([]byte(s), &n); err != nil {
			t.Fatal(err)
		}
		nodes[i] = &n
	}
	nodes = append(nodes, nil)
	for i, a := range nodes {
		for j, b := range nodes {
			if eq, same := equalNodes(a, b), valueKey(a) == valueKey(b); eq != same {
				t.Errorf("nodes %d and %d: equalNodes %v, keys %q and %q", i, j, eq, valueKey(a), valueKey(b))
			}
		}
	}
}
