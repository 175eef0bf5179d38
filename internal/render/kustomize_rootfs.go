package render

import (
	"errors"
	"io/fs"
	"path/filepath"

	"sigs.k8s.io/kustomize/kyaml/filesys"
)

// rootFS is the file system kustomize builds on: the repository root, read
// only. Every read goes through the Root, so a base, patch or generator
// file outside the repository, a symlink leading out of it, a device or a
// FIFO is refused, whatever the kustomization names (kustomize's own load
// restrictor allows any base directory, anywhere on disk).
type rootFS struct{ r *Root }

var _ filesys.FileSystem = rootFS{}

var errReadOnly = errors.New("lbguard writes nothing while it builds a kustomization")

func (rootFS) Create(string) (filesys.File, error) { return nil, errReadOnly }
func (rootFS) Mkdir(string) error                  { return errReadOnly }
func (rootFS) MkdirAll(string) error               { return errReadOnly }
func (rootFS) RemoveAll(string) error              { return errReadOnly }
func (rootFS) WriteFile(string, []byte) error      { return errReadOnly }

// Open is not used by a build; refused rather than opened unchecked.
func (rootFS) Open(path string) (filesys.File, error) {
	return nil, &fs.PathError{Op: "open", Path: path, Err: errors.ErrUnsupported}
}

func (f rootFS) IsDir(path string) bool {
	info, err := f.r.Stat(path)
	return err == nil && info.IsDir()
}

func (f rootFS) Exists(path string) bool {
	_, err := f.r.Stat(path)
	return err == nil
}

func (f rootFS) ReadFile(path string) ([]byte, error) { return f.r.ReadFile(path) }

func (f rootFS) ReadDir(path string) ([]string, error) {
	rel, err := f.r.Rel(path)
	if err != nil {
		return nil, err
	}
	entries, err := fs.ReadDir(f.r.FS(), filepath.ToSlash(rel))
	if err != nil {
		return nil, rootError(path, err)
	}
	names := make([]string, len(entries))
	for i, e := range entries {
		names[i] = e.Name()
	}
	return names, nil
}

// CleanedAbs is kyaml's on-disk CleanedAbs (symlinks resolved, then split
// into a directory and a file name) held to the root.
func (f rootFS) CleanedAbs(path string) (filesys.ConfirmedDir, string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", "", err
	}
	if _, err := f.r.Rel(abs); err != nil {
		return "", "", err
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return "", "", &fs.PathError{Op: "open", Path: path, Err: unwrapPath(err)}
	}
	if _, err := f.r.Rel(real); err != nil {
		return "", "", &fs.PathError{Op: "open", Path: path, Err: ErrOutsideRoot}
	}
	if f.IsDir(real) {
		return filesys.ConfirmedDir(real), "", nil
	}
	return filesys.ConfirmedDir(filepath.Dir(real)), filepath.Base(real), nil
}

func (f rootFS) Glob(pattern string) ([]string, error) {
	rel, base, err := f.r.relBase(pattern)
	if err != nil {
		return nil, nil // nothing outside the root matches
	}
	matches, err := fs.Glob(f.r.FS(), filepath.ToSlash(rel))
	if err != nil {
		return nil, err
	}
	for i, m := range matches {
		matches[i] = filepath.Join(base, filepath.FromSlash(m))
	}
	return matches, nil
}

func (f rootFS) Walk(path string, walkFn filepath.WalkFunc) error {
	rel, base, err := f.r.relBase(path)
	if err != nil {
		return walkFn(path, nil, err)
	}
	return fs.WalkDir(f.r.FS(), filepath.ToSlash(rel), func(p string, d fs.DirEntry, err error) error {
		name := filepath.Join(base, filepath.FromSlash(p))
		if err != nil {
			return walkFn(name, nil, err)
		}
		info, err := d.Info()
		return walkFn(name, info, err)
	})
}
