package model

import (
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/internal/yamlnode"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// What makes the items a set of resources at all: each names its apiVersion
// and kind, and no two are the same object.

// resourceID is what the API server tells objects apart by: the version does
// not count (apps/v1 and apps/v1beta2 Deployments web are one object), and no
// namespace is the default one.
type resourceID struct{ group, kind, namespace, name string }

func (id resourceID) String() string {
	name := id.name
	if id.namespace != "default" {
		name = id.namespace + "/" + name
	}
	return id.kind + " " + name
}

// checkItems reports every item that cannot be identified (an error: it
// passes through as it is, left out of what the rules see) and every object
// listed more than once. It returns the items the rules may read; duplicated
// is true when some object is listed twice: which copy the cluster would get
// cannot be told, so no rule may run.
func CheckItems(items fn.KubeObjects, r *Report) (known fn.KubeObjects, duplicated bool) {
	first := map[resourceID]int{}
	for i, obj := range items {
		id, ok := identify(obj, i, r)
		if !ok {
			continue
		}
		known = append(known, obj)
		if id.name == "" { // generateName, or a kind that takes no name
			continue
		}
		if j, seen := first[id]; seen {
			duplicated = true
			r.add(fn.Error, "", ActionInvalid, obj, "metadata.name", id.name, nil,
				"%s is listed twice (items[%d] and items[%d]): kustomize and kubectl refuse duplicated resources, and lbguard cannot tell which copy the cluster would get, so it changes nothing",
				id, j, i)
			continue
		}
		first[id] = i
	}
	return known, duplicated
}

// identify reads obj's id; ok is false, with an error reported, when the
// apiVersion or kind is missing, a field of the id is not a string, or the
// labels or annotations are not maps of strings.
func identify(obj *fn.KubeObject, index int, r *Report) (resourceID, bool) {
	invalid := func(path, problem string) (resourceID, bool) {
		r.add(fn.Error, "", ActionInvalid, obj, path, nil, nil,
			"items[%d]: %s %s: lbguard cannot tell what resource it is, and leaves it as it is", index, path, problem)
		return resourceID{}, false
	}
	// The view has read the id's fields as strings, "" when missing or not
	// a string; notString tells the two apart, for the rare "".
	v := r.View(obj)
	notString := func(value string, path ...string) bool {
		if value != "" {
			return false
		}
		n := yamlnode.Find(v.Root, path...)
		return n != nil && !yamlnode.IsString(n)
	}
	switch {
	case notString(v.APIVersion, "apiVersion"):
		return invalid("apiVersion", "must be a string")
	case v.APIVersion == "":
		return invalid("apiVersion", "is missing")
	case notString(v.KindName, "kind"):
		return invalid("kind", "must be a string")
	case v.KindName == "":
		return invalid("kind", "is missing")
	}
	if n := yamlnode.Find(v.Root, "metadata"); n != nil && n.Kind != yaml.MappingNode {
		return invalid("metadata", "must be a map")
	}
	if notString(v.Name, "metadata", "name") {
		return invalid("metadata.name", "must be a string")
	}
	if notString(v.WrittenNamespace, "metadata", "namespace") {
		return invalid("metadata.namespace", "must be a string")
	}
	// The SDK reads unreadable labels or annotations as none: a Service
	// would lose its load-balancer type, a workload its lbguard.dev/skip.
	for _, field := range []string{"labels", "annotations"} {
		if path, problem := checkStringMap(yamlnode.Find(v.Root, "metadata", field), "metadata."+field); problem != "" {
			r.Invalid(obj, path, problem)
			return resourceID{}, false
		}
	}
	return KeyOf(v.APIVersion, v.KindName, v.NamespaceOrDefault(), v.Name), true
}

// ObjectKey is what the API server tells objects apart by (resourceID),
// for callers that group objects as it does.
type ObjectKey = resourceID

// KeyOf is the key of an object: its group (not its version), kind,
// namespace ("default" when none is written) and name.
func KeyOf(apiVersion, kind, namespace, name string) ObjectKey {
	group, _, _ := strings.Cut(apiVersion, "/")
	if !strings.Contains(apiVersion, "/") {
		group = "" // the core group: "v1"
	}
	if namespace == "" {
		namespace = "default"
	}
	return resourceID{group: group, kind: kind, namespace: namespace, name: name}
}

// checkStringMap finds what makes n, the labels or annotations at path,
// other than a map of strings (none at all is fine). The API server refuses
// a value that YAML reads as a number or a boolean (lbguard.dev/skip: true),
// and the SDK reads it as none.
func checkStringMap(n *yaml.Node, path string) (at, problem string) {
	switch {
	case n == nil || yamlnode.IsNull(n):
		return "", ""
	case n.Kind != yaml.MappingNode:
		return path, "must be a map of strings"
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		key, value := n.Content[i], n.Content[i+1]
		switch {
		case key.Kind != yaml.ScalarNode || value.Kind != yaml.ScalarNode:
			return path, "must be a map of strings"
		case !yamlnode.IsString(value):
			return path + "[" + key.Value + "]", "must be a string: quote it"
		}
	}
	return "", ""
}
