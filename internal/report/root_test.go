package report_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lbguard/lbguard/internal/cli"
	"github.com/lbguard/lbguard/internal/report"
)

// repoWithShop is a git work tree (a .git entry is what lbguard looks for)
// holding testdata/shop.yaml as deploy/app.yaml.
func repoWithShop(t *testing.T, git bool) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "shop.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "deploy"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "deploy", "app.yaml"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	if git {
		if err := os.Mkdir(filepath.Join(root, ".git"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// runIn runs `lbguard audit ARGS...` in dir.
func runIn(t *testing.T, dir string, args ...string) run {
	t.Helper()
	t.Chdir(dir)
	var stdout, stderr bytes.Buffer
	status := cli.Run("audit", args, version, strings.NewReader(""), &stdout, &stderr)
	return run{stdout.String(), stderr.String(), status}
}

// sarifFiles lists the artifact of each SARIF result, as "uriBaseId uri".
func sarifFiles(t *testing.T, out string) []string {
	t.Helper()
	var log report.SARIFLog
	if err := json.Unmarshal([]byte(out), &log); err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, res := range log.Runs[0].Results {
		a := res.Locations[0].PhysicalLocation.ArtifactLocation
		files = append(files, a.URIBaseID+" "+a.URI)
	}
	return files
}

// Run from a subdirectory of the repository (cd deploy && lbguard audit .),
// SARIF still names each file relative to the repository root, which code
// scanning resolves %SRCROOT% against; the text and JSON reports keep the
// path as it was typed, relative to the working directory.
func TestSARIFPathsAreRelativeToTheRepositoryRoot(t *testing.T) {
	for _, c := range []struct {
		name string
		git  bool
		args []string
	}{
		{"the git work tree", true, nil},
		{"--root", false, []string{"--root", ".."}},
	} {
		t.Run(c.name, func(t *testing.T) {
			deploy := filepath.Join(repoWithShop(t, c.git), "deploy")
			r := runIn(t, deploy, append(append([]string{"--format", "sarif"}, c.args...), ".")...)
			r.want(t, 1, auditSummary)
			files := sarifFiles(t, r.stdout)
			if len(files) != 7 {
				t.Fatalf("%d results, want the 5 errors and 2 warnings", len(files))
			}
			for _, f := range files {
				if f != "%SRCROOT% deploy/app.yaml" {
					t.Errorf("artifact %q, want %q", f, "%SRCROOT% deploy/app.yaml")
				}
			}

			r = runIn(t, deploy, append(append([]string{"--format", "json"}, c.args...), ".")...)
			r.want(t, 1, auditSummary)
			var doc report.JSONReport
			if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
				t.Fatal(err)
			}
			for _, f := range doc.Findings {
				if f.File != "app.yaml" {
					t.Errorf("JSON file %q, want app.yaml, as typed", f.File)
				}
			}

			r = runIn(t, deploy, append(c.args, ".")...)
			r.want(t, 1, "")
			if want := "Deployment shop/web  (app.yaml:4)\n"; !strings.HasPrefix(r.stdout, want) {
				t.Errorf("text starts:\n%s\nwant:\n%s", r.stdout[:min(len(r.stdout), 200)], want)
			}
		})
	}
}
