package render

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/lbguard/lbguard/internal/yamlnode"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Document is one Kubernetes resource of the input and where it came from.
type Document struct {
	// Object is the resource. An item of a List is the item's own node in
	// the List's tree, so that an edit to it is an edit inside the List.
	Object *yaml.RNode
	Origin Origin
}

// Resource names the document's resource: "apps/v1 Deployment web".
func (d *Document) Resource() string { return ResourceName(d.Object.YNode()) }

// DocumentError is a document lbguard refuses, and where it is.
type DocumentError struct {
	Origin Origin
	// Resource names the resource when its apiVersion, kind or name can be
	// read; "" otherwise.
	Resource string
	Err      error
}

func (e *DocumentError) Error() string {
	res := ""
	if e.Resource != "" {
		res = " (" + e.Resource + ")"
	}
	lines := ""
	if e.Origin.Chart != "" {
		lines = " (lines of the rendered template)"
	}
	// The parser's words may quote the document: held to a short excerpt.
	return fmt.Sprintf("%s: document %d%s: %s%s", e.Origin.source(), e.Origin.Document+1, res, Quiet(e.Err.Error()), lines)
}

func (e *DocumentError) Unwrap() error { return e.Err }

// Parse reads a YAML stream as a plain manifest file named name: what Load
// does with each plain file, for input that comes from elsewhere (standard
// input, the KRM reader).
func Parse(name string, data []byte) (*Set, error) {
	return readStream(data, Origin{File: name}, true)
}

// readStream reads every document of a YAML stream. at is the origin the
// stream's documents share, at.Document the index of its first; fileLines
// says whether the stream's lines are lines of at.File (not so for a
// rendered template).
func readStream(data []byte, at Origin, fileLines bool) (*Set, error) {
	set := &Set{}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for i := 0; ; i++ {
		o := at
		o.Document = at.Document + i
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return set, nil
		}
		if err != nil {
			return nil, &DocumentError{Origin: o, Err: fmt.Errorf("not valid YAML: %w", err)}
		}
		root := docRoot(&doc)
		if root == nil {
			continue // an empty document holds nothing to count
		}
		if fileLines {
			o.Line = root.Line
		}
		if !isResource(root) {
			set.NonResources = append(set.NonResources, o)
			continue
		}
		// Refused only in resources: a workflow or compose file with a
		// repeated key is its own tool's business, not lbguard's.
		if dup := yamlnode.DuplicateKey(root); dup != nil {
			return nil, &DocumentError{Origin: o, Resource: ResourceName(root), Err: dup}
		}
		set.addResource(root, o, fileLines)
	}
}

// addResource adds a resource, or the items of a List one by one.
func (s *Set) addResource(root *yaml.Node, o Origin, fileLines bool) {
	items := ListItems(root)
	if items == nil {
		s.Documents = append(s.Documents, &Document{Object: yaml.NewRNode(root), Origin: o})
		return
	}
	for i, item := range items.Content {
		at := o
		at.InList, at.ListIndex = true, i
		if fileLines {
			at.Line = item.Line
		}
		TypeListItem(root, item)
		if !isResource(item) {
			s.NonResources = append(s.NonResources, at)
			continue
		}
		s.Documents = append(s.Documents, &Document{Object: yaml.NewRNode(item), Origin: at})
	}
}

// docRoot is the content of a decoded document, nil when it is empty (only
// comments, or a bare `---`).
func docRoot(doc *yaml.Node) *yaml.Node {
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil
	}
	root := doc.Content[0]
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return nil
	}
	return root
}

// isResource: a Kubernetes resource has an apiVersion and a kind. Anything
// else (a workflow, values.yaml, a compose file, Chart.yaml) is skipped.
func isResource(n *yaml.Node) bool {
	return n.Kind == yaml.MappingNode && scalar(n, "apiVersion") != "" && scalar(n, "kind") != ""
}

// ListItems is the items sequence of a List: kind List or any *List kind
// (ServiceList) that holds items. nil for anything else.
func ListItems(n *yaml.Node) *yaml.Node {
	if !strings.HasSuffix(scalar(n, "kind"), "List") {
		return nil
	}
	items := yamlnode.Child(n, "items")
	if items == nil || items.Kind != yaml.SequenceNode {
		return nil
	}
	return items
}

// TypeListItem gives an item of a typed List (ServiceList) the type the
// List implies when it has none, as the API server writes such lists
// (items without apiVersion and kind): v1 Service for a v1 ServiceList.
// The fields are added to the item itself, first; the API server reads
// them the same. It says whether it added them.
func TypeListItem(list, item *yaml.Node) bool {
	kind := strings.TrimSuffix(scalar(list, "kind"), "List")
	if kind == "" || item.Kind != yaml.MappingNode || yamlnode.Child(item, "apiVersion") != nil || yamlnode.Child(item, "kind") != nil {
		return false
	}
	item.Content = append([]*yaml.Node{
		yaml.NewStringRNode("apiVersion").YNode(), yaml.NewStringRNode(scalar(list, "apiVersion")).YNode(),
		yaml.NewStringRNode("kind").YNode(), yaml.NewStringRNode(kind).YNode(),
	}, item.Content...)
	return true
}

// ResourceName is "apiVersion kind name" as far as they can be read.
func ResourceName(n *yaml.Node) string {
	var parts []string
	for _, s := range []string{scalar(n, "apiVersion"), scalar(n, "kind"), scalar(yamlnode.Child(n, "metadata"), "name")} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, " ")
}

// scalar is the text of the scalar value of key in mapping n, "" when it is
// missing or not a scalar.
func scalar(n *yaml.Node, key string) string { return yamlnode.ScalarText(yamlnode.Child(n, key)) }
