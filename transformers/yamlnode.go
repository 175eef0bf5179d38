package transformers

import (
	"errors"
	"strconv"
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// setScalar replaces the value of one scalar under root, keeping its quoting
// style and comments (the SDK's setters rewrite a whole list). path holds map
// keys and list indexes. It reports whether the scalar was found.
func setScalar(root *yaml.Node, value string, path ...string) bool {
	n := find(root, path...)
	if n == nil || n.Kind != yaml.ScalarNode {
		return false
	}
	n.Value = value
	return true
}

// rootOf is obj's YAML root node. The SDK's setters edit below the root,
// which stays the same node.
func rootOf(obj *fn.KubeObject) *yaml.Node {
	rn := obj.MoveToResourceNode()
	root := rn.YNode()
	*obj = *fn.MoveToKubeObject(rn)
	return root
}

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
	str := func(path ...string) string { s, _ := stringAt(root, path...); return s }
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

// find returns the node at path under n, or nil when there is none.
func find(n *yaml.Node, path ...string) *yaml.Node {
	for _, step := range path {
		if n == nil {
			return nil
		}
		n = child(n, step)
	}
	return n
}

// child is the value under a map key, or the list element at an index.
func child(n *yaml.Node, step string) *yaml.Node {
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == step {
				return n.Content[i+1]
			}
		}
	case yaml.SequenceNode:
		if i, err := strconv.Atoi(step); err == nil && i >= 0 && i < len(n.Content) {
			return n.Content[i]
		}
	}
	return nil
}

// annotation is the annotation key of the object whose root node is root,
// found in its YAML: GetAnnotations decodes every annotation at each call,
// and the rules ask for one at a time, many times over. identify has made
// sure that every annotation value is a string.
func annotation(root *yaml.Node, key string) (string, bool) {
	return stringAt(root, "metadata", "annotations", key)
}

// annotationValue is the annotation key, or "" when there is none.
func annotationValue(root *yaml.Node, key string) string {
	v, _ := annotation(root, key)
	return v
}

// label is the label key, as annotation is the annotation.
func label(root *yaml.Node, key string) (string, bool) {
	return stringAt(root, "metadata", "labels", key)
}

// stringAt is the string at path under n, if there is one there.
func stringAt(n *yaml.Node, path ...string) (string, bool) {
	n = find(n, path...)
	if n == nil || !isString(n) {
		return "", false
	}
	return n.Value, true
}

// isString is true of a scalar that YAML reads as a string.
func isString(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && (n.Tag == "" || n.Tag == yaml.NodeTagString)
}

// setAnnotationOf and setLabelOf set a key in obj's annotations or labels, which
// may be null ("annotations:" with nothing after it, which the API server
// reads as none): the SDK cannot set a key in null, so it becomes a map.
// root is obj's root node.
func setAnnotationOf(obj *fn.KubeObject, root *yaml.Node, key, value string) error {
	nullToMap(root, "annotations")
	return obj.SetAnnotation(key, value)
}

func setLabelOf(obj *fn.KubeObject, root *yaml.Node, key, value string) error {
	nullToMap(root, "labels")
	return obj.SetLabel(key, value)
}

func nullToMap(root *yaml.Node, field string) {
	if n := find(root, "metadata", field); n != nil && n.Kind == yaml.ScalarNode && n.Tag == yaml.NodeTagNull {
		n.Kind, n.Tag, n.Value, n.Style = yaml.MappingNode, yaml.NodeTagMap, "", 0
	}
}

// plainValue is n as Go maps, lists and scalars, of the types a map decoded
// from JSON holds (numbers are float64), which is what the SDK's As gives
// through a JSON round trip of its own.
func plainValue(n *yaml.Node) any {
	switch n.Kind {
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			m[n.Content[i].Value] = plainValue(n.Content[i+1])
		}
		return m
	case yaml.SequenceNode:
		list := make([]any, len(n.Content))
		for i, c := range n.Content {
			list[i] = plainValue(c)
		}
		return list
	case yaml.AliasNode:
		return plainValue(n.Alias)
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

// errShape is a field that is not of the shape a reader expects.
var errShape = errors.New("not of the expected shape")

// lookup walks path through maps, as the SDK's getters do: found is false
// when a key is missing, and err is set when a step before the last is not
// a map.
func lookup(n *yaml.Node, path ...string) (value *yaml.Node, found bool, err error) {
	for _, key := range path {
		if n.Kind != yaml.MappingNode {
			return nil, true, errShape
		}
		if n = child(n, key); n == nil {
			return nil, false, nil
		}
	}
	return n, true, nil
}

// stringMapAt reads the map at path as the SDK's NestedStringMap does: any
// scalar value is read as its text (null as ""), anything else is an error.
func stringMapAt(n *yaml.Node, path ...string) (map[string]string, error) {
	n, found, err := lookup(n, path...)
	switch {
	case err != nil:
		return nil, err
	case !found:
		return nil, nil
	case n.Kind != yaml.MappingNode:
		return nil, errShape
	}
	m := make(map[string]string, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		key, err := scalarText(n.Content[i])
		if err != nil {
			return nil, err
		}
		value, err := scalarText(n.Content[i+1])
		if err != nil {
			return nil, err
		}
		m[key] = value
	}
	return m, nil
}

// scalarText is a scalar as YAML decodes it into a string.
func scalarText(n *yaml.Node) (string, error) {
	switch {
	case n.Kind != yaml.ScalarNode:
		return "", errShape
	case n.Tag == yaml.NodeTagNull:
		return "", nil
	case isString(n) || n.Tag == yaml.NodeTagInt || n.Tag == yaml.NodeTagFloat || n.Tag == yaml.NodeTagBool:
		return n.Value, nil
	}
	var s string // !!binary and other tags: as the decoder reads them
	err := n.Decode(&s)
	return s, err
}

// intAt reads the integer at path as the SDK's NestedInt does: a decimal
// YAML int, anything else an error.
func intAt(n *yaml.Node, path ...string) (value int, found bool, err error) {
	n, found, err = lookup(n, path...)
	if err != nil || !found {
		return 0, found, err
	}
	if n.Kind != yaml.ScalarNode || n.Tag != yaml.NodeTagInt {
		return 0, true, errShape
	}
	if value, err = strconv.Atoi(n.Value); err != nil {
		return 0, true, errShape
	}
	return value, true, nil
}

// isListOfMaps is true of a list whose items are all maps, the shape the
// SDK's NestedSlice reads.
func isListOfMaps(n *yaml.Node) bool {
	if n.Kind != yaml.SequenceNode {
		return false
	}
	for _, item := range n.Content {
		if item.Kind != yaml.MappingNode {
			return false
		}
	}
	return true
}

// listItems is the items of the list n, none when n is nil.
func listItems(n *yaml.Node) []*yaml.Node {
	if n == nil {
		return nil
	}
	return n.Content
}

// stringListAt reads the list at path as the SDK's NestedStringSlice does:
// any scalar item is read as its text, a null one is left out, anything else
// is an error.
func stringListAt(n *yaml.Node, path ...string) ([]string, error) {
	n, found, err := lookup(n, path...)
	switch {
	case err != nil:
		return nil, err
	case !found:
		return nil, nil
	case n.Kind != yaml.SequenceNode:
		return nil, errShape
	}
	list := make([]string, 0, len(n.Content))
	for _, item := range n.Content {
		if item.Kind == yaml.ScalarNode && item.Tag == yaml.NodeTagNull {
			continue
		}
		text, err := scalarText(item)
		if err != nil {
			return nil, err
		}
		list = append(list, text)
	}
	return list, nil
}
