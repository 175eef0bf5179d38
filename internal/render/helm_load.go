package render

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	slash "path" // the package's tests name a helper path
	"path/filepath"

	"helm.sh/helm/v4/pkg/chart/loader/archive"
	chart "helm.sh/helm/v4/pkg/chart/v2"
	"helm.sh/helm/v4/pkg/chart/v2/loader"
	"helm.sh/helm/v4/pkg/ignore"
)

// A chart is loaded as Helm's loader.LoadDir loads it (the chart's
// .helmignore and Helm's default of leaving out templates/.*, files in
// lexical order, symlinked directories walked into, a UTF-8 BOM dropped,
// 100 MiB in all), but every file is read through the repository's Root:
// LoadDir follows a symlink anywhere, so a chart could hand .Files.Get the
// CI job's /proc/self/environ, or /dev/zero, or a FIFO that never answers.
// Here a symlink that leaves the root, anything but a regular file and a
// file larger than MaxFileBytes are refused, naming the file and never
// showing its content. A file the .helmignore leaves out is not read at
// all, as with Helm, so a symlink it names may lead anywhere.

// maxChartEntries is the most files and directories walked in one chart,
// its subcharts' included: symlinked directories can make a small tree
// look exponentially large.
const maxChartEntries = 100_000

// utf8BOM is dropped from the start of every file, as Helm drops it.
var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// chartLimits is what may still be loaded of one unit: its chart, the
// subcharts in its charts/ and its file:// dependencies (helm_deps.go)
// share Helm's 100 MiB and maxChartEntries.
type chartLimits struct {
	budget  int64 // bytes that may still be read
	entries int   // files and directories walked so far
}

func newChartLimits() *chartLimits {
	return &chartLimits{budget: archive.MaxDecompressedChartSize}
}

// loadChart loads the chart in dir, which must lie inside root.
func loadChart(root *Root, dir string) (*chart.Chart, error) {
	return loadChartWithin(root, dir, newChartLimits())
}

// loadChartWithin is loadChart held to what is left of limits.
func loadChartWithin(root *Root, dir string, limits *chartLimits) (*chart.Chart, error) {
	rel, err := root.Rel(dir)
	if err != nil {
		return nil, ErrOutsideRoot
	}
	w := &chartWalk{root: root, fsys: root.FS(), limits: limits, rules: ignore.Empty()}
	top := filepath.ToSlash(rel)
	if data, err := root.ReadFile(w.abs(slash.Join(top, ignore.HelmIgnore))); err == nil {
		rules, err := ignore.Parse(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", ignore.HelmIgnore, err)
		}
		w.rules = rules
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, fileError(ignore.HelmIgnore, err)
	}
	w.rules.AddDefaults()
	info, err := root.Stat(w.abs(top))
	if pe := (*fs.PathError)(nil); errors.As(err, &pe) {
		return nil, pe.Err // the chart's directory, which the message names
	} else if err != nil {
		return nil, err
	}
	if err := w.walk(top, "", []fs.FileInfo{info}); err != nil {
		return nil, err
	}
	ch, err := loader.LoadFiles(w.files)
	if err != nil {
		names := make([]string, len(w.files))
		for i, f := range w.files {
			names[i] = f.Name
		}
		return nil, quietHelm(err, names)
	}
	return ch, nil
}

type chartWalk struct {
	root   *Root
	fsys   fs.FS
	rules  *ignore.Rules
	limits *chartLimits
	files  []*archive.BufferedFile
}

// abs is the path of a file the root's fs.FS names.
func (w *chartWalk) abs(name string) string {
	return filepath.Join(w.root.Dir(), filepath.FromSlash(name))
}

// walk reads the directory at rel (relative to the root) whose name in the
// chart is name ("" for the chart's own directory); parents are the
// directories it lies in, itself last, to tell a symlink loop.
func (w *chartWalk) walk(rel, name string, parents []fs.FileInfo) error {
	entries, err := fs.ReadDir(w.fsys, rel)
	if err != nil {
		return fileError(orDot(name), err)
	}
	for _, e := range entries {
		if w.limits.entries++; w.limits.entries > maxChartEntries {
			return fmt.Errorf("more than %d files and directories, the most lbguard loads of one chart", maxChartEntries)
		}
		r, n := slash.Join(rel, e.Name()), slash.Join(name, e.Name())
		info, err := w.info(r, e)
		if err != nil {
			if w.ignoredEither(n, e) {
				continue // as Helm, which never reads what it ignores
			}
			return fileError(n, err)
		}
		if w.rules.Ignore(n, info) {
			continue
		}
		if info.IsDir() {
			for _, p := range parents {
				if os.SameFile(p, info) {
					return fmt.Errorf("%s: a symlink loop: it leads to a directory it lies in", n)
				}
			}
			if err := w.walk(r, n, append(parents, info)); err != nil {
				return err
			}
			continue
		}
		if err := w.read(r, n, info); err != nil {
			return err
		}
	}
	return nil
}

// info is what e names, a symlink followed while it stays in the root.
func (w *chartWalk) info(rel string, e fs.DirEntry) (fs.FileInfo, error) {
	if e.Type()&fs.ModeSymlink != 0 {
		return w.root.Stat(w.abs(rel))
	}
	return e.Info()
}

// ignoredEither says whether .helmignore leaves out n, a symlink that
// cannot be followed, whether it would lead to a directory or to a file.
func (w *chartWalk) ignoredEither(n string, e fs.DirEntry) bool {
	info, err := e.Info()
	if err != nil {
		return false
	}
	return w.rules.Ignore(n, info) || w.rules.Ignore(n, dirInfo{info})
}

// read reads one file of the chart, held to what is left of the budget.
func (w *chartWalk) read(rel, name string, info fs.FileInfo) error {
	if !info.Mode().IsRegular() {
		return fmt.Errorf("%s: not a regular file (%s): lbguard reads only regular files", name, fileType(info.Mode()))
	}
	if info.Size() > w.limits.budget {
		return w.tooLarge()
	}
	data, err := w.root.ReadFile(w.abs(rel))
	if err != nil {
		return fileError(name, err)
	}
	if int64(len(data)) > w.limits.budget {
		return w.tooLarge()
	}
	w.limits.budget -= int64(len(data))
	w.files = append(w.files, &archive.BufferedFile{Name: name, ModTime: info.ModTime(), Data: bytes.TrimPrefix(data, utf8BOM)})
	return nil
}

func (w *chartWalk) tooLarge() error {
	return fmt.Errorf("chart exceeds maximum decompressed size of %d bytes", archive.MaxDecompressedChartSize)
}

// fileError names a file of the chart by its name in the chart, with the
// reason the root gave and not its path.
func fileError(name string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return fmt.Errorf("%s: %w", name, err)
}

func orDot(name string) string {
	if name == "" {
		return "."
	}
	return name
}

// dirInfo is a FileInfo seen as a directory's.
type dirInfo struct{ fs.FileInfo }

func (dirInfo) IsDir() bool       { return true }
func (dirInfo) Mode() fs.FileMode { return fs.ModeDir }
