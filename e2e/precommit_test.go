package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The hooks of .pre-commit-hooks.yaml under Debian's pre-commit: `pre-commit
// try-repo` builds lbguard from a commit of this working tree (language:
// golang, the system Go) and runs the hooks on a fixture repository that
// mixes manifests, a workflow, Helm values and a Helm template.

// hookRepo commits the working tree (tracked and new files, as git sees
// them) to a new repository, for try-repo to build from.
func hookRepo(t *testing.T) string {
	t.Helper()
	root := requireRepoRoot(t)
	list := exec.Command("git", "ls-files", "--cached", "--others", "--exclude-standard", "-z")
	list.Dir = root
	out, err := list.Output()
	if err != nil {
		t.Fatalf("git ls-files: %v", err)
	}
	dir := filepath.Join(t.TempDir(), "lbguard")
	for _, name := range strings.Split(strings.TrimRight(string(out), "\x00"), "\x00") {
		data, err := os.ReadFile(filepath.Join(root, name))
		if os.IsNotExist(err) {
			continue // deleted, not yet committed
		}
		if err != nil {
			t.Fatal(err)
		}
		info, err := os.Stat(filepath.Join(root, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, info.Mode().Perm()); err != nil {
			t.Fatal(err)
		}
	}
	gitCommitAll(t, dir)
	return dir
}

func gitCommitAll(t *testing.T, dir string) {
	t.Helper()
	if r := bashRun(t, dir, os.Getenv("PATH"), "git init -q . && git add -A && git commit -q -m commit"); r.status != 0 {
		t.Fatalf("git in %s: %s", dir, r.stderr)
	}
}

const workflowFile = `name: ci
on: [push]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - run: make test
`

// A Helm template is not YAML before it is rendered.
const helmTemplate = `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}
`

func TestPreCommitHooks(t *testing.T) {
	preCommit := pathTool(t, "pre-commit")
	hooks := hookRepo(t)
	app := t.TempDir()
	manifest, err := os.ReadFile(filepath.Join(requireRepoRoot(t), "testdata", "cli", "ci-example", "deploy", "base", "app.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for name, text := range map[string]string{
		"deploy/app.yaml":              string(manifest),
		".github/workflows/ci.yaml":    workflowFile,
		"charts/web/values.yaml":       "replicaCount: 2\n",
		"charts/web/templates/cm.yaml": helmTemplate,
	} {
		if err := os.MkdirAll(filepath.Join(app, filepath.Dir(name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(app, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	gitCommitAll(t, app)

	goEnv := func(name string) string {
		out, err := exec.Command("go", "env", name).Output()
		if err != nil {
			t.Fatal(err)
		}
		return strings.TrimSpace(string(out))
	}
	// pre-commit builds in a GOPATH of its own; the module and build caches
	// stay the machine's, so that the proxy is asked once.
	env := append(os.Environ(), "PRE_COMMIT_HOME="+t.TempDir(), "GOMODCACHE="+goEnv("GOMODCACHE"), "GOCACHE="+goEnv("GOCACHE"),
		"GIT_CONFIG_GLOBAL=/dev/null", "GIT_AUTHOR_NAME=ci", "GIT_AUTHOR_EMAIL=ci@example.com", "GIT_COMMITTER_NAME=ci", "GIT_COMMITTER_EMAIL=ci@example.com")
	tryRepo := func(hook string, files ...string) shellRun {
		t.Helper()
		args := append([]string{"try-repo", hooks, hook, "--verbose"}, files...)
		if len(files) == 0 {
			args = append(args, "--all-files")
		}
		cmd := exec.Command(preCommit, args...)
		cmd.Dir = app
		cmd.Env = env
		return runCommand(t, cmd)
	}

	r := tryRepo("lbguard-audit")
	r.want(t, "lbguard-audit on the unfixed repository", 1)
	for _, want := range []string{"lbguard audit", "Failed", "ERROR R5 preStop delay", "lbguard audit: 6 errors, 1 warning in 1 workload (3 resources, 1 file read, 2 non-resource documents skipped); exit status 1"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("lbguard-audit's output lacks %q:\n%s", want, r.stdout)
		}
	}
	// A commit of files with no Kubernetes resource passes.
	tryRepo("lbguard-audit", "--files", ".github/workflows/ci.yaml", "charts/web/values.yaml").want(t, "lbguard-audit on other YAML", 0)

	r = tryRepo("lbguard-fix")
	r.want(t, "lbguard-fix", 1)
	if !strings.Contains(r.stdout, "files were modified by this hook") || !strings.Contains(r.stdout, "lbguard fix: wrote deploy/app.yaml") {
		t.Errorf("lbguard-fix's output:\n%s", r.stdout)
	}
	fixed, err := os.ReadFile(filepath.Join(app, "deploy", "app.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(fixed), "kind: PodDisruptionBudget") || !strings.HasPrefix(string(fixed), "# podinfo, a small web service") {
		t.Errorf("deploy/app.yaml after lbguard-fix:\n%s", fixed)
	}
	if template, _ := os.ReadFile(filepath.Join(app, "charts/web/templates/cm.yaml")); string(template) != helmTemplate {
		t.Errorf("lbguard-fix touched the Helm template:\n%s", template)
	}

	r = tryRepo("lbguard-audit")
	r.want(t, "lbguard-audit after lbguard-fix", 0)
	if !strings.Contains(r.stdout, "Passed") {
		t.Errorf("lbguard-audit after the fix:\n%s", r.stdout)
	}
}
