package gatewayapi

import (
	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/internal/yamlnode"
	"github.com/lbguard/lbguard/transformers/annotations"
	"github.com/lbguard/lbguard/transformers/model"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// newTargetGroupObject writes, node by node, the TargetGroupConfiguration
// of a Service that has none: named after the Service, in its namespace,
// with an empty defaultConfiguration that R1 and R2 fill with only what
// the effective settings lack. targetReference names the Service alone
// (kind and group default; the field is required before LBC v3.2).
func newTargetGroupObject(apiVersion string, svc *model.ObjectView) *fn.KubeObject {
	str := yamlnode.String
	metadata := yamlnode.Map(yamlnode.Field{Key: "name", Value: str(svc.Name)})
	if svc.WrittenNamespace != "" {
		metadata.Content = append(metadata.Content, str("namespace"), str(svc.WrittenNamespace))
	}
	metadata.Content = append(metadata.Content, str("labels"), yamlnode.Map(yamlnode.Field{Key: annotations.GeneratedByLabel, Value: str(annotations.GeneratedByValue)}))
	spec := yamlnode.Map(
		yamlnode.Field{Key: "targetReference", Value: yamlnode.Map(yamlnode.Field{Key: "name", Value: str(svc.Name)})},
		yamlnode.Field{Key: "defaultConfiguration", Value: yamlnode.Map()})
	root := yamlnode.Map(
		yamlnode.Field{Key: "apiVersion", Value: str(apiVersion)},
		yamlnode.Field{Key: "kind", Value: str("TargetGroupConfiguration")},
		yamlnode.Field{Key: "metadata", Value: metadata},
		yamlnode.Field{Key: "spec", Value: spec})
	return fn.MoveToKubeObject(yaml.NewRNode(root))
}
