package cli

import (
	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/internal/report"
	"github.com/lbguard/lbguard/transformers"
	"github.com/lbguard/lbguard/transformers/config"
	"github.com/lbguard/lbguard/transformers/model"
)

// The documents read, as the reports see them: where each result is
// written, and where each resource is.

// report places the results of a run over the documents read.
func (in *inputs) report(mode config.Mode, version string, outcome *transformers.Outcome) *report.Report {
	return report.New(mode, version, outcome, in)
}

// Finding is where res is written: the field of its own document, or a
// related document when its resource is not in the input; workloads are
// those res puts at risk.
func (in *inputs) Finding(res *fn.Result, workloads []model.ResourceID) report.Place {
	path := ""
	if res.Field != nil {
		path = res.Field.Path
	}
	d := in.documentOf(res)
	if d == nil {
		if d = in.workloadOfNamespace(res.ResourceRef, workloads); d != nil {
			return namespaceLine(d)
		}
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

// workloadOfNamespace is, for a result about a Namespace that is not in
// the input (lbguard cannot label it), the document of the first workload
// in that namespace that the result puts at risk: the file a reader (and
// code scanning) should be sent to, rather than whatever resource of the
// namespace came first. nil for any other result.
func (in *inputs) workloadOfNamespace(ref *fn.ResourceRef, workloads []model.ResourceID) *document {
	if ref == nil || ref.Kind != "Namespace" {
		return nil
	}
	for _, w := range workloads {
		if namespaceOrDefault(w.Namespace) != ref.Name {
			continue
		}
		wref := &fn.ResourceRef{APIVersion: w.APIVersion, Kind: w.Kind, Namespace: w.Namespace, Name: w.Name}
		if d := in.documentOf(&fn.Result{ResourceRef: wref}); d != nil {
			return d
		}
	}
	return nil
}

// namespaceLine places a finding about a workload's Namespace on the
// workload's metadata.namespace, or on its metadata.name where no namespace
// is written (a field that is missing would be placed on its nearest
// written ancestor, metadata, which says less).
func namespaceLine(d *document) report.Place {
	if at := d.place("metadata.namespace"); at.Line != d.place("metadata").Line {
		return at
	}
	return d.place("metadata.name")
}

// relatedDocument finds where to point a result about a resource that is
// not in the input: the workload a new PodDisruptionBudget is named after,
// or the first resource of a Namespace that is not in the input.
func (in *inputs) relatedDocument(ref *fn.ResourceRef) (*document, string) {
	if ref == nil {
		return nil, ""
	}
	idx := in.resources()
	if ref.Kind == "Namespace" {
		if d := idx.firstIn[ref.Name]; d != nil {
			return d, "metadata.namespace"
		}
		return nil, ""
	}
	namespace := namespaceOrDefault(ref.Namespace)
	if d := idx.workloads[[2]string{namespace, ref.Name}]; d != nil {
		return d, "spec.selector"
	}
	if d := idx.firstIn[namespace]; d != nil {
		return d, "metadata.namespace"
	}
	return nil, ""
}

// resourceIndex finds the documents of the results that name no file of
// the input, each in one look-up rather than a scan of every document.
type resourceIndex struct {
	byID      map[objectID]*document  // nil for a resource read more than once
	firstIn   map[string]*document    // the first resource of each namespace ("default" for none)
	workloads map[[2]string]*document // the first workload of each namespace and name
}

// resources indexes the documents' resources as the rules left them.
func (in *inputs) resources() *resourceIndex {
	if in.byResource != nil {
		return in.byResource
	}
	idx := &resourceIndex{byID: map[objectID]*document{}, firstIn: map[string]*document{}, workloads: map[[2]string]*document{}}
	for _, src := range in.sources {
		for _, d := range src.docs {
			if d.obj == nil {
				continue
			}
			id := idOf(d.obj)
			if _, again := idx.byID[id]; again {
				idx.byID[id] = nil
			} else {
				idx.byID[id] = d
			}
			namespace := namespaceOrDefault(id.namespace)
			if idx.firstIn[namespace] == nil {
				idx.firstIn[namespace] = d
			}
			if k := [2]string{namespace, id.name}; idx.workloads[k] == nil && transformers.IsWorkload(id.apiVersion, id.kind) {
				idx.workloads[k] = d
			}
		}
	}
	in.byResource = idx
	return idx
}
