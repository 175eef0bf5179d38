package cli

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/lbguard/lbguard/internal/krmio"
	"github.com/lbguard/lbguard/internal/render"
)

// readInputs reads every PATH of the command line, in order, as
// internal/render finds them: plain files (a directory's .yaml and .yml
// files, in lexical order, hidden directories left out), Helm charts
// rendered and kustomizations built (their files not read again on their
// own); "-" is standard input. A file named twice is read once. Besides the
// sources, the reader it returns holds the charts and kustomizations it did
// not render, and why, and the inputs it could not read.
//
// Every file is read inside opts.Root; when it is nil, inside the root
// openRoot finds for the paths.
//
// The files of skip (lbguard's config, the repository config) are no
// resources, and are not read.
func readInputs(paths []string, stdin io.Reader, skip []string, opts render.Options) (*pathReader, error) {
	if opts.Root == nil {
		root, err := openRoot("", paths)
		if err != nil {
			return nil, err
		}
		if root != nil {
			defer root.Close()
		}
		opts.Root = root
	}
	r := &pathReader{stdin: stdin, seen: map[string]bool{}, opts: opts}
	for _, p := range skip {
		if p != "" {
			r.once(p)
		}
	}
	var files []string
	flush := func() error {
		err := r.readPaths(files)
		files = nil
		return err
	}
	for _, p := range paths {
		if p != stdinPath {
			files = append(files, p)
			continue
		}
		if err := flush(); err != nil {
			return nil, err
		}
		if err := r.readStdin(); err != nil {
			return nil, err
		}
	}
	if err := flush(); err != nil {
		return nil, err
	}
	return r, nil
}

// pathReader reads the paths of one command line into sources.
type pathReader struct {
	stdin     io.Reader
	stdinRead bool
	opts      render.Options
	seen      map[string]bool // absolute paths already read
	total     int64           // bytes read, held to the function's own limit
	sources   []*source
	leftAlone []render.LeftAlone
	// failed are the inputs that could not be read or rendered: each is a
	// finding of its unit, and the run goes on with the others.
	failed []failedInput
}

// failedInput is a file, chart or kustomization that could not be read.
type failedInput struct {
	path string // the file, chart or kustomization
	kind string // "file", "Helm chart" or "kustomization"
	err  error
}

// once reports whether path is read for the first time, and marks it read.
func (r *pathReader) once(path string) bool {
	abs, err := filepath.Abs(path)
	if err != nil {
		return true
	}
	first := !r.seen[abs]
	r.seen[abs] = true
	return first
}

// readPaths reads files and directories: what each holds, in order.
func (r *pathReader) readPaths(paths []string) error {
	for _, p := range paths {
		if _, err := os.Stat(p); err != nil {
			return inputErrorf("cannot read %s: %v", p, unwrapPathError(err))
		}
	}
	inputs, err := render.Inputs(paths, r.opts)
	if err != nil {
		return inputErrorf("%v", err)
	}
	for _, in := range inputs {
		if in.Plain() {
			err = r.readFile(in.Path)
		} else {
			err = r.render(in)
		}
		var unreadable *unreadableError
		if errors.As(err, &unreadable) {
			r.failed = append(r.failed, failedInput{in.Path, in.Kind(), unreadable.err})
			continue
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// unreadableError is an input that cannot be read or rendered: a finding
// of its unit when other units could be read.
type unreadableError struct{ err error }

func (e *unreadableError) Error() string { return e.err.Error() }
func (e *unreadableError) Unwrap() error { return e.err }

func unreadable(err error) error {
	if err == nil {
		return nil
	}
	return &unreadableError{err}
}

func (r *pathReader) readStdin() error {
	if r.stdinRead {
		return inputErrorf("standard input (-) is named twice")
	}
	r.stdinRead = true
	data, err := krmio.ReadInput(r.stdin, krmio.MaxInputBytes-r.total)
	if err != nil {
		return inputErrorf("%v", err)
	}
	r.total += int64(len(data))
	return r.parse(stdinPath, data)
}

func (r *pathReader) readFile(path string) error {
	if !r.once(path) {
		return nil
	}
	data, err := r.opts.Root.ReadFile(path)
	if err != nil {
		return unreadable(inputErrorf("cannot read %s: %v", path, unwrapPathError(err)))
	}
	if err := r.count(len(data)); err != nil {
		return err
	}
	return unreadable(r.parse(path, data))
}

// count holds the bytes read, rendered output included, to the function's
// limit.
func (r *pathReader) count(n int) error {
	if r.total += int64(n); r.total > krmio.MaxInputBytes {
		return inputErrorf("the input is larger than %s in all, the most lbguard reads (README: Limits and bad input): audit fewer files at a time", krmio.FormatBytes(krmio.MaxInputBytes))
	}
	return nil
}

func (r *pathReader) parse(path string, data []byte) error {
	src, err := parseSource(path, data)
	if err != nil {
		return err
	}
	r.sources = append(r.sources, src)
	return nil
}

// render renders a chart or builds a kustomization into a source of its
// own: its objects printed as one stream and read back as a file's would
// be, each document remembering where it came from.
func (r *pathReader) render(in render.Input) error {
	if !r.once(in.Path) {
		return nil
	}
	set, err := in.Render(r.opts)
	if err != nil {
		return unreadable(inputErrorf("%v", err))
	}
	r.leftAlone = append(r.leftAlone, set.LeftAlone...)
	if len(set.Documents)+len(set.NonResources)+len(set.LeftAlone) == 0 {
		// Nothing to check is no failure: a chart may render nothing with
		// its default values.
		what := "the kustomization builds no Kubernetes resources"
		if in.Chart() {
			what = "the chart renders no Kubernetes resources with the values given (--values, --set)"
		}
		r.leftAlone = append(r.leftAlone, render.LeftAlone{Dir: in.Path, Reason: what})
		return nil
	}
	if len(set.Documents)+len(set.NonResources) == 0 {
		return nil
	}
	texts := make([]string, len(set.Documents))
	for i, d := range set.Documents {
		if texts[i], err = d.Object.String(); err != nil {
			return inputErrorf("%s: %v", d.Origin.Location(), err)
		}
	}
	text := strings.Join(texts, "---\n")
	if err := r.count(len(text)); err != nil {
		return err
	}
	src, err := parseSource(in.Path, []byte(text))
	if err != nil {
		return unreadable(err)
	}
	src.rendered = &renderedInput{root: r.opts.Root, dir: in.Path, chart: in.Chart(), nonResources: len(set.NonResources)}
	i := 0
	for _, d := range src.docs {
		if d.node != nil && i < len(set.Documents) {
			d.origin = &set.Documents[i].Origin
			i++
		}
	}
	r.sources = append(r.sources, src)
	return nil
}

// openRoot opens the repository root of a run (docs/security.md): dir
// when given (--root), else the directory that holds the root
// render.FindRoot gives for each PATH: the git work tree that holds it,
// else the PATH itself (or its directory). Every PATH must lie inside it.
// nil when only standard input is read.
func openRoot(dir string, paths []string) (*render.Root, error) {
	var files []string
	for _, p := range paths {
		if p != stdinPath {
			files = append(files, p)
		}
	}
	if dir == "" && len(files) == 0 {
		return nil, nil
	}
	for _, p := range files {
		if dir != "" && (len(files) == 1 || strings.HasPrefix(absPath(p), dir+string(filepath.Separator))) {
			continue
		}
		d, err := render.FindRoot(p)
		if err != nil {
			return nil, inputErrorf("cannot read %s: %v", p, unwrapPathError(err))
		}
		dir = commonDir(dir, d)
	}
	root, err := render.OpenRoot(dir)
	if err != nil {
		return nil, inputErrorf("cannot open the repository root %s: %v", dir, unwrapPathError(err))
	}
	for _, p := range files {
		if !root.Contains(p) {
			root.Close()
			return nil, inputErrorf("%s lies outside the repository root %s, and lbguard reads nothing outside it: give --root DIR, a directory that holds every PATH", p, root.Dir())
		}
	}
	return root, nil
}

// commonDir is the deepest directory that holds both a and b ("" is
// none yet).
func commonDir(a, b string) string {
	if a == "" {
		return b
	}
	for !(b == a || strings.HasPrefix(b, a+string(filepath.Separator))) && a != filepath.Dir(a) {
		a = filepath.Dir(a)
	}
	return a
}

func absPath(p string) string {
	if abs, err := filepath.Abs(p); err == nil {
		return abs
	}
	return p
}
