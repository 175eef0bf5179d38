package e2e

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// The examples in kpt's function-catalog layout, examples/lbguard-*/, run as
// kpt's e2e test runner (kptdev/kpt pkg/test/runner) runs an eval case: the
// package committed to a new git repository, `kpt fn eval` with the exec
// path and function config of .expected/config.yaml, the exit code
// compared, the FunctionResultList compared with .expected/results.yaml
// where there is one, and the package's `git diff` with .expected/diff.patch.
// KPT_E2E_UPDATE_EXPECTED=true rewrites both files, as there.

// catalogCase is the part of the runner's config.yaml these examples use.
type catalogCase struct {
	TestType string `yaml:"testType"`
	ExecPath string `yaml:"execPath"`
	FnConfig string `yaml:"fnConfig"`
	ExitCode int    `yaml:"exitCode"`
}

func TestKptCatalogExamples(t *testing.T) {
	kpt := kptCLI(t)
	root := requireRepoRoot(t)
	configs, err := filepath.Glob(filepath.Join(root, "examples", "*", ".expected", "config.yaml"))
	if err != nil || len(configs) < 2 {
		t.Fatalf("examples in the catalog's layout: %v (%v)", configs, err)
	}
	for _, config := range configs {
		name := filepath.Base(filepath.Dir(filepath.Dir(config)))
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(config)
			if err != nil {
				t.Fatal(err)
			}
			var c catalogCase
			dec := yaml.NewDecoder(bytes.NewReader(data))
			dec.KnownFields(true)
			if err := dec.Decode(&c); err != nil {
				t.Fatalf("%s: %v (this test runs only testType eval with execPath, fnConfig and exitCode)", config, err)
			}
			// The exec path is relative to .expected: the repository's
			// bin/lbguard, which the workspace holds as the test's build.
			if c.TestType != "eval" || filepath.Clean(filepath.Join("examples", name, ".expected", c.ExecPath)) != filepath.Join("bin", "lbguard") {
				t.Fatalf("%s: testType %q, execPath %q: want eval of bin/lbguard", config, c.TestType, c.ExecPath)
			}
			ws := workspace(t, name)
			pkg := filepath.Join(ws, "examples", name)
			git := func(args ...string) string {
				t.Helper()
				return string(run(t, pkg, "git", append([]string{"-c", "user.name=none", "-c", "user.email=none"}, args...)...))
			}
			git("init", "-q")
			git("add", "--all")
			git("commit", "-q", "-m", "first")
			first := strings.TrimSpace(git("log", "-n", "1", "--pretty=format:%h"))

			results := t.TempDir()
			cmd := exec.Command(kpt, "fn", "eval", pkg, "--results-dir", results, "--exec", c.ExecPath, "--fn-config", filepath.Join(pkg, c.FnConfig))
			cmd.Dir = filepath.Join(pkg, ".expected")
			eval := runCommand(t, cmd)
			status := eval.status
			git("add", "--all")
			git("commit", "-q", "--allow-empty", "-m", "second")
			diff := strings.TrimSpace(git("diff", first, "HEAD"))
			gotResults := ""
			if status != 0 {
				entries, err := os.ReadDir(results)
				if err != nil || len(entries) != 1 {
					t.Fatalf("results dir: %v (%v)", entries, err)
				}
				out, err := os.ReadFile(filepath.Join(results, entries[0].Name()))
				if err != nil {
					t.Fatal(err)
				}
				gotResults = strings.TrimSpace(string(out))
			}

			expected := filepath.Join(root, "examples", name, ".expected")
			if strings.ToLower(os.Getenv("KPT_E2E_UPDATE_EXPECTED")) == "true" {
				writeExpected(t, filepath.Join(expected, "diff.patch"), diff)
				writeExpected(t, filepath.Join(expected, "results.yaml"), gotResults)
				return
			}
			if status != c.ExitCode {
				t.Fatalf("kpt fn eval: exit status %d, want %d\n%s", status, c.ExitCode, eval.stderr)
			}
			compareExpected(t, filepath.Join(expected, "diff.patch"), diff)
			compareExpected(t, filepath.Join(expected, "results.yaml"), gotResults)
		})
	}
}

// compareExpected compares got with the file at path, trimmed as the runner
// trims; a missing file expects nothing.
func compareExpected(t *testing.T, path, got string) {
	t.Helper()
	want, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	if strings.TrimSpace(string(want)) != got {
		t.Errorf("%s differs:\n got:\n%s\nwant:\n%s", path, got, want)
	}
}

func writeExpected(t *testing.T, path, got string) {
	t.Helper()
	if got == "" {
		os.Remove(path)
		return
	}
	if err := os.WriteFile(path, []byte(got+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
}
