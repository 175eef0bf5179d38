package cli

import (
	"fmt"
	"path/filepath"

	"github.com/lbguard/lbguard/internal/render"
	"github.com/lbguard/lbguard/internal/report"
)

// A chart or kustomization is read as a source of its own whose text is its
// rendered output. Findings name the chart or overlay and, where kustomize
// or Helm says, the source file and line; fixes are printed with the rest,
// never written back: the output is made anew at every render, so lbguard
// belongs in the render itself.

// renderedInput is the chart or kustomization a source was rendered from.
type renderedInput struct {
	root         *render.Root
	dir          string
	chart        bool
	nonResources int // documents it rendered that are no resource
	// sources are the source files read for lines: their documents by the
	// line each starts on; nil for a file that cannot be read.
	sources map[string]map[int]*document
}

// place is where a finding about d is shown: the rendering and source
// file for a rendered document, else the field's line in d's file.
func (d *document) place(field string) report.Place {
	o := d.origin
	if o == nil {
		return report.Place{File: d.file(), Line: d.fieldLine(field)}
	}
	at := *o
	if sd := d.src.rendered.sourceDocument(o); sd != nil {
		at.Line = sd.fieldLine(field)
	}
	file := at.File
	if file == "" {
		file = d.src.rendered.configFile()
	}
	return report.Place{File: file, Line: at.Line, Origin: at.Location()}
}

// sourceDocument is the document of the source file that starts where o
// says (kustomize names a resource's file, render finds its line), read as
// a plain file is, so that a finding can name its field's line there (or
// its nearest ancestor's, for a field the overlay added or lbguard would
// add). nil when there is no such line or file.
func (in *renderedInput) sourceDocument(o *render.Origin) *document {
	if o.File == "" || o.Line == 0 {
		return nil
	}
	starts, read := in.sources[o.File]
	if !read {
		starts = documentStarts(in.root, o.File)
		if in.sources == nil {
			in.sources = map[string]map[int]*document{}
		}
		in.sources[o.File] = starts
	}
	return starts[o.Line]
}

// documentStarts reads a source file as a plain file is and indexes its
// documents by the line each starts on; nil when the file cannot be read
// (it built: an error is no line).
func documentStarts(root *render.Root, path string) map[int]*document {
	data, err := root.ReadFile(path)
	if err != nil {
		return nil
	}
	src, err := parseSource(path, data)
	if err != nil {
		return nil
	}
	starts := map[int]*document{}
	for _, d := range src.docs {
		if l := d.line - 1; d.node != nil && starts[l+d.node.Line] == nil {
			starts[l+d.node.Line] = d
		}
	}
	return starts
}

// configFile is the chart's Chart.yaml or the kustomization file: where a
// finding points when no source file is known.
func (in *renderedInput) configFile() string {
	if in.chart {
		return filepath.Join(in.dir, render.ChartFile)
	}
	if p := render.KustomizationFile(in.dir); p != "" {
		return p
	}
	return in.dir
}

// howToAddLBGuard says why fixes to a rendered source are not written, and
// where lbguard goes instead.
func (in *renderedInput) howToAddLBGuard() string {
	if in.chart {
		return fmt.Sprintf("%s is a Helm chart: its rendered output is not written back; run lbguard at every render as Helm's post-renderer: "+
			"`helm install --post-renderer lbguard …` (Helm 4, with the lbguard plugin; Helm 3 takes the binary's path), "+
			"or `helm template … | lbguard fix -`", in.dir)
	}
	return fmt.Sprintf("%s is a kustomization: its build is not written back; list lbguard under `transformers:` there, "+
		"with the exec config of README \"Use with kustomize\", and build with `kustomize build --enable-alpha-plugins --enable-exec %s`", in.dir, in.dir)
}

// leftAloneUnits are the charts and kustomizations not rendered, as the
// report's findings: each named by its Chart.yaml or kustomization file.
func leftAloneUnits(alone []render.LeftAlone) []report.Unit {
	units := make([]report.Unit, len(alone))
	for i, a := range alone {
		in := renderedInput{dir: a.Dir, chart: render.KustomizationFile(a.Dir) == ""}
		kind := "kustomization"
		if in.chart {
			kind = "Helm chart"
		}
		units[i] = report.Unit{Dir: a.Dir, Kind: kind, Title: kind + " " + leftAloneName(a), File: in.configFile(), Reason: a.Reason, Unchecked: a.Unchecked}
	}
	return units
}

// leftAloneName names what was left alone: its directory, or a subchart
// of the chart there ("charts/shop, subchart redis").
func leftAloneName(a render.LeftAlone) string {
	if a.Subchart != "" {
		return a.Dir + ", subchart " + a.Subchart
	}
	return a.Dir
}

// toCheck says, for each kind of input, what makes it readable.
var toCheck = map[string]string{
	"file":          "to check it, make it valid YAML; if it is no manifest (a test fixture, another tool's template), exclude it (--exclude, or exclude: in " + RepoConfigFile + ")",
	"Helm chart":    "to check it, give it the values it needs (--set, --values, or charts: in " + RepoConfigFile + ") and vendor its dependencies (helm dependency build), or exclude it",
	"kustomization": "to check it, make `kustomize build` of it succeed here (every file it names in the repository), or exclude it",
}

// failedUnits are the inputs that could not be read or rendered, as the
// report's findings: a chart or kustomization by its Chart.yaml or
// kustomization file, a plain file by itself.
func failedUnits(failed []failedInput) []report.Unit {
	units := make([]report.Unit, len(failed))
	for i, f := range failed {
		u := report.Unit{Dir: f.path, Kind: f.kind, Title: f.kind + " " + f.path, File: f.path, Reason: f.err.Error() + "; " + toCheck[f.kind], Failed: true}
		if f.kind != "file" {
			in := renderedInput{dir: f.path, chart: f.kind == "Helm chart"}
			u.File = in.configFile()
		}
		units[i] = u
	}
	return units
}

// leftAloneNotes are the lines that say which charts and kustomizations
// were not rendered, and why, when there is no report to hold them.
func leftAloneNotes(command string, alone []render.LeftAlone) []string {
	notes := make([]string, len(alone))
	for i, a := range alone {
		notes[i] = fmt.Sprintf("lbguard %s: %s left alone: %s", command, leftAloneName(a), a.Reason)
	}
	return notes
}

// unchecked says whether a unit left alone went unchecked.
func unchecked(alone []render.LeftAlone) bool {
	for _, a := range alone {
		if a.Unchecked {
			return true
		}
	}
	return false
}
