package cli

import (
	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/internal/report"
	"github.com/lbguard/lbguard/transformers/config"
)

// A stream is a rendered YAML stream piped through lbguard by a deploy tool
// (Helm's post-renderer, an Argo CD plugin): read as standard input is, fixed
// or audited whole, and written back with only the fixed fields changed.

// StreamOptions say how a stream is run.
type StreamOptions struct {
	Config config.Config // its Mode decides between fix and audit
	// Namespace is given, for the rules only, to the objects that have
	// none: the namespace the tool installs them into. The output keeps
	// them without one, and the objects lbguard adds for them too.
	Namespace string
	// Leave names the objects the rules must not see, with the reason, or
	// returns "". They pass through as they came.
	Leave   func(*fn.KubeObject) string
	Version string // lbguard's, for the reports
}

// StreamRun is the outcome of a stream.
type StreamRun struct {
	Report *report.Report
	// Text is the stream to write: the input fixed (fix mode) or as it came
	// (audit mode); empty when the report holds an error.
	Text string
}

// RunStream runs the rules on a YAML stream. An error is input that cannot
// be read (exit status 2).
func RunStream(data []byte, opts StreamOptions) (*StreamRun, error) {
	src, err := parseSource(stdinPath, data)
	if err != nil {
		return nil, err
	}
	assigned := map[*fn.KubeObject]bool{}
	for _, d := range src.docs {
		if d.obj == nil {
			continue
		}
		if opts.Leave != nil {
			if why := opts.Leave(d.obj); why != "" {
				d.obj, d.skip = nil, why
				continue
			}
		}
		if opts.Namespace != "" && d.obj.GetNamespace() == "" && namespaced(d.obj) {
			if err := d.obj.SetNamespace(opts.Namespace); err != nil {
				return nil, inputErrorf("%s:%d: %v", report.DisplayPath(src.path), d.line, err)
			}
			assigned[d.obj] = true
		}
	}
	in := newInputs([]*source{src})
	items, rep := in.run(in.objects(), opts.Config, opts.Version)
	if rep.ExitStatus() != exitClean {
		return &StreamRun{Report: rep}, nil
	}
	if opts.Config.Mode == config.ModeAudit {
		return &StreamRun{Report: rep, Text: src.text}, nil
	}
	unassign(in, items, assigned)
	changed, added := fixedDocuments(in, items)
	text, _, err := src.fixedText(changed, added[src])
	if err != nil {
		return nil, err
	}
	return &StreamRun{Report: rep, Text: text}, nil
}

// namespaced is false for the cluster-scoped kinds the rules read.
func namespaced(obj *fn.KubeObject) bool {
	switch obj.GetKind() {
	case "Namespace", "IngressClass":
		return false
	}
	return true
}

// unassign takes the namespace given for the rules off the objects it was
// given to and off the budgets added for their workloads (named after them,
// in their namespace): the tool installs them into it.
func unassign(in *inputs, items fn.KubeObjects, assigned map[*fn.KubeObject]bool) {
	if len(assigned) == 0 {
		return
	}
	read := map[*fn.KubeObject]bool{}
	for _, obj := range in.objects() {
		read[obj] = true
	}
	forWorkload := map[[2]string]bool{}
	for obj := range assigned {
		if isWorkloadKind(obj) {
			forWorkload[[2]string{obj.GetNamespace(), obj.GetName()}] = true
		}
	}
	for _, obj := range items {
		added := !read[obj] && forWorkload[[2]string{obj.GetNamespace(), obj.GetName()}]
		if assigned[obj] || added {
			_, _ = obj.RemoveNestedField("metadata", "namespace")
		}
	}
}
