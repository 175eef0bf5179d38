package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"regexp"
	"strconv"
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/internal/krmio"
	"github.com/lbguard/lbguard/internal/render"
	"github.com/lbguard/lbguard/internal/report"
	"github.com/lbguard/lbguard/internal/yamlnode"
	"github.com/lbguard/lbguard/transformers/config"
	"sigs.k8s.io/kustomize/kyaml/kio/kioutil"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// The command line reads files, directories and standard input the way
// kustomize and kpt read a package: documents split on `---` lines, each
// resource annotated with its file and its index in the file
// (internal.config.kubernetes.io/path and .../index), so that every result
// names its file. lbguard also keeps each document's text and the line it
// starts on, to give findings a line and to write fixes back in place.

// source is one input: a file or standard input.
type source struct {
	path string // as given or found under a directory; "-" for standard input
	text string // the content, with \r\n read as \n
	crlf bool   // the file used \r\n line ends: written back the same way
	docs []*document
	// rendered is the chart or kustomization the text was rendered from;
	// nil for a file or standard input.
	rendered *renderedInput
}

// document is one YAML document of a source.
type document struct {
	src   *source
	start int // byte offset of the document's text in src.text
	end   int // byte offset just past it (the separator line after it excluded)
	line  int // the line of src.text the document's text starts on, from 1
	// node is the document's root mapping as read: never edited, so that the
	// lines of its fields stay those of the file. nil for an empty document.
	node *yaml.Node
	// obj is the resource handed to the rules; nil when the document is not a
	// resource (skip says why) or is empty.
	obj   *fn.KubeObject
	skip  string
	index int // the index annotation: the count of non-empty documents before it
	// added lists the annotations lbguard put on obj, removed again on output.
	added []string
	// ownPath: obj came with a path annotation of its own (standard input
	// from kpt): findings name that file, and no line is known in it.
	ownPath bool
	// other: the document is YAML but no Kubernetes resource (a workflow,
	// a values file), skipped and counted.
	other bool
	// origin is where a rendered document came from; nil for a file's.
	origin *render.Origin
	// A List is read item by item: its document holds the items, each
	// item is a document of its own (node the item's node in the List's
	// tree) that shares the List's text.
	items []*document
	list  *document // the List, for an item
	item  int       // the item's index in the List's items
	typed bool      // the item took its apiVersion and kind from a typed List (ServiceList)
}

func (d *document) text() string { return d.src.text[d.start:d.end] }

// inputError is input lbguard cannot read: exit status 2.
type inputError struct{ msg string }

func (e *inputError) Error() string { return e.msg }

func inputErrorf(format string, args ...any) error {
	return &inputError{fmt.Sprintf(format, args...)}
}

func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// documentSeparator is kyaml's: a line that starts with ---, after a newline.
var documentSeparator = regexp.MustCompile(`\n---.*\n`)

// parseSource splits data into documents and reads each one.
func parseSource(path string, data []byte) (*source, error) {
	text := string(data)
	src := &source{path: path}
	if strings.Contains(text, "\r\n") {
		src.crlf = true
		text = strings.ReplaceAll(text, "\r\n", "\n")
	}
	src.text = text
	prev := 0
	var bounds [][2]int
	for _, loc := range documentSeparator.FindAllStringIndex(text, -1) {
		rest := strings.TrimSpace(text[loc[0]+4 : loc[1]])
		if rest != "" && rest[0] != '#' {
			return nil, inputErrorf("%s:%d: invalid document separator %q", report.DisplayPath(path), lineAt(text, loc[0]+1), strings.TrimSpace(text[loc[0]:loc[1]]))
		}
		bounds = append(bounds, [2]int{prev, loc[0] + 1})
		prev = loc[1]
	}
	bounds = append(bounds, [2]int{prev, len(text)})
	index := 0
	for _, b := range bounds {
		d := &document{src: src, start: b[0], end: b[1], line: lineAt(text, b[0])}
		if err := d.parse(index); err != nil {
			return nil, err
		}
		if d.node != nil {
			index++
		}
		src.docs = append(src.docs, d)
		for _, item := range d.items {
			if err := item.readItem(index); err != nil {
				return nil, err
			}
			index++
			src.docs = append(src.docs, item)
		}
	}
	return src, nil
}

// lineAt is the line, from 1, of byte offset off.
func lineAt(text string, off int) int {
	return strings.Count(text[:off], "\n") + 1
}

// parse reads the document and, when it is a resource, makes its object.
func (d *document) parse(index int) error {
	d.index = index
	dec := yaml.NewDecoder(strings.NewReader(d.text()))
	var doc yaml.Node
	err := dec.Decode(&doc)
	if err == io.EOF {
		return nil
	}
	if err != nil {
		return inputErrorf("%s: document at line %d is not valid YAML: %s", report.DisplayPath(d.src.path), d.line, shiftYAMLError(err, d.line))
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 || doc.Content[0].Tag == yaml.NodeTagNull {
		return nil
	}
	d.node = doc.Content[0]
	// The same limits as the function's: nesting, and aliases within bounds.
	aliases, err := krmio.CheckShape(d.node)
	if err != nil {
		return inputErrorf("%s: document at line %d %s", report.DisplayPath(d.src.path), d.line, strings.TrimPrefix(err.Error(), "stdin "))
	}
	if d.skip, d.other = nonResource(d.node); d.skip != "" {
		return nil
	}
	if err := d.checkDuplicateKeys(); err != nil {
		return err
	}
	if items := render.ListItems(d.node); items != nil {
		d.skip = "a List: its items are read one by one"
		d.items = make([]*document, len(items.Content))
		for i := range items.Content {
			d.items[i] = &document{src: d.src, start: d.start, end: d.end, line: d.line, list: d, item: i}
		}
		return nil
	}
	return d.makeObject(yaml.CopyYNode(d.node), aliases)
}

// makeObject makes the resource handed to the rules from a copy of the
// document's node.
func (d *document) makeObject(n *yaml.Node, aliases bool) error {
	rn := yaml.NewRNode(n)
	if aliases {
		if err := rn.DeAnchor(); err != nil {
			return inputErrorf("%s: document at line %d: cannot expand its YAML aliases: %v", report.DisplayPath(d.src.path), d.line, err)
		}
	}
	d.obj = fn.MoveToKubeObject(rn)
	return d.annotate()
}

// checkDuplicateKeys refuses a resource that repeats a key, naming both
// lines in the file: which value the API server would keep is not
// lbguard's guess to make.
func (d *document) checkDuplicateKeys() error {
	dup := yamlnode.DuplicateKey(d.node)
	if dup == nil {
		return nil
	}
	dup.FirstLine += d.line - 1
	dup.SecondLine += d.line - 1
	return inputErrorf("%s: document at line %d (%s): %v: lbguard cannot tell which value the cluster would get (two files joined without ---?)",
		report.DisplayPath(d.src.path), d.line, render.ResourceName(d.node), dup)
}

// yamlErrorLine is the "line N:" of a yaml.v3 error, counted in the document.
var yamlErrorLine = regexp.MustCompile(`line (\d+)`)

// shiftYAMLError rewrites the line numbers of a parse error to lines of the file.
func shiftYAMLError(err error, firstLine int) string {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	return yamlErrorLine.ReplaceAllStringFunc(msg, func(m string) string {
		n, _ := strconv.Atoi(strings.TrimPrefix(m, "line "))
		return "line " + strconv.Itoa(n+firstLine-1)
	})
}

// nonResource says why a document is not a resource lbguard checks, or "";
// other is set for YAML that is no Kubernetes resource at all, which the
// summary counts (configuration of kustomize, kpt and lbguard is not).
func nonResource(n *yaml.Node) (why string, other bool) {
	if n.Kind != yaml.MappingNode {
		return "not a map", true
	}
	apiVersion, kind := yamlnode.ScalarText(yamlnode.Child(n, "apiVersion")), yamlnode.ScalarText(yamlnode.Child(n, "kind"))
	group, _, _ := strings.Cut(apiVersion, "/")
	switch {
	case apiVersion == "" || kind == "":
		return "no apiVersion or kind", true
	case group == "kustomize.config.k8s.io":
		return "a kustomize configuration", false
	case kind == "Kptfile":
		return "a Kptfile", false
	case group == config.ConfigGroup:
		return "lbguard configuration", false
	}
	if v, _ := yamlnode.StringAt(n, "metadata", "annotations", "config.kubernetes.io/local-config"); v == "true" {
		return "local configuration (config.kubernetes.io/local-config)", false
	}
	return "", false
}

// annotate puts the path and index annotations on the object, unless it
// carries a path of its own (a stream from kpt), which then stands.
func (d *document) annotate() error {
	if !annotatable(d.node) {
		return nil // the rules report the field, as the function does
	}
	annotations := d.obj.GetAnnotations()
	//lint:ignore SA1019 older kpt streams still carry the legacy annotations
	if annotations[kioutil.PathAnnotation] != "" || annotations[kioutil.LegacyPathAnnotation] != "" {
		d.ownPath = true
		// The SDK reads only the new annotations; copy the legacy ones over.
		for legacy, current := range map[kioutil.AnnotationKey]kioutil.AnnotationKey{
			//lint:ignore SA1019 the legacy annotations are what is read here
			kioutil.LegacyPathAnnotation: kioutil.PathAnnotation,
			//lint:ignore SA1019 the legacy annotations are what is read here
			kioutil.LegacyIndexAnnotation: kioutil.IndexAnnotation,
		} {
			if v, ok := annotations[legacy]; ok && annotations[current] == "" {
				if err := d.setAnnotation(current, v); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if err := d.setAnnotation(kioutil.PathAnnotation, d.src.path); err != nil {
		return err
	}
	return d.setAnnotation(kioutil.IndexAnnotation, strconv.Itoa(d.index))
}

// annotatable is false when metadata or its annotations are there but are
// not maps: nothing can be added to them.
func annotatable(n *yaml.Node) bool {
	for _, field := range []*yaml.Node{yamlnode.Child(n, "metadata"), yamlnode.Find(n, "metadata", "annotations")} {
		if field != nil && field.Kind != yaml.MappingNode && !yamlnode.IsNull(field) {
			return false
		}
	}
	return true
}

// file is the path of the file d was read from, as results name it.
func (d *document) file() string {
	if d.ownPath {
		return d.obj.PathAnnotation()
	}
	return d.src.path
}

func (d *document) setAnnotation(key, value string) error {
	if err := d.obj.SetAnnotation(key, value); err != nil {
		return inputErrorf("%s:%d: %v", report.DisplayPath(d.src.path), d.line, err)
	}
	d.added = append(d.added, key)
	return nil
}

// inputs is everything read, indexed for the reports.
type inputs struct {
	sources []*source
	docs    map[docKey]*document
	order   map[*document]int // each document's position among all read
	// byResource indexes the resources for the results that name no file
	// of the input; made when the first is placed, after the rules ran.
	byResource *resourceIndex
	// madeIn is, for an object the rules added, the unit or alternative
	// whose run made it (runUnits): its home is among that run's files.
	madeIn map[*fn.KubeObject]*inputs
}

type docKey struct {
	path  string
	index int
}

func newInputs(sources []*source) *inputs {
	in := &inputs{sources: sources, docs: map[docKey]*document{}, order: map[*document]int{}}
	for _, src := range sources {
		for _, d := range src.docs {
			in.order[d] = len(in.order)
			if d.obj == nil {
				continue
			}
			k := docKey{d.obj.PathAnnotation(), d.obj.IndexAnnotation()}
			if _, dup := in.docs[k]; !dup {
				in.docs[k] = d
			}
		}
	}
	return in
}

// objects lists the resources, in the order read.
func (in *inputs) objects() fn.KubeObjects {
	var objs fn.KubeObjects
	for _, src := range in.sources {
		for _, d := range src.docs {
			if d.obj != nil {
				objs = append(objs, d.obj)
			}
		}
	}
	return objs
}

// documentOf finds the document a result is about: by its file and index,
// else by its resource when exactly one document is that resource.
func (in *inputs) documentOf(r *fn.Result) *document {
	if r.File != nil && r.File.Path != "" {
		if d, ok := in.docs[docKey{r.File.Path, r.File.Index}]; ok {
			return d
		}
	}
	if r.ResourceRef == nil {
		return nil
	}
	return in.resources().byID[refID(r.ResourceRef)]
}

// objectID names a resource: its apiVersion, kind, namespace and name.
type objectID struct{ apiVersion, kind, namespace, name string }

func idOf(obj *fn.KubeObject) objectID {
	return objectID{obj.GetAPIVersion(), obj.GetKind(), obj.GetNamespace(), obj.GetName()}
}

func refID(ref *fn.ResourceRef) objectID {
	return objectID{ref.APIVersion, ref.Kind, ref.Namespace, ref.Name}
}

// fieldLine is the line of the file where the field at path is written in
// d, or the line of its nearest written ancestor; 0 when the document was
// not read from that file (a path annotation of its own).
func (d *document) fieldLine(path string) int {
	if d == nil || d.ownPath || d.node == nil {
		return 0
	}
	return d.line - 1 + nodeLine(d.node, parseFieldPath(path))
}

// pathStep is one step of a result's field path: a map key, or an element of
// a list by index or by "key=value".
type pathStep struct {
	key   string
	index int // -1 when the step is a key
	match string
}

// parseFieldPath reads paths such as
// spec.template.spec.containers[0].lifecycle.preStop.sleep.seconds and
// metadata.annotations[alb.ingress.kubernetes.io/target-type]: a bracket
// holds a list index, a key=value match, or a map key (dots and all).
func parseFieldPath(path string) []pathStep {
	var steps []pathStep
	var name strings.Builder
	flush := func() {
		if name.Len() > 0 {
			steps = append(steps, pathStep{key: name.String(), index: -1})
			name.Reset()
		}
	}
	for i := 0; i < len(path); i++ {
		switch c := path[i]; c {
		case '.':
			flush()
		case '[':
			flush()
			end := strings.IndexByte(path[i:], ']')
			if end < 0 {
				name.WriteString(path[i:])
				i = len(path)
				continue
			}
			inner := path[i+1 : i+end]
			i += end
			if n, err := strconv.Atoi(inner); err == nil && n >= 0 {
				steps = append(steps, pathStep{index: n})
			} else if strings.Contains(inner, "=") && !strings.Contains(inner, "/") {
				steps = append(steps, pathStep{index: -1, match: inner})
			} else {
				steps = append(steps, pathStep{key: inner, index: -1})
			}
		default:
			name.WriteByte(c)
		}
	}
	flush()
	return steps
}

// nodeLine follows steps from n as far as the document has them and returns
// the line of the last field found: the key's line for a map entry.
func nodeLine(n *yaml.Node, steps []pathStep) int {
	line := n.Line
	for _, s := range steps {
		switch {
		case s.match != "" && n.Kind == yaml.SequenceNode:
			k, v, _ := strings.Cut(s.match, "=")
			var next *yaml.Node
			for _, item := range n.Content {
				if f := yamlnode.Child(item, k); f != nil && f.Value == v {
					next = item
					break
				}
			}
			if next == nil {
				return line
			}
			n, line = next, next.Line
		case s.index >= 0 && n.Kind == yaml.SequenceNode:
			if s.index >= len(n.Content) {
				return line
			}
			n = n.Content[s.index]
			line = n.Line
		case s.index < 0 && s.match == "" && n.Kind == yaml.MappingNode:
			found := false
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == s.key {
					line = n.Content[i].Line
					n = n.Content[i+1]
					found = true
					break
				}
			}
			if !found {
				return line
			}
		default:
			return line
		}
	}
	return line
}

// cleanNode returns a copy of obj's node without the annotations lbguard
// added for reading (and without an annotations map it alone created).
func (d *document) cleanNode(obj *fn.KubeObject) *yaml.Node {
	rn := obj.CopyToResourceNode()
	n := rn.YNode()
	d.untype(n)
	if len(d.added) == 0 {
		return n
	}
	meta := yamlnode.Child(n, "metadata")
	annotations := yamlnode.Child(meta, "annotations")
	if annotations == nil {
		return n
	}
	drop := map[string]bool{}
	for _, k := range d.added {
		drop[k] = true
	}
	var kept []*yaml.Node
	for i := 0; i+1 < len(annotations.Content); i += 2 {
		if !drop[annotations.Content[i].Value] {
			kept = append(kept, annotations.Content[i], annotations.Content[i+1])
		}
	}
	annotations.Content = kept
	if len(kept) == 0 && yamlnode.Child(yamlnode.Child(d.node, "metadata"), "annotations") == nil {
		for i := 0; i+1 < len(meta.Content); i += 2 {
			if meta.Content[i].Value == "annotations" {
				meta.Content = append(meta.Content[:i:i], meta.Content[i+2:]...)
				break
			}
		}
	}
	return n
}

// withCRLF turns \n back into \r\n for a source that used them.
func (s *source) withLineEnds(text string) []byte {
	if !s.crlf {
		return []byte(text)
	}
	return bytes.ReplaceAll([]byte(text), []byte("\n"), []byte("\r\n"))
}
