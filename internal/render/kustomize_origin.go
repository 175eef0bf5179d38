package render

import (
	"path/filepath"
	"strings"

	"sigs.k8s.io/kustomize/api/resource"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// originAnnotation is where kustomize writes a resource's source.
const originAnnotation = "config.kubernetes.io/origin"

// overlay finds where the resources of one kustomization build came from.
type overlay struct {
	root    *Root
	dir     string
	sources map[string]*Set // source files read so far, by path
}

// origin reads and removes obj's origin annotation, so that rules and
// output never see it, and returns the origin it names: the source file
// (or the kustomization whose generator made obj) and, found by kind and
// name in that file, the line obj starts on there. The source file is read
// as a plain file would be, so that a repeated key in it is refused.
func (o *overlay) origin(obj *yaml.RNode) (Origin, error) {
	at := Origin{Overlay: o.dir}
	annotations := obj.GetAnnotations()
	text, ok := annotations[originAnnotation]
	if !ok {
		return at, nil
	}
	delete(annotations, originAnnotation)
	if err := obj.SetAnnotations(annotations); err != nil {
		return at, err
	}
	var from resource.Origin
	if err := yaml.Unmarshal([]byte(text), &from); err != nil || from.Repo != "" {
		return at, nil // a remote source has no file here
	}
	if from.Path == "" {
		at.File = filepath.Join(o.dir, from.ConfiguredIn)
		return at, nil
	}
	at.File = filepath.Join(o.dir, from.Path)
	src, err := o.source(at.File)
	if err != nil {
		return at, err
	}
	if d := sourceDocument(src, obj); d != nil {
		at.Line, at.Document = d.Origin.Line, d.Origin.Document
		at.InList, at.ListIndex = d.Origin.InList, d.Origin.ListIndex
	}
	return at, nil
}

func (o *overlay) source(path string) (*Set, error) {
	if s, ok := o.sources[path]; ok {
		return s, nil
	}
	data, err := o.root.ReadFile(path)
	if err != nil {
		// kustomize read it a moment ago; without it there is no line.
		o.sources[path] = &Set{}
		return o.sources[path], nil
	}
	s, err := readStream(data, Origin{Overlay: o.dir, File: path}, true)
	if err != nil {
		return nil, err
	}
	o.sources[path] = s
	return s, nil
}

// sourceDocument is the document of src that became obj: of obj's kind,
// with a name that obj's name contains (an overlay adds prefixes and
// suffixes), the longest such name (web-canary, not web, for
// prod-web-canary). nil when none fits.
func sourceDocument(src *Set, obj *yaml.RNode) *Document {
	kind, name := obj.GetKind(), obj.GetName()
	var best *Document
	for _, d := range src.Documents {
		n := d.Object.GetName()
		if d.Object.GetKind() != kind || !strings.Contains(name, n) {
			continue
		}
		if best == nil || len(n) > len(best.Object.GetName()) {
			best = d
		}
	}
	return best
}
