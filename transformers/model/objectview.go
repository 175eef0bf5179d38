package model

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
type ObjectView struct {
	Root                                         *yaml.Node
	APIVersion, KindName, Name, WrittenNamespace string // "" when missing or not a string
	GroupKind                                    GroupKind
}

// namespaceOrDefault is where the object lives: no namespace counts as
// "default", as kustomize compares ids and kubectl places it.
func (v *ObjectView) NamespaceOrDefault() string {
	if v.WrittenNamespace == "" {
		return "default"
	}
	return v.WrittenNamespace
}

// key is the object's namespace (or "default") and name.
func (v *ObjectView) key() objectKey { return objectKey{v.NamespaceOrDefault(), v.Name} }

// id is the object's ResourceID: its names as written.
func (v *ObjectView) ID() ResourceID {
	return ResourceID{APIVersion: v.APIVersion, Kind: v.KindName, Namespace: v.WrittenNamespace, Name: v.Name}
}

// objectViews keeps each object's view for the rest of a run.
type ObjectViews struct {
	of map[*fn.KubeObject]*ObjectView
}

func (c *ObjectViews) View(obj *fn.KubeObject) *ObjectView {
	if v, ok := c.of[obj]; ok {
		return v
	}
	if c.of == nil {
		c.of = map[*fn.KubeObject]*ObjectView{}
	}
	root := RootOf(obj)
	str := func(path ...string) string { s, _ := yamlnode.StringAt(root, path...); return s }
	v := &ObjectView{Root: root, APIVersion: str("apiVersion"), KindName: str("kind"),
		Name: str("metadata", "name"), WrittenNamespace: str("metadata", "namespace")}
	v.GroupKind = SDKGroupKind(v.APIVersion, v.KindName)
	c.of[obj] = v
	return v
}

// sdkGroupKind reads the group and kind as the SDK's GroupVersionKind does:
// an apiVersion with more than one "/" has neither.
func SDKGroupKind(apiVersion, kind string) GroupKind {
	switch strings.Count(apiVersion, "/") {
	case 0:
		return GroupKind{"", kind}
	case 1:
		group, _, _ := strings.Cut(apiVersion, "/")
		return GroupKind{group, kind}
	}
	return GroupKind{}
}

// rootOf is obj's YAML root node. The SDK's setters edit below the root,
// which stays the same node.
func RootOf(obj *fn.KubeObject) *yaml.Node {
	rn := obj.MoveToResourceNode()
	root := rn.YNode()
	*obj = *fn.MoveToKubeObject(rn)
	return root
}

// ResourceID names an object as its manifest does (Namespace as written,
// "" when none): by value, since the reports may hold other copies of the
// objects the rules read.
type ResourceID struct{ APIVersion, Kind, Namespace, Name string }

// Kind is the kind of the group and kind.
func (g GroupKind) Kind() string { return g.kind }

// View is obj's root node and names, read once per run.
func (inv *Inventory) View(obj *fn.KubeObject) *ObjectView { return inv.views.View(obj) }

// ParseSeconds reads a count of seconds, as the LBC bounds them.
func ParseSeconds(text string) (int, bool) { return parseSeconds(text) }
