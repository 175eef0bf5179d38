package krmio

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/lbguard/lbguard/internal/yamlnode"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// CheckShape walks the whole tree once, in document order and without
// recursion: it refuses nesting beyond maxNestingDepth, as written and with
// aliases expanded, and aliases that expand beyond the allowance or into
// themselves. Errors inside an item name it.
//
// An alias refers to an anchor defined before it, so in a post-order walk its
// anchor is done before the alias is reached, unless the anchor encloses the
// alias: that alias would expand forever.
func CheckShape(root *yaml.Node) (aliases bool, err error) {
	type frame struct {
		node         *yaml.Node
		next         int // the next child to visit
		size, height int // with aliases expanded; size saturates at sizeCap
	}
	const sizeCap = 1 << 40
	expanded := map[*yaml.Node][2]int{} // size and height of each anchored node
	items := yamlnode.Child(root, "items")
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
	items := yamlnode.Child(root, "items")
	if items == nil || items.Kind != yaml.SequenceNode {
		return "stdin "
	}
	for i, item := range items.Content {
		if holdsNode(item, n) {
			return describeItem(i, item) + " "
		}
	}
	if fc := yamlnode.Child(root, "functionConfig"); fc != nil && holdsNode(fc, n) {
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
	kind := yamlnode.ScalarText(yamlnode.Child(item, "kind"))
	var namespace, name string
	if meta := yamlnode.Child(item, "metadata"); meta != nil && meta.Kind == yaml.MappingNode {
		namespace = yamlnode.ScalarText(yamlnode.Child(meta, "namespace"))
		name = yamlnode.ScalarText(yamlnode.Child(meta, "name"))
	}
	if namespace != "" {
		name = namespace + "/" + name
	}
	if id := strings.TrimSpace(kind + " " + name); id != "" {
		s += " (" + id + ")"
	}
	return s
}
