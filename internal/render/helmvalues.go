package render

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"

	"helm.sh/helm/v4/pkg/chart/v2/loader"
	"helm.sh/helm/v4/pkg/strvals"
)

// userValues merges --values files in order, then --set, as Helm's CLI
// does; the chart's values.yaml goes under them when the chart renders.
// Files are read from disk only: a URL is no file here, lbguard fetches
// nothing. A values file inside the repository is read through its root,
// so that a symlink cannot lead out of it; one the command line names
// outside the repository is the operator's own. Either must be a regular
// file of at most MaxFileBytes (a FIFO would never answer). What the
// parsers say passes through Quiet: a --set value may be a secret.
func userValues(opts Options, root *Root) (map[string]any, error) {
	vals := map[string]any{}
	for _, f := range opts.ValueFiles {
		data, err := ReadNamedFile(f, root)
		if pe := (*fs.PathError)(nil); errors.As(err, &pe) {
			err = &fs.PathError{Op: "open", Path: f, Err: pe.Err} // os.Root says openat
		}
		if err != nil {
			return nil, fmt.Errorf("--values: %w", err)
		}
		m, err := loader.LoadValues(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("--values %s: %s", f, Quiet(err.Error()))
		}
		vals = loader.MergeMaps(vals, m)
	}
	for _, s := range opts.Set {
		if err := strvals.ParseInto(s, vals); err != nil {
			return nil, errors.New(Quiet("--set " + s + ": " + err.Error()))
		}
	}
	return vals, nil
}

// ReadNamedFile reads a file the command line or the repository config
// names (--values, --config): inside the repository through its root, so
// that a symlink cannot lead out of it; outside it, the operator's own,
// read as it is. Either way only a regular file, of at most MaxFileBytes:
// a FIFO would never answer.
func ReadNamedFile(path string, root *Root) ([]byte, error) {
	if root != nil && root.Contains(path) {
		return root.ReadFile(path)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	all, err := OpenRoot(filepath.VolumeName(abs) + string(filepath.Separator))
	if err != nil {
		return nil, err
	}
	defer all.Close()
	return all.ReadFile(path)
}
