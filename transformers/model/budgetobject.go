package model

import (
	"strconv"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/internal/yamlnode"
	"github.com/lbguard/lbguard/transformers/annotations"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// newBudgetObject writes the policy/v1 budget, node by node: in the usual
// order, with no empty status, and without the SDK's setters, which decode
// and re-wrap the object at each field. The workload's selector, which
// addBudget has read (a map), is copied as written, comments included.
func NewBudgetObject(w *Workload, maxUnavailable string) *fn.KubeObject {
	str := yamlnode.String
	metadata := yamlnode.Map(yamlnode.Field{Key: "name", Value: str(w.Name)})
	if ns := w.WrittenNamespace; ns != "" {
		metadata.Content = append(metadata.Content, str("namespace"), str(ns))
	}
	metadata.Content = append(metadata.Content, str("labels"), yamlnode.Map(yamlnode.Field{Key: annotations.GeneratedByLabel, Value: str(annotations.GeneratedByValue)}))
	budget := str(maxUnavailable)
	if _, err := strconv.Atoi(maxUnavailable); err == nil {
		budget.Tag = yaml.NodeTagInt
	}
	spec := yamlnode.Map(
		yamlnode.Field{Key: "maxUnavailable", Value: budget},
		yamlnode.Field{Key: "selector", Value: yaml.CopyYNode(yamlnode.Find(w.Root, "spec", "selector"))},
		yamlnode.Field{Key: "unhealthyPodEvictionPolicy", Value: str("AlwaysAllow")})
	root := yamlnode.Map(
		yamlnode.Field{Key: "apiVersion", Value: str("policy/v1")},
		yamlnode.Field{Key: "kind", Value: str("PodDisruptionBudget")},
		yamlnode.Field{Key: "metadata", Value: metadata},
		yamlnode.Field{Key: "spec", Value: spec})
	return fn.MoveToKubeObject(yaml.NewRNode(root))
}
