package model

import (
	"fmt"
	"slices"

	"github.com/lbguard/lbguard/internal/yamlnode"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// labelSelector is a PodDisruptionBudget's or a workload's spec.selector:
// every matchLabels pair and every matchExpressions requirement must hold.
type LabelSelector struct {
	matchLabels  map[string]string
	requirements []selectorRequirement
}

type selectorRequirement struct {
	key, operator string
	values        []string
}

// readSelector reads the selector at path under root; nil when there is
// none (a missing selector selects no pod, an empty one every pod of the
// namespace).
func ReadSelector(root *yaml.Node, path ...string) (*LabelSelector, error) {
	selector, err := yamlnode.OfKind(root, yaml.MappingNode, path...)
	if err != nil {
		return nil, fmt.Errorf("must be a label selector")
	}
	if selector == nil {
		return nil, nil
	}
	s := &LabelSelector{}
	if s.matchLabels, err = yamlnode.StringMapAt(selector, "matchLabels"); err != nil {
		return nil, fmt.Errorf("matchLabels must be a map of strings")
	}
	expressions, err := yamlnode.OfKind(selector, yaml.SequenceNode, "matchExpressions")
	if err != nil || expressions != nil && !yamlnode.IsListOfMaps(expressions) {
		return nil, fmt.Errorf("matchExpressions must be a list")
	}
	for i, e := range yamlnode.Items(expressions) {
		key, _ := yamlnode.StringAt(e, "key")
		operator, _ := yamlnode.StringAt(e, "operator")
		values, err := yamlnode.StringListAt(e, "values")
		switch {
		case err != nil:
			return nil, fmt.Errorf("matchExpressions[%d].values must be a list of strings", i)
		case key == "":
			return nil, fmt.Errorf("matchExpressions[%d].key must be set", i)
		case operator != "In" && operator != "NotIn" && operator != "Exists" && operator != "DoesNotExist":
			return nil, fmt.Errorf("matchExpressions[%d].operator must be In, NotIn, Exists or DoesNotExist, not %q", i, operator)
		}
		s.requirements = append(s.requirements, selectorRequirement{key: key, operator: operator, values: values})
	}
	return s, nil
}

func (s *LabelSelector) Empty() bool {
	return len(s.matchLabels) == 0 && len(s.requirements) == 0
}

// matches tells whether the selector selects pods with these labels; a nil
// selector selects none.
func (s *LabelSelector) Matches(podLabels map[string]string) bool {
	if s == nil {
		return false
	}
	if !matches(podLabels, s.matchLabels) {
		return false
	}
	for _, req := range s.requirements {
		value, has := podLabels[req.key]
		switch req.operator {
		case "In":
			if !has || !slices.Contains(req.values, value) {
				return false
			}
		case "NotIn":
			if has && slices.Contains(req.values, value) {
				return false
			}
		case "Exists":
			if !has {
				return false
			}
		case "DoesNotExist":
			if has {
				return false
			}
		}
	}
	return true
}
