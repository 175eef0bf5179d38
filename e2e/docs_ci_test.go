package e2e

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/lbguard/lbguard/internal/report"
	"github.com/lbguard/lbguard/internal/testkit"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// The CI examples of README.md and docs/ci.md work as written: their shell
// examples and the lbguard steps of the GitHub Actions job run, with bash,
// on the example repository testdata/cli/ci-example, before and after the
// documented fix.

// docBlocks returns the fenced blocks of a document that follow a
// "<!-- tested: NAME" comment, by NAME.
func docBlocks(t *testing.T, path string, names ...string) map[string]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile("(?s)<!-- tested: ([a-z-]+)[^>]*-->\n```[a-z]*\n(.*?)```")
	blocks := map[string]string{}
	for _, m := range re.FindAllStringSubmatch(string(data), -1) {
		blocks[m[1]] = m[2]
	}
	for _, name := range names {
		if blocks[name] == "" {
			t.Fatalf("%s has no block marked <!-- tested: %s -->", path, name)
		}
	}
	return blocks
}

// toolsPath is a PATH with lbguard and kustomize first.
func toolsPath(t *testing.T) string {
	t.Helper()
	return filepath.Dir(lbguard(t)) + string(os.PathListSeparator) + filepath.Dir(kustomizeCLI(t)) + string(os.PathListSeparator) + os.Getenv("PATH")
}

// shellRun is what a shell script printed, and its exit status.
type shellRun struct {
	stdout, stderr string
	status         int
}

func (r shellRun) want(t *testing.T, what string, status int) {
	t.Helper()
	if r.status != status {
		t.Fatalf("%s: exit status %d, want %d\nstdout:\n%s\nstderr:\n%s", what, r.status, status, r.stdout, r.stderr)
	}
}

// bashRun runs script as GitHub Actions runs a step's `run` (bash -e).
func bashRun(t *testing.T, dir, path, script string) shellRun {
	t.Helper()
	cmd := exec.Command("bash", "--noprofile", "--norc", "-e", "-c", script)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PATH="+path, "GIT_CONFIG_GLOBAL=/dev/null",
		"GIT_AUTHOR_NAME=ci", "GIT_AUTHOR_EMAIL=ci@example.com", "GIT_COMMITTER_NAME=ci", "GIT_COMMITTER_EMAIL=ci@example.com")
	return runCommand(t, cmd)
}

// workflowSteps returns the run scripts of the job's steps that call
// lbguard, by step name (installing it is this test's business).
func workflowSteps(t *testing.T, workflow string) map[string]string {
	t.Helper()
	root, err := yaml.Parse(workflow)
	if err != nil {
		t.Fatalf("the workflow is not YAML: %v", err)
	}
	steps, err := root.Pipe(yaml.Lookup("jobs", "lbguard", "steps"))
	if err != nil || steps == nil {
		t.Fatalf("the workflow has no jobs.lbguard.steps: %v", err)
	}
	out := map[string]string{}
	items, _ := steps.Elements()
	for _, step := range items {
		run, named := step.Field("run"), step.Field("name")
		if run == nil || named == nil {
			continue
		}
		name := yaml.GetValue(named.Value)
		if name == "Install lbguard" {
			continue
		}
		out[name] = yaml.GetValue(run.Value)
	}
	for _, name := range []string{"Audit the manifests", "Findings for code scanning"} {
		if !strings.Contains(out[name], "lbguard audit") {
			t.Fatalf("the workflow's step %q does not run lbguard audit: %q", name, out[name])
		}
	}
	return out
}

func TestDocsCIExamples(t *testing.T) {
	blocks := docBlocks(t, "../docs/ci.md", "workflow", "ci-shell", "fix-shell")
	readme := docBlocks(t, "../README.md", "ci-shell")
	steps := workflowSteps(t, blocks["workflow"])
	path := toolsPath(t)
	schema := testkit.SARIFSchema(t)
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS("../testdata/cli/ci-example")); err != nil {
		t.Fatal(err)
	}
	if r := bashRun(t, dir, path, "git init -q . && git add . && git commit -q -m example"); r.status != 0 {
		t.Fatalf("git: %s", r.stderr)
	}

	check := func(when string, wantStatus int) {
		for doc, script := range map[string]string{"docs/ci.md": blocks["ci-shell"], "README.md": readme["ci-shell"]} {
			r := bashRun(t, dir, path, script)
			r.want(t, doc+"'s shell example "+when, wantStatus)
			if wantStatus == 1 && !strings.Contains(r.stdout, "ERROR R5 preStop delay") {
				t.Errorf("%s's shell example %s does not show the findings:\n%s", doc, when, r.stdout)
			}
		}
		r := bashRun(t, dir, path, steps["Audit the manifests"])
		r.want(t, "the workflow's audit step "+when, wantStatus)
		r = bashRun(t, dir, path, steps["Findings for code scanning"])
		r.want(t, "the workflow's SARIF step "+when, 0)
		sarif, err := os.ReadFile(filepath.Join(dir, "lbguard.sarif"))
		if err != nil {
			t.Fatal(err)
		}
		testkit.ValidateSARIF(t, schema, "the workflow's SARIF "+when, string(sarif))
		var log report.SARIFLog
		if err := json.Unmarshal(sarif, &log); err != nil {
			t.Fatal(err)
		}
		errs := 0
		for _, res := range log.Runs[0].Results {
			if res.Level == "error" {
				errs++
			}
		}
		if (errs > 0) != (wantStatus == 1) {
			t.Errorf("the workflow's SARIF %s has %d errors", when, errs)
		}
		os.Remove(filepath.Join(dir, "lbguard.sarif"))
	}
	check("before the fix", 1)

	r := bashRun(t, dir, path, blocks["fix-shell"])
	r.want(t, "the fix example", 0)
	for _, want := range []string{"+        lifecycle:", "+    alb.ingress.kubernetes.io/target-type: ip", "+kind: PodDisruptionBudget"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("the fix example's git diff lacks %q:\n%s", want, r.stdout)
		}
	}
	check("after the fix", 0)
}
