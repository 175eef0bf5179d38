package cli

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/lbguard/lbguard/internal/render"
)

// fix --in-place runs on trees it cannot trust (a stranger's pull request),
// so it writes in two steps. First it plans: every file to write is
// checked, and a temporary file is created beside each, before any is
// written. A file is written only if it is a regular file of one name (no
// symbolic link, no hard link), inside the repository root, reached through
// no symbolic link, writable, in a directory that takes a new file. If one
// is refused, nothing is written. Then it commits: the new bytes go into
// the temporary files, each with the original's permission bits, synced and
// closed; only when all are does each replace its original by a rename. A
// write or sync that fails removes every temporary file and leaves every
// original as it was. The renames, one file at a time, are the only step
// that is not all or nothing across files: a rename that fails (which a
// rename within one directory hardly does) leaves the files renamed before
// it fixed and those after it as they were, and lbguard names both.

// pendingWrite is a file fix --in-place rewrites: its path as it was read,
// and the bytes to put there.
type pendingWrite struct {
	path string
	data []byte
}

// Seams for the tests, which run as root (root ignores permission bits) and
// so need other ways to make a write fail.
var (
	// syncFile flushes a temporary file to the disk.
	syncFile = (*os.File).Sync
	// tempSuffix ends the name of a temporary file.
	tempSuffix = randomSuffix
	// renameInRoot puts a temporary file in the place of its original.
	renameInRoot = (*os.Root).Rename
)

// tempMarker is in the name of every temporary file, .NAME.lbguard-tmp-XXXXXXXX.
const tempMarker = ".lbguard-tmp-"

// linkRefusal is the reason a symbolic link is not written through.
const linkRefusal = "lbguard does not write through links"

// writeInPlace writes every file of writes under rootDir ("" for
// render.FindRoot of the current directory), or none of them, and says on
// stderr what it wrote or why it wrote nothing. It returns the exit status.
func writeInPlace(rootDir string, writes []pendingWrite, stderr io.Writer) int {
	if len(writes) == 0 {
		return exitClean
	}
	if rootDir == "" {
		var err error
		if rootDir, err = render.FindRoot("."); err != nil {
			fmt.Fprintf(stderr, "lbguard fix: nothing written: cannot find the repository root: %v\n", err)
			return exitUsage
		}
	}
	rootDir, err := filepath.Abs(rootDir) // absolute and clean
	if err != nil {
		fmt.Fprintf(stderr, "lbguard fix: nothing written: the repository root: %v\n", err)
		return exitUsage
	}
	root, err := os.OpenRoot(rootDir)
	if err != nil {
		fmt.Fprintf(stderr, "lbguard fix: nothing written: cannot open the repository root: %v\n", err)
		return exitUsage
	}
	defer root.Close()

	p := &writePlan{root: root, rootDir: rootDir}
	if refused := p.prepare(writes); len(refused) > 0 {
		fmt.Fprintf(stderr, "lbguard fix: nothing written: %d of %d %s cannot be written safely:\n", len(refused), len(writes), filesWord(len(writes)))
		for _, err := range refused {
			fmt.Fprintf(stderr, "lbguard fix: %v\n", err)
		}
		return exitUsage
	}
	if err := p.fill(); err != nil {
		fmt.Fprintf(stderr, "lbguard fix: nothing written: %v\n", err)
		return exitUsage
	}
	written, err := p.commit()
	for _, t := range written {
		fmt.Fprintf(stderr, "lbguard fix: wrote %s\n", t.path)
	}
	if err != nil {
		var left []string
		for _, t := range p.targets[len(written)+1:] {
			left = append(left, t.path)
		}
		fmt.Fprintf(stderr, "lbguard fix: %v", err)
		if len(left) > 0 {
			fmt.Fprintf(stderr, "; not written either: %s", strings.Join(left, ", "))
		}
		fmt.Fprintln(stderr)
		return exitUsage
	}
	return exitClean
}

func filesWord(n int) string {
	if n == 1 {
		return "file"
	}
	return "files"
}

// writePlan is the files of one fix --in-place, checked, each with its
// temporary file.
type writePlan struct {
	root    *os.Root
	rootDir string
	targets []*writeTarget
}

type writeTarget struct {
	pendingWrite
	rel  string      // under the root, as the root's methods take it
	info os.FileInfo // the original's, by Lstat
	temp *os.File    // open until filled
	tmp  string      // the temporary file's name under the root; "" once renamed or removed
}

// prepare checks every file and creates its temporary file. It returns one
// error per file refused, naming it; when there are any, no temporary file
// is left.
func (p *writePlan) prepare(writes []pendingWrite) []error {
	var refused []error
	seen := map[string]bool{}
	for _, w := range writes {
		rel, info, err := checkTarget(p.root, p.rootDir, w.path)
		if err == nil && seen[rel] {
			err = fmt.Errorf("%s is named twice among the files to write", w.path)
		}
		if err != nil {
			refused = append(refused, err)
			continue
		}
		seen[rel] = true
		t := &writeTarget{pendingWrite: w, rel: rel, info: info}
		if err := p.createTemp(t); err != nil {
			refused = append(refused, err)
			continue
		}
		p.targets = append(p.targets, t)
	}
	if len(refused) > 0 {
		p.removeTemps()
	}
	return refused
}

// checkTarget checks that path (relative to the current directory, or
// absolute) names a file fix --in-place may replace: inside rootDir (which
// root has open), reached through no symbolic link, a regular file of one
// name that may be written. It returns the path under the root and the
// file's Lstat.
func checkTarget(root *os.Root, rootDir, path string) (string, os.FileInfo, error) {
	abs := path
	if !filepath.IsAbs(path) {
		wd, err := os.Getwd()
		if err != nil {
			return "", nil, fmt.Errorf("cannot write %s: %v", path, err)
		}
		// Not filepath.Join, which would clean link/.. away: the file read
		// is the one the system finds, after the link.
		abs = wd + string(filepath.Separator) + path
	}
	physicalRoot, err := filepath.EvalSymlinks(rootDir)
	if err != nil {
		return "", nil, fmt.Errorf("cannot write %s: the repository root: %v", path, unwrapPathError(err))
	}
	// The path may name the root as it was given or with its links
	// resolved (as the current directory may be).
	rel, err := filepath.Rel(rootDir, filepath.Clean(abs))
	if err != nil || !filepath.IsLocal(rel) {
		rel, err = filepath.Rel(physicalRoot, filepath.Clean(abs))
	}
	if err != nil || !filepath.IsLocal(rel) {
		return "", nil, fmt.Errorf("%s is outside the repository %s: lbguard writes only inside it", path, rootDir)
	}
	// Each directory between the root and the file, by Lstat under the root.
	parts := strings.Split(rel, string(filepath.Separator))
	for i := 1; i < len(parts); i++ {
		dir := filepath.Join(parts[:i]...)
		info, err := root.Lstat(dir)
		if err != nil {
			return "", nil, fmt.Errorf("cannot write %s: %v", path, unwrapPathError(err))
		}
		if info.Mode()&fs.ModeSymlink != 0 {
			return "", nil, fmt.Errorf("%s is reached through a symbolic link, %s: %s", path, dir, linkRefusal)
		}
		if !info.IsDir() {
			return "", nil, fmt.Errorf("cannot write %s: %s is not a directory", path, dir)
		}
	}
	info, err := root.Lstat(rel)
	if err != nil {
		return "", nil, fmt.Errorf("cannot write %s: %v", path, unwrapPathError(err))
	}
	if info.Mode()&fs.ModeSymlink != 0 {
		return "", nil, fmt.Errorf("%s is a symbolic link: %s", path, linkRefusal)
	}
	if !info.Mode().IsRegular() {
		return "", nil, fmt.Errorf("%s is not a regular file: lbguard writes only regular files", path)
	}
	if st, ok := info.Sys().(*syscall.Stat_t); ok && st.Nlink > 1 {
		return "", nil, fmt.Errorf("%s has %d hard links: writing it would change the other names too", path, st.Nlink)
	}
	// The path as the system resolves it (a .. after a link climbs from
	// where the link leads) must be the file under the root checked above.
	physical, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return "", nil, fmt.Errorf("cannot write %s: %v", path, unwrapPathError(err))
	}
	if physical != filepath.Join(physicalRoot, rel) {
		return "", nil, fmt.Errorf("%s is reached through a symbolic link: %s", path, linkRefusal)
	}
	// Writable as the file it is (a read-only file stays so); opened
	// without truncating, and written to never.
	f, err := root.OpenFile(rel, os.O_WRONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
	if err != nil {
		return "", nil, fmt.Errorf("cannot write %s: %v", path, unwrapPathError(err))
	}
	opened, err := f.Stat()
	f.Close()
	if err != nil {
		return "", nil, fmt.Errorf("cannot write %s: %v", path, unwrapPathError(err))
	}
	if !os.SameFile(info, opened) {
		return "", nil, fmt.Errorf("cannot write %s: it changed while lbguard checked it", path)
	}
	return rel, info, nil
}

// createTemp creates t's temporary file in its directory, through the
// root: this is also the check that the directory takes a new file.
func (p *writePlan) createTemp(t *writeTarget) error {
	dir, base := filepath.Split(t.rel)
	var err error
	for range 100 {
		name := filepath.Join(dir, "."+base+tempMarker+tempSuffix())
		var f *os.File
		f, err = p.root.OpenFile(name, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err == nil {
			t.temp, t.tmp = f, name
			return nil
		}
		if !errors.Is(err, fs.ErrExist) {
			break
		}
	}
	return fmt.Errorf("cannot write %s: cannot create a temporary file beside it: %v", t.path, unwrapPathError(err))
}

func randomSuffix() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return hex.EncodeToString(b)
}

// fill writes each temporary file whole, with its original's permission
// bits (and owner, when lbguard runs as root), syncs and closes it. On an
// error every temporary file is removed.
func (p *writePlan) fill() error {
	for _, t := range p.targets {
		err := fillTemp(t)
		if cerr := t.temp.Close(); err == nil && cerr != nil {
			err = cerr
		}
		t.temp = nil
		if err != nil {
			p.removeTemps()
			return fmt.Errorf("cannot write %s: %v", t.path, unwrapPathError(err))
		}
	}
	return nil
}

func fillTemp(t *writeTarget) error {
	// Explicitly, after the umask has had its say at creation.
	if err := t.temp.Chmod(t.info.Mode().Perm()); err != nil {
		return err
	}
	if st, ok := t.info.Sys().(*syscall.Stat_t); ok && os.Geteuid() == 0 && (st.Uid != 0 || st.Gid != 0) {
		if err := t.temp.Chown(int(st.Uid), int(st.Gid)); err != nil {
			return err
		}
	}
	if _, err := t.temp.Write(t.data); err != nil {
		return err
	}
	return syncFile(t.temp)
}

// commit renames each temporary file over its original, in order, and
// syncs their directories. It returns the targets written; on an error,
// the temporary files left are removed.
func (p *writePlan) commit() ([]*writeTarget, error) {
	dirs := map[string]bool{}
	for i, t := range p.targets {
		if err := renameInRoot(p.root, t.tmp, t.rel); err != nil {
			p.removeTemps()
			var le *os.LinkError
			if errors.As(err, &le) {
				err = le.Err
			}
			return p.targets[:i], fmt.Errorf("cannot write %s: %v", t.path, unwrapPathError(err))
		}
		t.tmp = ""
		dirs[filepath.Dir(t.rel)] = true
	}
	// That the renames last: best effort, as some file systems do not sync
	// a directory.
	for dir := range dirs {
		if d, err := p.root.Open(dir); err == nil {
			_ = d.Sync()
			d.Close()
		}
	}
	return p.targets, nil
}

// removeTemps closes and removes the temporary files not yet renamed.
func (p *writePlan) removeTemps() {
	for _, t := range p.targets {
		if t.temp != nil {
			t.temp.Close()
			t.temp = nil
		}
		if t.tmp != "" {
			_ = p.root.Remove(t.tmp)
			t.tmp = ""
		}
	}
}
