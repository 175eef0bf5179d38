package report

import (
	"os"
	"path/filepath"
	"testing"
)

// SARIF names a file relative to the repository root, whatever directory
// lbguard ran in; with no root known, or a file outside it, the path as
// read (relative: still under %SRCROOT%; absolute: a file: URI).
func TestArtifactLocation(t *testing.T) {
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "deploy", "base"), 0o755); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(t.TempDir(), "checkout")
	if err := os.Symlink(root, link); err != nil {
		t.Fatal(err)
	}
	app := filepath.Join(root, "deploy", "base", "app.yaml")
	if err := os.WriteFile(app, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(filepath.Join(root, "deploy"))
	elsewhere := filepath.Join(t.TempDir(), "other file.yaml")
	for _, c := range []struct {
		what, path, root string
		want             SARIFArtifactLocation
		ok               bool
	}{
		{"relative to the working directory, below the root", "base/app.yaml", root,
			SARIFArtifactLocation{URI: "deploy/base/app.yaml", URIBaseID: "%SRCROOT%"}, true},
		{"./ and .. cleaned", "./base/../base/app.yaml", root,
			SARIFArtifactLocation{URI: "deploy/base/app.yaml", URIBaseID: "%SRCROOT%"}, true},
		{"absolute, under the root", app, root,
			SARIFArtifactLocation{URI: "deploy/base/app.yaml", URIBaseID: "%SRCROOT%"}, true},
		{"the root named through a symlink", app, link,
			SARIFArtifactLocation{URI: "deploy/base/app.yaml", URIBaseID: "%SRCROOT%"}, true},
		{"no root: as read", "base/app.yaml", "",
			SARIFArtifactLocation{URI: "base/app.yaml", URIBaseID: "%SRCROOT%"}, true},
		{"absolute, outside the root: a file: URI", elsewhere, root,
			SARIFArtifactLocation{URI: "file://" + filepath.ToSlash(filepath.Dir(elsewhere)) + "/other%20file.yaml"}, true},
		{"standard input", StdinPath, root, SARIFArtifactLocation{}, false},
		{"no file", "", root, SARIFArtifactLocation{}, false},
	} {
		got, ok := artifactLocation(c.path, c.root)
		if got != c.want || ok != c.ok {
			t.Errorf("%s: %+v %v, want %+v %v", c.what, got, ok, c.want, c.ok)
		}
	}
}
