package cli

import (
	"github.com/lbguard/lbguard/internal/krmio"
	"github.com/lbguard/lbguard/internal/render"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// A List (kind List, or a typed list such as ServiceList, as kubectl get -o
// yaml writes them) is read item by item, and its fixes are written back
// inside it: the List's document is patched with each changed item in its
// place.

// readItem reads an item of a List as a document of its own; index is its
// index annotation, unique in the file.
func (d *document) readItem(index int) error {
	d.index = index
	d.node = render.ListItems(d.list.node).Content[d.item]
	n := yaml.CopyYNode(d.node)
	d.typed = render.TypeListItem(d.list.node, n)
	if d.skip, d.other = nonResource(n); d.skip != "" {
		return nil
	}
	aliases, err := krmio.CheckShape(n)
	if err != nil {
		return err // checked with the whole List already
	}
	return d.makeObject(n, aliases)
}

// fixedList is the List with its changed items in their places; false when
// no item changed.
func (d *document) fixedList(changed map[*document]*yaml.Node) (*yaml.Node, bool) {
	var root *yaml.Node
	for _, item := range d.items {
		fixed, ok := changed[item]
		if !ok {
			continue
		}
		if root == nil {
			root = yaml.CopyYNode(d.node)
		}
		render.ListItems(root).Content[item.item] = fixed
	}
	return root, root != nil
}

// untype takes out of an item of a typed List the apiVersion and kind it
// was read with, which its text does not hold.
func (d *document) untype(n *yaml.Node) {
	if !d.typed {
		return
	}
	var kept []*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := n.Content[i].Value; k != "apiVersion" && k != "kind" {
			kept = append(kept, n.Content[i], n.Content[i+1])
		}
	}
	n.Content = kept
}
