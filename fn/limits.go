package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Limits on what lbguard reads (README, "Limits and bad input"). Input over
// a limit is refused as a whole, with a message that names the limit, before
// any rule runs and without a byte on stdout.
const (
	// maxInputBytes is the largest ResourceList read: 64 MiB. A list of
	// 50 000 resources is about 50 MB; anything larger is refused before it
	// is parsed, so that a runaway generator cannot take the machine's memory.
	maxInputBytes = 64 << 20

	// maxNestingDepth is how deep maps and lists may nest, the ResourceList
	// itself counting as level 1. Real manifests stay near 10 levels and the
	// deepest CRD schemas under 40; go-yaml itself stops at 10 000.
	maxNestingDepth = 1000

	// minAliasAllowance is how many nodes YAML aliases may add when they are
	// expanded, at the least: they may also double a larger document. More
	// is an alias bomb ("billion laughs"), refused before it is expanded.
	minAliasAllowance = 100_000
)

// readInput reads all of r, refusing more than limit bytes: it reads at most
// limit+1 bytes, never the whole of an oversized stream.
func readInput(r io.Reader, limit int64) ([]byte, error) {
	in, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("cannot read stdin: %v", err)
	}
	if int64(len(in)) > limit {
		return nil, fmt.Errorf("stdin is larger than %s, the most lbguard reads (README: Limits and bad input): split the list", formatBytes(limit))
	}
	return in, nil
}

func formatBytes(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return strconv.FormatInt(n>>20, 10) + " MiB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}

// parseResourceList reads a ResourceList as fn.ParseResourceList does, after
// checking what the SDK takes for granted: one YAML document, a map of kind
// ResourceList, items that are all maps, nesting within maxNestingDepth,
// and aliases that expand within bounds. Aliases are expanded (as kustomize
// does before it calls a function): the SDK cannot read an alias node, and
// an edit through one would change every resource that shares its anchor.
func parseResourceList(in []byte) (*fn.ResourceList, error) {
	root, err := decodeSingleDocument(in)
	if err != nil {
		return nil, err
	}
	if root.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("stdin is %s, not a ResourceList", describeNode(root))
	}
	if kind := fieldNode(root, "kind"); kind == nil || kind.Kind != yaml.ScalarNode || kind.Value != "ResourceList" {
		what := "has no kind"
		if kind != nil {
			what = "is of kind " + describeValue(kind)
		}
		return nil, fmt.Errorf("stdin %s; expected a ResourceList (apiVersion: config.kubernetes.io/v1)", what)
	}
	return resourceListFromNode(root)
}

// resourceListFromNode makes the ResourceList of a checked root map: its
// functionConfig, items and results, with aliases expanded. Without
// aliases, the anchors stay as written: an item no rule edits comes out
// exactly as it went in.
func resourceListFromNode(root *yaml.Node) (*fn.ResourceList, error) {
	aliases, err := checkShape(root)
	if err != nil {
		return nil, err
	}
	if aliases {
		if err := yaml.NewRNode(root).DeAnchor(); err != nil {
			return nil, fmt.Errorf("stdin: cannot expand its YAML aliases: %v", err)
		}
	}

	rl := &fn.ResourceList{FunctionConfig: fn.NewEmptyKubeObject()}
	if fc := fieldNode(root, "functionConfig"); fc != nil && !isNullNode(fc) {
		if fc.Kind != yaml.MappingNode {
			return nil, fmt.Errorf("functionConfig is %s; expected a map (a LBGuard or a ConfigMap)", describeNode(fc))
		}
		rl.FunctionConfig = fn.MoveToKubeObject(yaml.NewRNode(fc))
	}
	if items := fieldNode(root, "items"); items != nil && !isNullNode(items) {
		if items.Kind != yaml.SequenceNode {
			return nil, fmt.Errorf("items is %s; expected a list of resources", describeNode(items))
		}
		for i, item := range items.Content {
			if item.Kind != yaml.MappingNode {
				return nil, fmt.Errorf("items[%d] is %s, not a resource: every item must be a map with apiVersion, kind and metadata", i, describeNode(item))
			}
			rl.Items = append(rl.Items, fn.MoveToKubeObject(yaml.NewRNode(item)))
		}
	}
	if results := fieldNode(root, "results"); results != nil && !isNullNode(results) {
		if results.Kind == yaml.MappingNode { // the old shape: results.items
			results = fieldNode(results, "items")
		}
		if results != nil && results.Kind == yaml.SequenceNode {
			if err := results.Decode(&rl.Results); err != nil {
				return nil, fmt.Errorf("results cannot be read: %v", err)
			}
		}
	}
	return rl, nil
}

// maxDepthMessage is go-yaml's own refusal of deep nesting.
var maxDepthMessage = regexp.MustCompile(`^yaml: line (\d+): exceeded max depth of \d+$`)

// decodeSingleDocument parses in as exactly one YAML document and returns its root.
func decodeSingleDocument(in []byte) (*yaml.Node, error) {
	if len(bytes.TrimSpace(in)) == 0 {
		return nil, errors.New("stdin is empty; expected a ResourceList")
	}
	decoder := yaml.NewDecoder(bytes.NewReader(in))
	var docs []*yaml.Node
	for {
		doc := &yaml.Node{}
		err := decoder.Decode(doc)
		if err == io.EOF {
			break
		}
		if err != nil {
			if m := maxDepthMessage.FindStringSubmatch(err.Error()); m != nil {
				return nil, fmt.Errorf("stdin nests maps and lists deeper than %d levels (line %s), the most lbguard reads (README: Limits and bad input)", maxNestingDepth, m[1])
			}
			return nil, fmt.Errorf("stdin is not YAML: %v", err)
		}
		if len(doc.Content) > 0 { // a lone "---" or comment is no document
			docs = append(docs, doc)
		}
	}
	switch len(docs) {
	case 0:
		return nil, errors.New("stdin holds no YAML document; expected a ResourceList")
	case 1:
		return docs[0].Content[0], nil
	}
	return nil, fmt.Errorf("stdin holds %d YAML documents (the second at line %d); expected a single ResourceList", len(docs), docs[1].Line)
}

// checkShape walks the whole tree once, in document order and without
// recursion: it refuses nesting beyond maxNestingDepth, as written and with
// aliases expanded, and aliases that expand beyond the allowance or into
// themselves. Errors inside an item name it.
//
// An alias refers to an anchor defined before it, so in a post-order walk its
// anchor is done before the alias is reached, unless the anchor encloses the
// alias: that alias would expand forever.
func checkShape(root *yaml.Node) (aliases bool, err error) {
	type frame struct {
		node         *yaml.Node
		next         int // the next child to visit
		size, height int // with aliases expanded; size saturates at sizeCap
	}
	const sizeCap = 1 << 40
	expanded := map[*yaml.Node][2]int{} // size and height of each anchored node
	items := fieldNode(root, "items")
	var biggest, deepest *yaml.Node // the items that expand the most and the deepest
	biggestSize, deepestHeight := 0, 0
	written, aliasNodes := 0, 0
	stack := []*frame{{node: root}}
	for len(stack) > 0 {
		f := stack[len(stack)-1]
		if f.next == 0 {
			written++
			if len(stack) > maxNestingDepth && f.node.Kind != yaml.ScalarNode && f.node.Kind != yaml.AliasNode {
				return false, fmt.Errorf("%snests maps and lists deeper than %d levels (line %d), the most lbguard reads (README: Limits and bad input)",
					locateNode(root, f.node), maxNestingDepth, f.node.Line)
			}
		}
		if f.node.Kind == yaml.AliasNode {
			aliasNodes++
			e, done := expanded[f.node.Alias]
			if f.node.Alias != nil && !done {
				return false, fmt.Errorf("%sholds the YAML alias *%s inside its own anchor (line %d): it would expand forever",
					locateNode(root, f.node), f.node.Value, f.node.Line)
			}
			f.size, f.height = e[0], e[1]
		} else if f.next < len(f.node.Content) {
			f.next++
			stack = append(stack, &frame{node: f.node.Content[f.next-1]})
			continue
		} else {
			f.size++
			if f.node.Kind != yaml.ScalarNode {
				f.height++
			}
		}
		stack = stack[:len(stack)-1]
		if f.node.Anchor != "" {
			expanded[f.node] = [2]int{f.size, f.height}
		}
		if len(stack) > 0 {
			parent := stack[len(stack)-1]
			parent.size = min(parent.size+f.size, sizeCap)
			parent.height = max(parent.height, f.height)
			if parent.node == items && items.Kind == yaml.SequenceNode {
				if f.size > biggestSize {
					biggest, biggestSize = f.node, f.size
				}
				if f.height > deepestHeight {
					deepest, deepestHeight = f.node, f.height
				}
			}
		} else if aliasNodes > 0 {
			if f.height > maxNestingDepth {
				return false, fmt.Errorf("%sholds YAML aliases that nest it deeper than %d levels once expanded, the most lbguard reads (README: Limits and bad input)",
					locateNode(root, deepest), maxNestingDepth)
			}
			if limit := written + max(written, minAliasAllowance); f.size > limit {
				return false, fmt.Errorf("%sholds YAML aliases that expand the list to more than %d nodes (%d written): an alias bomb, refused (README: Limits and bad input)",
					locateNode(root, biggest), limit, written)
			}
		}
	}
	return aliasNodes > 0, nil
}

// locate names the item of the ResourceList root that holds n, as
// "items[3] (Deployment shop/web) ", or "" when n is outside the items.
func locateNode(root, n *yaml.Node) string {
	if n == nil {
		return "stdin "
	}
	items := fieldNode(root, "items")
	if items == nil || items.Kind != yaml.SequenceNode {
		return "stdin "
	}
	for i, item := range items.Content {
		if holdsNode(item, n) {
			return describeItem(i, item) + " "
		}
	}
	if fc := fieldNode(root, "functionConfig"); fc != nil && holdsNode(fc, n) {
		return "functionConfig "
	}
	return "stdin "
}

// contains reports whether n is tree or below it, without following aliases.
func holdsNode(tree, n *yaml.Node) bool {
	stack := []*yaml.Node{tree}
	for len(stack) > 0 {
		top := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if top == n {
			return true
		}
		stack = append(stack, top.Content...)
	}
	return false
}

// describeItem names items[i] by its kind, namespace and name, as far as
// they can be read without following aliases.
func describeItem(i int, item *yaml.Node) string {
	s := "items[" + strconv.Itoa(i) + "]"
	if item.Kind != yaml.MappingNode {
		return s
	}
	kind := scalarText(fieldNode(item, "kind"))
	var namespace, name string
	if meta := fieldNode(item, "metadata"); meta != nil && meta.Kind == yaml.MappingNode {
		namespace = scalarText(fieldNode(meta, "namespace"))
		name = scalarText(fieldNode(meta, "name"))
	}
	if namespace != "" {
		name = namespace + "/" + name
	}
	if id := strings.TrimSpace(kind + " " + name); id != "" {
		s += " (" + id + ")"
	}
	return s
}

// mapValue returns the value of key in the mapping n, or nil.
func fieldNode(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Kind == yaml.ScalarNode && n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

func scalarText(n *yaml.Node) string {
	if n == nil || n.Kind != yaml.ScalarNode {
		return ""
	}
	return n.Value
}

func isNullNode(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == yaml.NodeTagNull
}

// describeNode says what a node is, for messages: "a list", "the number 1".
func describeNode(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a map"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias (*" + n.Value + ")"
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case yaml.NodeTagNull:
			return "empty (null)"
		case yaml.NodeTagInt, yaml.NodeTagFloat:
			return "the number " + n.Value
		case yaml.NodeTagBool:
			return "the boolean " + n.Value
		}
		return "the string " + describeValue(n)
	}
	return "not a value"
}

// describeValue quotes a scalar's text, cut to a readable length.
func describeValue(n *yaml.Node) string {
	if n.Kind != yaml.ScalarNode {
		return describeNode(n)
	}
	v := n.Value
	if r := []rune(v); len(r) > 60 {
		v = string(r[:60]) + "…"
	}
	return strconv.Quote(v)
}
