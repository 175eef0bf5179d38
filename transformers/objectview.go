package transformers

import (
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/internal/yamlnode"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// objectView is what a run reads of an object once: its root node, which the
// rules' views hold to read fields with find, and what names it, read from
// the nodes. The SDK's getters decode and allocate at each call, and getting
// the node from the SDK does too; the rules ask for the same objects' names
// and nodes many times. No rule renames an object.
type objectView struct {
	root                              *yaml.Node
	apiVersion, kind, name, namespace string // "" when missing or not a string
	gk                                groupKind
}

// namespaceOrDefault is where the object lives: no namespace counts as
// "default", as kustomize compares ids and kubectl places it.
func (v *objectView) namespaceOrDefault() string {
	if v.namespace == "" {
		return "default"
	}
	return v.namespace
}

// key is the object's namespace (or "default") and name.
func (v *objectView) key() objectKey { return objectKey{v.namespaceOrDefault(), v.name} }

// id is the object's ResourceID: its names as written.
func (v *objectView) id() ResourceID {
	return ResourceID{APIVersion: v.apiVersion, Kind: v.kind, Namespace: v.namespace, Name: v.name}
}

// objectViews keeps each object's view for the rest of a run.
type objectViews struct {
	of map[*fn.KubeObject]*objectView
}

func (c *objectViews) view(obj *fn.KubeObject) *objectView {
	if v, ok := c.of[obj]; ok {
		return v
	}
	if c.of == nil {
		c.of = map[*fn.KubeObject]*objectView{}
	}
	root := rootOf(obj)
	str := func(path ...string) string { s, _ := yamlnode.StringAt(root, path...); return s }
	v := &objectView{root: root, apiVersion: str("apiVersion"), kind: str("kind"),
		name: str("metadata", "name"), namespace: str("metadata", "namespace")}
	v.gk = sdkGroupKind(v.apiVersion, v.kind)
	c.of[obj] = v
	return v
}

// sdkGroupKind reads the group and kind as the SDK's GroupVersionKind does:
// an apiVersion with more than one "/" has neither.
func sdkGroupKind(apiVersion, kind string) groupKind {
	switch strings.Count(apiVersion, "/") {
	case 0:
		return groupKind{"", kind}
	case 1:
		group, _, _ := strings.Cut(apiVersion, "/")
		return groupKind{group, kind}
	}
	return groupKind{}
}

// rootOf is obj's YAML root node. The SDK's setters edit below the root,
// which stays the same node.
func rootOf(obj *fn.KubeObject) *yaml.Node {
	rn := obj.MoveToResourceNode()
	root := rn.YNode()
	*obj = *fn.MoveToKubeObject(rn)
	return root
}

// ResourceID names an object as its manifest does (Namespace as written,
// "" when none): by value, since the reports may hold other copies of the
// objects the rules read.
type ResourceID struct{ APIVersion, Kind, Namespace, Name string }
