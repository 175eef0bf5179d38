package cli

import (
	"fmt"
	"os"
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
	dir          string
	chart        bool
	nonResources int // documents it rendered that are no resource
}

// place is where a finding about d is shown: the rendering and source
// file for a rendered document (the line of its start in the source, when
// kustomize names one), else the field's line in d's file.
func (d *document) place(field string) report.Place {
	o := d.origin
	if o == nil {
		return report.Place{File: d.file(), Line: d.fieldLine(field)}
	}
	file := o.File
	if file == "" {
		file = d.src.rendered.configFile()
	}
	return report.Place{File: file, Line: o.Line, Origin: o.Location()}
}

// configFile is the chart's Chart.yaml or the kustomization file: where a
// finding points when no source file is known.
func (in *renderedInput) configFile() string {
	if in.chart {
		return filepath.Join(in.dir, "Chart.yaml")
	}
	for _, name := range []string{"kustomization.yaml", "kustomization.yml", "Kustomization"} {
		if p := filepath.Join(in.dir, name); fileExists(p) {
			return p
		}
	}
	return in.dir
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
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

// leftAloneNotes are the lines that say which charts and kustomizations
// were not rendered, and why.
func leftAloneNotes(command string, alone []render.LeftAlone) []string {
	notes := make([]string, len(alone))
	for i, a := range alone {
		notes[i] = fmt.Sprintf("lbguard %s: %s left alone: %s", command, a.Dir, a.Reason)
	}
	return notes
}
