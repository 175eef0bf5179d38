package cli

import (
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/lbguard/lbguard/internal/krmio"
)

// kustomizationNames are the file names kustomize reads as a Kustomization:
// configuration, not resources.
var kustomizationNames = map[string]bool{
	"kustomization.yaml": true,
	"kustomization.yml":  true,
	"Kustomization":      true,
}

// readInputs reads every PATH of the command line, in order. A directory is
// read recursively (its .yaml and .yml files, in lexical order, hidden
// directories and kustomization files left out); "-" is standard input. A
// file named twice is read once.
func readInputs(paths []string, stdin io.Reader, configPath string) ([]*source, error) {
	r := &pathReader{stdin: stdin, seen: map[string]bool{}}
	if configPath != "" {
		r.once(configPath) // the config is no resource
	}
	for _, p := range paths {
		if err := r.read(p); err != nil {
			return nil, err
		}
	}
	return r.sources, nil
}

// pathReader reads the paths of one command line into sources.
type pathReader struct {
	stdin     io.Reader
	stdinRead bool
	seen      map[string]bool // absolute paths already read
	total     int64           // bytes read, held to the function's own limit
	sources   []*source
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

func (r *pathReader) read(p string) error {
	if p == stdinPath {
		return r.readStdin()
	}
	info, err := os.Stat(p)
	if err != nil {
		return inputErrorf("cannot read %s: %v", p, unwrapPathError(err))
	}
	switch {
	case info.IsDir():
		return r.readDir(p)
	case kustomizationNames[filepath.Base(p)]:
		return nil
	}
	return r.readFile(p)
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
	data, err := os.ReadFile(path)
	if err != nil {
		return inputErrorf("cannot read %s: %v", path, unwrapPathError(err))
	}
	if r.total += int64(len(data)); r.total > krmio.MaxInputBytes {
		return inputErrorf("the input is larger than %s in all, the most lbguard reads (README: Limits and bad input): audit fewer files at a time", krmio.FormatBytes(krmio.MaxInputBytes))
	}
	return r.parse(path, data)
}

func (r *pathReader) parse(path string, data []byte) error {
	src, err := parseSource(path, data)
	if err != nil {
		return err
	}
	r.sources = append(r.sources, src)
	return nil
}

// readDir reads the YAML files under root, in lexical order.
func (r *pathReader) readDir(root string) error {
	return filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return inputErrorf("cannot read %s: %v", path, unwrapPathError(err))
		}
		name := d.Name()
		if d.IsDir() {
			if path != root && strings.HasPrefix(name, ".") {
				return filepath.SkipDir // .git, .github and the like
			}
			return nil
		}
		if !d.Type().IsRegular() && d.Type()&fs.ModeSymlink == 0 {
			return nil
		}
		if kustomizationNames[name] || !(strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml")) {
			return nil
		}
		return r.readFile(path)
	})
}
