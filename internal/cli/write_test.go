package cli

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/lbguard/lbguard/internal/render"
	"testing"
)

// Attacks on fix --in-place, as a stranger's pull request could mount them:
// each run must write every file wholly, or none of them, and nothing
// outside the repository.

// manifest is frontEnd with its resources named name instead of web, so
// that several can be fixed in one run.
func manifest(name string) string { return strings.ReplaceAll(frontEnd, "web", name) }

// fixed is what fix --in-place makes of manifest(name): the deregistration
// delay added to the Ingress's flow map.
func fixed(text string) string {
	return strings.Replace(text,
		"annotations: {alb.ingress.kubernetes.io/target-type: ip}}\n",
		"annotations: {alb.ingress.kubernetes.io/target-type: ip, alb.ingress.kubernetes.io/target-group-attributes: deregistration_delay.timeout_seconds=30}}\n", 1)
}

// attackTree makes base/repo, a git work tree (a .git directory), and
// base/outside, a directory beside it; it returns both.
func attackTree(t *testing.T) (repo, outside string) {
	t.Helper()
	base := t.TempDir()
	repo, outside = filepath.Join(base, "repo"), filepath.Join(base, "outside")
	for _, d := range []string{filepath.Join(repo, ".git"), outside} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return repo, outside
}

func symlink(t *testing.T, target, name string) {
	t.Helper()
	if err := os.Symlink(target, name); err != nil {
		t.Fatal(err)
	}
}

// wantFile fails unless the file at path holds want.
func wantFile(t *testing.T, path, want string) {
	t.Helper()
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("%s holds\n%s\nwant\n%s", path, got, want)
	}
}

// wantStderrEnd fails unless r's stderr ends with want.
func wantStderrEnd(t *testing.T, r cliRun, want string) {
	t.Helper()
	if !strings.HasSuffix(r.stderr, want) {
		t.Errorf("stderr does not end with\n%s--- stderr:\n%s", want, r.stderr)
	}
}

// noTempFiles fails if a temporary file of lbguard is left under dir, but
// for those named in allowed.
func noTempFiles(t *testing.T, dir string, allowed ...string) {
	t.Helper()
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if strings.Contains(d.Name(), tempMarker) && !contains(allowed, path) {
			t.Errorf("a temporary file is left: %s", path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// setSeam sets a seam for the test, and puts it back after.
func setSeam[T any](t *testing.T, seam *T, v T) {
	old := *seam
	*seam = v
	t.Cleanup(func() { *seam = old })
}

// writeDirect runs the writer alone on writes, with root as the
// repository root ("" for the default), from dir: its exit status and
// stderr.
func writeDirect(t *testing.T, dir, root string, writes ...pendingWrite) (int, string) {
	t.Helper()
	t.Chdir(dir)
	var stderr bytes.Buffer
	status := writeInPlace(root, writes, &stderr)
	return status, stderr.String()
}

// wantWrite fails unless the writer's exit status and stderr are these.
func wantWrite(t *testing.T, status int, stderr string, wantStatus int, wantStderr string) {
	t.Helper()
	if status != wantStatus || stderr != wantStderr {
		t.Errorf("exit status %d, stderr\n%swant %d, stderr\n%s", status, stderr, wantStatus, wantStderr)
	}
}

func write(path, data string) pendingWrite { return pendingWrite{path, []byte(data)} }

// A manifest that is a symbolic link to a file outside the repository is
// refused: the file outside stays as it is, and so does every other file of
// the run, though it could have been written.
func TestWriteRefusesASymlinkToAFileOutside(t *testing.T) {
	repo, outside := attackTree(t)
	writeFiles(t, outside, map[string]string{"app.yaml": "outside\n"})
	writeFiles(t, repo, map[string]string{"api.yaml": "api\n"})
	symlink(t, "../outside/app.yaml", filepath.Join(repo, "app.yaml"))
	status, stderr := writeDirect(t, repo, repo, write("api.yaml", "fixed\n"), write("app.yaml", "fixed\n"))
	wantWrite(t, status, stderr, exitUsage, "lbguard fix: nothing written: 1 of 2 files cannot be written safely:\n"+
		"lbguard fix: app.yaml is a symbolic link: lbguard does not write through links\n")
	wantFile(t, filepath.Join(outside, "app.yaml"), "outside\n")
	wantFile(t, filepath.Join(repo, "api.yaml"), "api\n")
	if target, err := os.Readlink(filepath.Join(repo, "app.yaml")); err != nil || target != "../outside/app.yaml" {
		t.Errorf("app.yaml is no longer the link: %q, %v", target, err)
	}
	noTempFiles(t, filepath.Dir(repo))
}

// A directory of the repository that is a link to one outside it is
// refused, as the way to a file; and so is a path whose .. climbs back
// from where such a link leads, which names a file of the repository but
// reaches one outside it.
func TestWriteRefusesADirectorySymlinkOutside(t *testing.T) {
	repo, outside := attackTree(t)
	writeFiles(t, outside, map[string]string{"sub/app.yaml": "outside sub\n", "app.yaml": "outside\n"})
	writeFiles(t, repo, map[string]string{"api.yaml": "api\n", "app.yaml": "inside\n"})
	symlink(t, "../outside/sub", filepath.Join(repo, "deploy"))
	status, stderr := writeDirect(t, repo, repo, write("api.yaml", "fixed\n"), write("deploy/app.yaml", "fixed\n"), write("deploy/../app.yaml", "fixed\n"))
	wantWrite(t, status, stderr, exitUsage, "lbguard fix: nothing written: 2 of 3 files cannot be written safely:\n"+
		"lbguard fix: deploy/app.yaml is reached through a symbolic link, deploy: lbguard does not write through links\n"+
		"lbguard fix: deploy/../app.yaml is reached through a symbolic link: lbguard does not write through links\n")
	wantFile(t, filepath.Join(outside, "sub", "app.yaml"), "outside sub\n")
	wantFile(t, filepath.Join(outside, "app.yaml"), "outside\n")
	wantFile(t, filepath.Join(repo, "app.yaml"), "inside\n")
	wantFile(t, filepath.Join(repo, "api.yaml"), "api\n")
	noTempFiles(t, filepath.Dir(repo))
}

// A file outside the root is refused like a link, by a relative or an
// absolute path; with no root given, the root is the git work tree of the
// current directory.
func TestWriteRefusesFilesOutsideTheRoot(t *testing.T) {
	repo, outside := attackTree(t)
	writeFiles(t, outside, map[string]string{"app.yaml": "outside\n"})
	writeFiles(t, repo, map[string]string{"api.yaml": "api\n", "sub/shop.yaml": "shop\n"})
	abs := filepath.Join(outside, "app.yaml")
	sub := filepath.Join(repo, "sub")
	for _, root := range []string{repo, ""} {
		status, stderr := writeDirect(t, sub, root, write("../api.yaml", "fixed\n"), write("../../outside/app.yaml", "fixed\n"), write(abs, "fixed\n"), write("shop.yaml", "fixed\n"))
		wantWrite(t, status, stderr, exitUsage, "lbguard fix: nothing written: 2 of 4 files cannot be written safely:\n"+
			"lbguard fix: ../../outside/app.yaml is outside the repository "+repo+": lbguard writes only inside it\n"+
			"lbguard fix: "+abs+" is outside the repository "+repo+": lbguard writes only inside it\n")
		wantFile(t, abs, "outside\n")
		wantFile(t, filepath.Join(repo, "api.yaml"), "api\n")
		wantFile(t, filepath.Join(sub, "shop.yaml"), "shop\n")
	}
	status, stderr := writeDirect(t, sub, "", write("../api.yaml", "fixed api\n"), write(filepath.Join(sub, "shop.yaml"), "fixed shop\n"))
	wantWrite(t, status, stderr, exitClean, "lbguard fix: wrote ../api.yaml\nlbguard fix: wrote "+filepath.Join(sub, "shop.yaml")+"\n")
	wantFile(t, filepath.Join(repo, "api.yaml"), "fixed api\n")
	wantFile(t, filepath.Join(sub, "shop.yaml"), "fixed shop\n")
	noTempFiles(t, filepath.Dir(repo))
}

// fix --in-place of a manifest linked to a file outside the repository, or
// in a linked directory, writes nothing, anywhere. (Reading refuses the
// link before writing could: the file is a unit that cannot be read, an
// error finding, so nothing is written and the run exits 1.)
func TestFixInPlaceThroughLinksOutside(t *testing.T) {
	for _, link := range []struct{ name, target, path string }{
		{"app.yaml", "../outside/app.yaml", "app.yaml"},
		{"deploy", "../outside", "deploy/app.yaml"},
	} {
		repo, outside := attackTree(t)
		writeFiles(t, outside, map[string]string{"app.yaml": manifest("web")})
		writeFiles(t, repo, map[string]string{"api.yaml": manifest("api")})
		symlink(t, link.target, filepath.Join(repo, link.name))
		r := runLBGuard(t, repo, nil, "fix", "--in-place", "api.yaml", link.path)
		r.want(t, "fix --in-place through the link "+link.name, 1)
		if !strings.Contains(r.stderr, "lbguard fix: "+link.path+" ") && !strings.Contains(r.stderr, " "+link.path+": ") {
			t.Errorf("stderr does not name %s:\n%s", link.path, r.stderr)
		}
		if strings.Contains(r.stderr, "wrote") {
			t.Errorf("fix says it wrote:\n%s", r.stderr)
		}
		wantFile(t, filepath.Join(outside, "app.yaml"), manifest("web"))
		wantFile(t, filepath.Join(repo, "api.yaml"), manifest("api"))
		noTempFiles(t, filepath.Dir(repo))
	}
}

// A link inside the repository to a file inside it is refused too: writing
// through it would replace the link with a file.
func TestFixInPlaceRefusesASymlinkInside(t *testing.T) {
	repo, _ := attackTree(t)
	writeFiles(t, repo, map[string]string{"real/app.yaml": manifest("web")})
	symlink(t, "real/app.yaml", filepath.Join(repo, "app.yaml"))
	r := runLBGuard(t, repo, nil, "fix", "--in-place", "app.yaml")
	r.want(t, "fix --in-place through a link inside", exitUsage)
	wantStderrEnd(t, r, "lbguard fix: app.yaml:1: the document is printed anew: its change cannot be written in place\n"+
		"lbguard fix: nothing written: 1 of 1 file cannot be written safely:\n"+
		"lbguard fix: app.yaml is a symbolic link: lbguard does not write through links\n")
	wantFile(t, filepath.Join(repo, "real", "app.yaml"), manifest("web"))
	noTempFiles(t, repo)
}

// A manifest with a second name (a hard link, here to a file outside the
// repository) is refused: both names keep their bytes, and stay one file.
func TestFixInPlaceRefusesAHardLink(t *testing.T) {
	repo, outside := attackTree(t)
	writeFiles(t, outside, map[string]string{"app.yaml": manifest("web")})
	writeFiles(t, repo, map[string]string{"api.yaml": manifest("api")})
	if err := os.Link(filepath.Join(outside, "app.yaml"), filepath.Join(repo, "app.yaml")); err != nil {
		t.Fatal(err)
	}
	r := runLBGuard(t, repo, nil, "fix", "--in-place", "api.yaml", "app.yaml")
	r.want(t, "fix --in-place of a hard link", exitUsage)
	wantStderrEnd(t, r, "lbguard fix: nothing written: 1 of 2 files cannot be written safely:\n"+
		"lbguard fix: app.yaml has 2 hard links: writing it would change the other names too\n")
	wantFile(t, filepath.Join(outside, "app.yaml"), manifest("web"))
	wantFile(t, filepath.Join(repo, "app.yaml"), manifest("web"))
	wantFile(t, filepath.Join(repo, "api.yaml"), manifest("api"))
	a, errA := os.Stat(filepath.Join(outside, "app.yaml"))
	b, errB := os.Stat(filepath.Join(repo, "app.yaml"))
	if errA != nil || errB != nil || !os.SameFile(a, b) {
		t.Errorf("the two names are no longer one file (%v, %v)", errA, errB)
	}
	noTempFiles(t, filepath.Dir(repo))
}

// From a subdirectory, fix --in-place writes files elsewhere in the work
// tree.
func TestFixInPlaceFromASubdirectory(t *testing.T) {
	repo, _ := attackTree(t)
	writeFiles(t, repo, map[string]string{"api.yaml": manifest("api"), "sub/shop.yaml": manifest("shop")})
	sub := filepath.Join(repo, "sub")
	r := runLBGuard(t, sub, nil, "fix", "--in-place", "../api.yaml", "shop.yaml")
	r.want(t, "fix --in-place of files in the work tree", 0)
	wantStderrEnd(t, r, "lbguard fix: wrote ../api.yaml\nlbguard fix: wrote shop.yaml\n")
	wantFile(t, filepath.Join(repo, "api.yaml"), fixed(manifest("api")))
	wantFile(t, filepath.Join(sub, "shop.yaml"), fixed(manifest("shop")))
	noTempFiles(t, filepath.Dir(repo))
}

// A directory that takes no new file (as a read-only one, for a user other
// than root) is refused before anything is written. Tests run as root,
// which ignores permission bits: a directory where the temporary file's
// name would go makes its creation fail as surely.
func TestFixInPlaceWhenNoTemporaryFileCanBeCreated(t *testing.T) {
	repo, _ := attackTree(t)
	writeFiles(t, repo, map[string]string{"app.yaml": manifest("web"), "api.yaml": manifest("api")})
	setSeam(t, &tempSuffix, func() string { return "00000000" })
	squatter := filepath.Join(repo, ".app.yaml"+tempMarker+"00000000")
	if err := os.Mkdir(squatter, 0o755); err != nil {
		t.Fatal(err)
	}
	r := runLBGuard(t, repo, nil, "fix", "--in-place", "api.yaml", "app.yaml")
	r.want(t, "fix --in-place with no room for a temporary file", exitUsage)
	wantStderrEnd(t, r, "lbguard fix: nothing written: 1 of 2 files cannot be written safely:\n"+
		"lbguard fix: cannot write app.yaml: cannot create a temporary file beside it: file exists\n")
	wantFile(t, filepath.Join(repo, "app.yaml"), manifest("web"))
	wantFile(t, filepath.Join(repo, "api.yaml"), manifest("api"))
	noTempFiles(t, repo, squatter)
}

// The same with a read-only directory, where the permission bits count.
func TestFixInPlaceInAReadOnlyDirectory(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root writes into read-only directories (TestFixInPlaceWhenNoTemporaryFileCanBeCreated stands in)")
	}
	repo, _ := attackTree(t)
	writeFiles(t, repo, map[string]string{"api.yaml": manifest("api"), "ro/app.yaml": manifest("web")})
	ro := filepath.Join(repo, "ro")
	if err := os.Chmod(ro, 0o555); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(ro, 0o755) })
	r := runLBGuard(t, repo, nil, "fix", "--in-place", "api.yaml", "ro/app.yaml")
	r.want(t, "fix --in-place in a read-only directory", exitUsage)
	wantStderrEnd(t, r, "lbguard fix: nothing written: 1 of 2 files cannot be written safely:\n"+
		"lbguard fix: cannot write ro/app.yaml: cannot create a temporary file beside it: permission denied\n")
	wantFile(t, filepath.Join(ro, "app.yaml"), manifest("web"))
	wantFile(t, filepath.Join(repo, "api.yaml"), manifest("api"))
	noTempFiles(t, repo)
}

// threeFiles writes a.yaml, b.yaml and c.yaml into a repository, each a
// manifest to fix, and returns the repository.
func threeFiles(t *testing.T) string {
	repo, _ := attackTree(t)
	writeFiles(t, repo, map[string]string{"a.yaml": manifest("a"), "b.yaml": manifest("b"), "c.yaml": manifest("c")})
	return repo
}

// A write that fails on the second of three files (its sync, as a full
// disk would) leaves all three as they were, and no temporary file.
func TestFixInPlaceFailureLeavesEveryFileAsItWas(t *testing.T) {
	repo := threeFiles(t)
	calls := 0
	setSeam(t, &syncFile, func(f *os.File) error {
		if calls++; calls == 2 {
			return &fs.PathError{Op: "sync", Path: f.Name(), Err: syscall.EIO}
		}
		return f.Sync()
	})
	r := runLBGuard(t, repo, nil, "fix", "--in-place", "a.yaml", "b.yaml", "c.yaml")
	r.want(t, "fix --in-place with a failing sync", exitUsage)
	wantStderrEnd(t, r, "lbguard fix: c.yaml:1: the document is printed anew: its change cannot be written in place\n"+
		"lbguard fix: nothing written: cannot write b.yaml: input/output error\n")
	for _, name := range []string{"a", "b", "c"} {
		wantFile(t, filepath.Join(repo, name+".yaml"), manifest(name))
	}
	noTempFiles(t, repo)
	if calls != 2 {
		t.Errorf("%d syncs, want 2: the third file is not written after the second failed", calls)
	}
}

// The renames are the one step that is not all or nothing: one that fails
// leaves the files before it fixed and those after it as they were, and
// fix names both.
func TestFixInPlaceRenameThatFails(t *testing.T) {
	repo := threeFiles(t)
	calls := 0
	setSeam(t, &renameInRoot, func(root *os.Root, from, to string) error {
		if calls++; calls == 2 {
			return &os.LinkError{Op: "renameat", Old: from, New: to, Err: syscall.EIO}
		}
		return root.Rename(from, to)
	})
	r := runLBGuard(t, repo, nil, "fix", "--in-place", "a.yaml", "b.yaml", "c.yaml")
	r.want(t, "fix --in-place with a failing rename", exitUsage)
	wantStderrEnd(t, r, "lbguard fix: wrote a.yaml\n"+
		"lbguard fix: cannot write b.yaml: input/output error; not written either: c.yaml\n")
	wantFile(t, filepath.Join(repo, "a.yaml"), fixed(manifest("a")))
	wantFile(t, filepath.Join(repo, "b.yaml"), manifest("b"))
	wantFile(t, filepath.Join(repo, "c.yaml"), manifest("c"))
	noTempFiles(t, repo)
}

// A fixed file keeps its permission bits, whatever the umask.
func TestFixInPlaceKeepsTheMode(t *testing.T) {
	repo, _ := attackTree(t)
	writeFiles(t, repo, map[string]string{"private.yaml": manifest("private"), "exec.yaml": manifest("exec")})
	modes := map[string]os.FileMode{"private.yaml": 0o640, "exec.yaml": 0o755}
	for name, mode := range modes {
		if err := os.Chmod(filepath.Join(repo, name), mode); err != nil {
			t.Fatal(err)
		}
	}
	old := syscall.Umask(0o077)
	t.Cleanup(func() { syscall.Umask(old) })
	r := runLBGuard(t, repo, nil, "fix", "--in-place", "private.yaml", "exec.yaml")
	r.want(t, "fix --in-place of files with their own modes", 0)
	for name, mode := range modes {
		path := filepath.Join(repo, name)
		wantFile(t, path, fixed(manifest(strings.TrimSuffix(name, ".yaml"))))
		if info, err := os.Stat(path); err != nil || info.Mode().Perm() != mode {
			t.Errorf("%s: mode %v (%v), want %v", name, info.Mode().Perm(), err, mode)
		}
	}
	noTempFiles(t, repo)
}

// A file with CRLF line ends is fixed with CRLF line ends.
func TestFixInPlaceCRLF(t *testing.T) {
	repo, _ := attackTree(t)
	crlf := func(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") }
	writeFiles(t, repo, map[string]string{"app.yaml": crlf(manifest("web"))})
	r := runLBGuard(t, repo, nil, "fix", "--in-place", "app.yaml")
	r.want(t, "fix --in-place of a CRLF file", 0)
	wantStderrEnd(t, r, "lbguard fix: wrote app.yaml\n")
	wantFile(t, filepath.Join(repo, "app.yaml"), crlf(fixed(manifest("web"))))
	noTempFiles(t, repo)
}

func TestDefaultRoot(t *testing.T) {
	repo, outside := attackTree(t)
	writeFiles(t, repo, map[string]string{"deploy/app.yaml": manifest("web")})
	writeFiles(t, outside, map[string]string{"app.yaml": manifest("web")})
	for _, c := range []struct{ path, want string }{
		{repo, repo},
		{filepath.Join(repo, "deploy"), repo},
		{filepath.Join(repo, "deploy", "app.yaml"), repo},
		{filepath.Join(repo, ".git"), repo},
		{outside, outside},                                    // no work tree: the directory
		{filepath.Join(outside, "app.yaml"), outside},         // no work tree: the file's directory
		{filepath.Join(repo, "deploy", "..", "deploy"), repo}, // cleaned
	} {
		got, err := render.FindRoot(c.path)
		if err != nil || got != c.want {
			t.Errorf("render.FindRoot(%s) = %q, %v; want %q", c.path, got, err, c.want)
		}
	}
	if _, err := render.FindRoot(filepath.Join(repo, "missing")); err == nil {
		t.Error("defaultRoot of a missing path is no error")
	}
	t.Chdir(filepath.Join(repo, "deploy"))
	if got, err := render.FindRoot("."); err != nil || got != repo {
		t.Errorf(`render.FindRoot(".") in deploy = %q, %v; want %q`, got, err, repo)
	}
}

// snapshot is what a tree holds: each file's bytes, each link's target,
// each directory, by path.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	tree := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			target, err := os.Readlink(path)
			tree[path] = fmt.Sprintf("link %s %v", target, err)
		case d.IsDir():
			tree[path] = "dir"
		default:
			data, err := os.ReadFile(path)
			tree[path] = fmt.Sprintf("file %v %q %v", info.Mode(), data, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return tree
}

// fuzzTree is a repository with every kind of way out: links to files and
// directories outside, absolute and relative, links inside, a hard link to
// a file outside, a dangling link; beside it, outside, the files to keep.
func fuzzTree(t *testing.T) (repo, outside string) {
	repo, outside = attackTree(t)
	writeFiles(t, repo, map[string]string{"a.yaml": "a\n", "sub/b.yaml": "b\n", "sub/deep/c.yaml": "c\n", ".git/config": "[core]\n"})
	writeFiles(t, outside, map[string]string{"secret.yaml": "secret\n", "hard.yaml": "hard\n", "sub/d.yaml": "d\n"})
	symlink(t, "../outside/secret.yaml", filepath.Join(repo, "file-link.yaml"))
	symlink(t, filepath.Join(outside, "secret.yaml"), filepath.Join(repo, "abs-link.yaml"))
	symlink(t, "../outside", filepath.Join(repo, "dir-link"))
	symlink(t, outside, filepath.Join(repo, "abs-dir-link"))
	symlink(t, "sub", filepath.Join(repo, "in-link"))
	symlink(t, "a.yaml", filepath.Join(repo, "in-file-link.yaml"))
	symlink(t, "deep/../../../outside/secret.yaml", filepath.Join(repo, "sub", "climb.yaml"))
	symlink(t, "nowhere.yaml", filepath.Join(repo, "dangling.yaml"))
	if err := os.Link(filepath.Join(outside, "hard.yaml"), filepath.Join(repo, "hard.yaml")); err != nil {
		t.Fatal(err)
	}
	return repo, outside
}

// FuzzWriteTarget gives checkTarget and the writer any path: relative to
// the repository, or absolute (ROOT and OUT stand for the repository and
// the directory beside it). A path accepted is a regular file of one name
// under the repository, reached through no link, and is the only file the
// write changes; a path refused changes nothing at all.
func FuzzWriteTarget(f *testing.F) {
	for _, seed := range []string{
		"a.yaml", "./a.yaml", "sub/b.yaml", "sub//deep/./c.yaml", "sub/deep/../b.yaml", "sub/../a.yaml",
		"../outside/secret.yaml", "../repo/a.yaml", "sub/../../outside/secret.yaml", "/etc/passwd",
		"file-link.yaml", "abs-link.yaml", "dir-link/secret.yaml", "abs-dir-link/sub/d.yaml", "dir-link/../repo/a.yaml",
		"in-link/b.yaml", "in-link/../a.yaml", "in-file-link.yaml", "sub/climb.yaml", "dangling.yaml", "hard.yaml",
		"ROOT/a.yaml", "ROOT/../outside/secret.yaml", "OUT/secret.yaml", "OUT/../repo/a.yaml", "ROOT/dir-link/secret.yaml",
		".git/config", "", ".", "..", "sub", "sub/", "a.yaml/", "a.yaml/..", "missing.yaml",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, path string) {
		repo, outside := fuzzTree(t)
		switch {
		case strings.HasPrefix(path, "ROOT"):
			path = repo + path[len("ROOT"):]
		case strings.HasPrefix(path, "OUT"):
			path = outside + path[len("OUT"):]
		case !filepath.IsAbs(path):
			path = repo + string(filepath.Separator) + path
		}
		base := filepath.Dir(repo)
		before := snapshot(t, base)

		root, err := os.OpenRoot(repo)
		if err != nil {
			t.Fatal(err)
		}
		defer root.Close()
		rel, info, checkErr := checkTarget(root, repo, path)
		var stderr bytes.Buffer
		status := writeInPlace(repo, []pendingWrite{{path, []byte("fixed\n")}}, &stderr)
		after := snapshot(t, base)

		if checkErr != nil {
			if status != exitUsage {
				t.Fatalf("%q: refused (%v) but writeInPlace returns %d:\n%s", path, checkErr, status, stderr.String())
			}
			for p, was := range before {
				if after[p] != was {
					t.Errorf("%q refused (%v), yet %s changed: %s, was %s", path, checkErr, p, after[p], was)
				}
			}
			if len(after) != len(before) {
				t.Errorf("%q refused (%v), yet files were added", path, checkErr)
			}
			return
		}
		if !filepath.IsLocal(rel) {
			t.Fatalf("%q accepted as %q, not under the root", path, rel)
		}
		physicalRoot, err := filepath.EvalSymlinks(repo)
		if err != nil {
			t.Fatal(err)
		}
		target := filepath.Join(physicalRoot, rel)
		if physical, err := filepath.EvalSymlinks(path); err != nil || physical != target {
			t.Fatalf("%q accepted as %q, but the system finds %q (%v)", path, rel, physical, err)
		}
		parts := strings.Split(rel, string(filepath.Separator))
		for i := 1; i <= len(parts); i++ {
			p := filepath.Join(append([]string{repo}, parts[:i]...)...)
			if fi, err := os.Lstat(p); err != nil || fi.Mode()&fs.ModeSymlink != 0 {
				t.Fatalf("%q accepted, through %s (%v, %v)", path, p, fi, err)
			}
		}
		if st, ok := info.Sys().(*syscall.Stat_t); !info.Mode().IsRegular() || !ok || st.Nlink != 1 {
			t.Fatalf("%q accepted: %v, %+v", path, info.Mode(), info.Sys())
		}
		if status != exitClean {
			t.Fatalf("%q accepted but not written (%d):\n%s", path, status, stderr.String())
		}
		written := filepath.Join(repo, rel)
		for p, was := range before {
			if p == written {
				if want := fmt.Sprintf("file %v %q <nil>", info.Mode(), "fixed\n"); after[p] != want {
					t.Errorf("%q: %s holds %s, want %s", path, p, after[p], want)
				}
			} else if after[p] != was {
				t.Errorf("%q written as %s, yet %s changed: %s, was %s", path, written, p, after[p], was)
			}
		}
		if len(after) != len(before) {
			t.Errorf("%q: files were added", path)
		}
	})
}
