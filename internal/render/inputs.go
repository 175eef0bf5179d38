package render

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"sigs.k8s.io/kustomize/api/konfig"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// inputKind is how one input is read.
type inputKind int

const (
	plainFile        inputKind = iota // read as YAML documents
	chartDir                          // rendered with Helm
	kustomizationDir                  // built with kustomize
)

type input struct {
	kind inputKind
	path string
}

// findInputs lists what the paths hold, in order. A directory holding
// Chart.yaml is a chart and nothing under it is read otherwise (templates
// are not YAML, subcharts are the chart's). A directory holding a
// kustomization is built, and no file under it is a plain input: kustomize
// reads only files under a kustomization's own directory (its load
// restrictor) or under the directories of the bases it names, which hold
// kustomizations of their own, so every file a kustomization can consume is
// under some kustomization directory. Reading those again as plain files
// would report each resource twice, once without the overlay's changes.
// Kustomizations nested below are still found: they may be overlays.
// Hidden directories (.git, .github) are passed over, as kustomize and kpt
// do. A file named on the command line (pre-commit names the changed ones)
// is read whatever its name, unless it belongs to a chart: a template is
// no YAML until the chart renders it, so the chart is rendered instead.
//
// A library chart renders nothing of its own: its directory is walked as
// any other (its templates/ and charts/ aside), so that a Chart.yaml of
// `type: library` dropped among plain manifests does not hide them.
func findInputs(root *Root, paths []string, exclude []string) ([]input, error) {
	f := finder{root: root, exclude: exclude, seen: map[string]bool{}}
	for _, p := range paths {
		if err := f.path(p); err != nil {
			return nil, err
		}
	}
	return f.inputs, nil
}

type finder struct {
	root    *Root
	exclude []string // patterns of paths not read, relative to the root
	inputs  []input
	seen    map[string]bool // absolute paths already listed
}

func (f *finder) add(kind inputKind, path string) {
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	if f.seen[abs] {
		return
	}
	f.seen[abs] = true
	f.inputs = append(f.inputs, input{kind, path})
}

func (f *finder) path(p string) error {
	p = filepath.Clean(p) // WalkDir's paths are clean: compared with p's below
	info, err := os.Stat(p)
	if err != nil {
		return fmt.Errorf("cannot read %s: %w", p, err)
	}
	if !info.IsDir() {
		if f.excluded(p) {
			return nil
		}
		switch chart := chartAbove(p); {
		case chart != "":
			f.add(chartDir, chart)
		case isKustomizationFile(filepath.Base(p)):
			f.add(kustomizationDir, filepath.Dir(p))
		default:
			f.add(plainFile, p)
		}
		return nil
	}
	var kustomizations []string // directories found so far, parents first
	var libraries []string      // library charts found so far
	return filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("cannot read %s: %w", path, err)
		}
		if f.excluded(path) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			switch {
			case path != p && strings.HasPrefix(d.Name(), "."):
				return filepath.SkipDir
			case slices.Contains(libraries, filepath.Dir(path)) && (d.Name() == "templates" || d.Name() == "charts"):
				return filepath.SkipDir
			case exists(filepath.Join(path, ChartFile)) && f.libraryChart(path):
				f.add(chartDir, path)
				libraries = append(libraries, path)
			case exists(filepath.Join(path, ChartFile)):
				f.add(chartDir, path)
				return filepath.SkipDir
			case KustomizationFile(path) != "":
				f.add(kustomizationDir, path)
				kustomizations = append(kustomizations, path)
			}
			return nil
		}
		if !isYAMLName(d.Name()) || !(d.Type().IsRegular() || d.Type()&fs.ModeSymlink != 0) || under(path, kustomizations) {
			return nil
		}
		f.add(plainFile, path)
		return nil
	})
}

// ChartFile is the file that makes a directory a Helm chart.
const ChartFile = "Chart.yaml"

// chartAbove is the chart directory that file belongs to: the nearest
// directory holding it or above it with a Chart.yaml, "" when there is
// none.
func chartAbove(file string) string {
	abs, err := filepath.Abs(file)
	if err != nil {
		return ""
	}
	dir := filepath.Dir(file)
	for d := filepath.Dir(abs); ; d = filepath.Dir(d) {
		if exists(filepath.Join(d, ChartFile)) {
			return dir
		}
		if d == filepath.Dir(d) {
			return ""
		}
		dir = filepath.Join(dir, "..")
	}
}

func isYAMLName(name string) bool {
	return strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml")
}

func isKustomizationFile(name string) bool {
	for _, k := range konfig.RecognizedKustomizationFileNames() {
		if name == k {
			return true
		}
	}
	return false
}

// KustomizationFile is the path of the kustomization file in dir, "" when
// there is none. A directory of that name is none (a web app's
// components/Kustomization).
func KustomizationFile(dir string) string {
	for _, k := range konfig.RecognizedKustomizationFileNames() {
		if info, err := os.Stat(filepath.Join(dir, k)); err == nil && !info.IsDir() {
			return filepath.Join(dir, k)
		}
	}
	return ""
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// under says whether path lies inside one of dirs.
func under(path string, dirs []string) bool {
	for _, d := range dirs {
		if strings.HasPrefix(path, d+string(filepath.Separator)) {
			return true
		}
	}
	return false
}

// libraryChart says whether the chart in dir is of `type: library`.
func (f *finder) libraryChart(dir string) bool {
	if f.root == nil {
		return false
	}
	data, err := f.root.ReadFile(filepath.Join(dir, ChartFile))
	if err != nil {
		return false // the chart's rendering says what is wrong
	}
	var meta struct {
		Type string `json:"type"`
	}
	return yaml.Unmarshal(data, &meta) == nil && meta.Type == "library"
}

// excluded says whether path matches a pattern of f.exclude.
func (f *finder) excluded(path string) bool {
	if len(f.exclude) == 0 || f.root == nil {
		return false
	}
	rel, err := f.root.Rel(path)
	return err == nil && rel != "." && excluded(rel, f.exclude)
}
