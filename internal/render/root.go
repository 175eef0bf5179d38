package render

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/lbguard/lbguard/internal/krmio"
)

// The repository root confines every read of a run (docs/security.md): a
// pull request from a stranger may hold symlinks to /proc/self/environ, to
// /dev/zero or to a FIFO, and kustomize bases or chart files that name
// ../../ anything. Every file is opened through an os.Root, which refuses
// a path or symlink that leaves the root, and only regular files are read,
// each through a size limit.

// MaxFileBytes is the most read of one file: the function's own limit.
const MaxFileBytes = krmio.MaxInputBytes

// ErrOutsideRoot is a path that lies outside the repository root, or a
// symlink that leads out of it.
var ErrOutsideRoot = errors.New("outside the repository root: lbguard reads nothing outside it")

// Root is the directory a run may read: the repository.
type Root struct {
	dir  string // absolute, as the paths given name it
	real string // dir with its symlinks resolved
	root *os.Root
}

// FindRoot is the root for a path given on the command line: the git work
// tree that holds it (the nearest directory above it with a .git entry),
// else the path itself when it is a directory, else its directory.
func FindRoot(path string) (string, error) {
	info, err := os.Stat(path)
	if err != nil {
		return "", err
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	start := abs
	if !info.IsDir() {
		start = filepath.Dir(abs)
	}
	for d := start; ; d = filepath.Dir(d) {
		if _, err := os.Lstat(filepath.Join(d, ".git")); err == nil {
			return d, nil
		}
		if d == filepath.Dir(d) {
			return start, nil
		}
	}
}

// OpenRoot opens dir as the root of a run.
func OpenRoot(dir string) (*Root, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return nil, err
	}
	r, err := os.OpenRoot(real)
	if err != nil {
		return nil, err
	}
	return &Root{dir: abs, real: real, root: r}, nil
}

// Dir is the root's absolute path.
func (r *Root) Dir() string { return r.dir }

// Rel is path relative to the root ("." for the root itself), or
// ErrOutsideRoot. A path may name the root as given or with its symlinks
// resolved (kustomize resolves them).
func (r *Root) Rel(path string) (string, error) {
	rel, _, err := r.relBase(path)
	return rel, err
}

// relBase is Rel and the name of the root path is relative to: Dir or
// the root with its symlinks resolved.
func (r *Root) relBase(path string) (rel, base string, err error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", "", err
	}
	for _, base := range []string{r.dir, r.real} {
		rel, err := filepath.Rel(base, abs)
		if err == nil && (rel == "." || filepath.IsLocal(rel)) {
			return rel, base, nil
		}
	}
	return "", "", &fs.PathError{Op: "open", Path: path, Err: ErrOutsideRoot}
}

// Contains says whether path lies inside the root, by its name (symlinks
// on the way are checked when it is opened).
func (r *Root) Contains(path string) bool {
	_, err := r.Rel(path)
	return err == nil
}

// Stat is os.Stat inside the root: symlinks are followed while they stay
// in it.
func (r *Root) Stat(path string) (fs.FileInfo, error) {
	rel, err := r.Rel(path)
	if err != nil {
		return nil, err
	}
	info, err := r.root.Stat(rel)
	return info, rootError(path, err)
}

// Exists says whether path names something inside the root.
func (r *Root) Exists(path string) bool {
	_, err := r.Stat(path)
	return err == nil
}

// Lstat is os.Lstat inside the root.
func (r *Root) Lstat(path string) (fs.FileInfo, error) {
	rel, err := r.Rel(path)
	if err != nil {
		return nil, err
	}
	info, err := r.root.Lstat(rel)
	return info, rootError(path, err)
}

// ReadFile reads a regular file inside the root, at most MaxFileBytes of
// it. A device, FIFO or socket is refused before a byte is read: opening
// is non-blocking, so a FIFO with no writer cannot hang the run.
func (r *Root) ReadFile(path string) ([]byte, error) {
	return r.readFile(path, MaxFileBytes)
}

func (r *Root) readFile(path string, limit int64) ([]byte, error) {
	rel, err := r.Rel(path)
	if err != nil {
		return nil, err
	}
	f, err := r.root.OpenFile(rel, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, rootError(path, err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, &fs.PathError{Op: "read", Path: path, Err: fmt.Errorf("not a regular file (%s): lbguard reads only regular files", fileType(info.Mode()))}
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, &fs.PathError{Op: "read", Path: path, Err: err}
	}
	if int64(len(data)) > limit {
		return nil, &fs.PathError{Op: "read", Path: path, Err: fmt.Errorf("larger than %s, the most lbguard reads of one file", krmio.FormatBytes(limit))}
	}
	return data, nil
}

// relative rewrites the absolute paths under the root in a message as
// paths relative to it.
func (r *Root) relative(msg string) string {
	for _, base := range []string{r.real, r.dir} {
		msg = strings.ReplaceAll(msg, base+string(filepath.Separator), "")
	}
	return msg
}

// FS is the root as an fs.FS, for walks and globs.
func (r *Root) FS() fs.FS { return r.root.FS() }

// Close releases the root.
func (r *Root) Close() error { return r.root.Close() }

// rootError names a path that os.Root refused for leaving the root with
// ErrOutsideRoot.
func rootError(path string, err error) error {
	if err == nil {
		return nil
	}
	var pe *fs.PathError
	if errors.As(err, &pe) && strings.Contains(pe.Err.Error(), "escapes from parent") {
		return &fs.PathError{Op: pe.Op, Path: path, Err: ErrOutsideRoot}
	}
	if errors.As(err, &pe) {
		return &fs.PathError{Op: pe.Op, Path: path, Err: pe.Err}
	}
	return err
}

func fileType(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m.IsDir():
		return "a directory"
	}
	return m.Type().String()
}
