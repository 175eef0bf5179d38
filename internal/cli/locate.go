package cli

import (
	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/internal/report"
	"github.com/lbguard/lbguard/transformers"
)

// The documents read, as the reports see them: where each result is
// written, and where each resource is.

// report places the results of a run over the documents read.
func (in *inputs) report(mode transformers.Mode, version string, outcome *transformers.Outcome) *report.Report {
	return report.New(mode, version, outcome, in)
}

// Finding is where res is written: the field of its own document, or a
// related document when its resource is not in the input.
func (in *inputs) Finding(res *fn.Result) report.Place {
	path := ""
	if res.Field != nil {
		path = res.Field.Path
	}
	d := in.documentOf(res)
	if d == nil {
		d, path = in.relatedDocument(res.ResourceRef)
	}
	if d == nil {
		if res.File != nil {
			return report.Place{File: res.File.Path}
		}
		return report.Place{}
	}
	return d.place(path)
}

// Resource is the document of ref (in file, when known), at its name.
func (in *inputs) Resource(ref *fn.ResourceRef, file *fn.File) (report.Place, int, bool) {
	res := &fn.Result{ResourceRef: ref, File: file}
	d := in.documentOf(res)
	if d == nil {
		return report.Place{}, 0, false
	}
	return d.place("metadata.name"), in.order[d], true
}

// Read counts the resources, the files and renderings that held them, and
// the documents skipped as no resource.
func (in *inputs) Read() report.Read {
	read := report.Read{Resources: len(in.objects())}
	for _, src := range in.sources {
		if src.rendered != nil {
			read.NonResources += src.rendered.nonResources
		}
		for _, d := range src.docs {
			if d.other {
				read.NonResources++
			}
		}
		switch {
		case !src.hasResources():
		case src.path == stdinPath:
			read.Stdin = true
		case src.rendered == nil:
			read.Files++
		case src.rendered.chart:
			read.Charts++
		default:
			read.Overlays++
		}
	}
	return read
}

// relatedDocument finds where to point a result about a resource that is
// not in the input: the workload a new PodDisruptionBudget is named after,
// or the first resource of a Namespace that is not in the input.
func (in *inputs) relatedDocument(ref *fn.ResourceRef) (*document, string) {
	if ref == nil {
		return nil, ""
	}
	namespace := namespaceOrDefault(ref.Namespace)
	if ref.Kind == "Namespace" {
		namespace = ref.Name
	}
	var first *document
	for _, src := range in.sources {
		for _, d := range src.docs {
			if d.obj == nil || namespaceOrDefault(d.obj.GetNamespace()) != namespace {
				continue
			}
			if ref.Kind != "Namespace" && isWorkloadKind(d.obj) && d.obj.GetName() == ref.Name {
				return d, "spec.selector"
			}
			if first == nil {
				first = d
			}
		}
	}
	if first != nil {
		return first, "metadata.namespace"
	}
	return nil, ""
}
