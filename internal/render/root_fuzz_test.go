package render

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzRootReadFile reads any path, relative or absolute, with .. and
// symlinks on the way, through a root whose neighbour holds a secret: no
// path reads anything but the files inside the root.
func FuzzRootReadFile(f *testing.F) {
	for _, seed := range []string{
		"a.yaml", "sub/b.yaml", "../outside/secret", "sub/../../outside/secret", "up/secret", "sub/up/secret",
		"abs/secret", "/etc/passwd", "loop/a.yaml", "dot/./a.yaml", "sub/link-to-a", "", ".", "..", "sub/../a.yaml",
		"zero", "//a.yaml", "a.yaml/..", "sub/../../repo/a.yaml",
	} {
		f.Add(seed)
	}
	top := f.TempDir()
	repo := filepath.Join(top, "repo")
	for name, text := range map[string]string{"repo/a.yaml": "inside a\n", "repo/sub/b.yaml": "inside b\n", "outside/secret": "SECRET\n"} {
		p := filepath.Join(top, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			f.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			f.Fatal(err)
		}
	}
	for link, target := range map[string]string{
		"repo/up": "../outside", "repo/sub/up": "../../outside", "repo/abs": filepath.Join(top, "outside"),
		"repo/loop": "loop", "repo/sub/link-to-a": "../a.yaml", "repo/zero": "/dev/zero", "repo/dot": ".",
	} {
		if err := os.Symlink(target, filepath.Join(top, link)); err != nil {
			f.Fatal(err)
		}
	}
	root, err := OpenRoot(repo)
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { root.Close() })
	f.Fuzz(func(t *testing.T, p string) {
		if !filepath.IsAbs(p) {
			p = filepath.Join(repo, p)
		}
		data, err := root.ReadFile(p)
		if err != nil {
			if strings.Contains(err.Error(), "SECRET") {
				t.Errorf("%q: the error quotes the secret: %v", p, err)
			}
			return
		}
		if s := string(data); s != "inside a\n" && s != "inside b\n" {
			t.Errorf("%q read %q", p, s)
		}
	})
}
