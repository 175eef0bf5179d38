package e2e

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// The GitHub Action of action.yml: actionlint passes the workflow of
// docs/integrations.md that uses it; its shell steps run as the runner runs
// them, on the example repository of docs/ci.md, before and after the fix;
// the SARIF it writes passes the SARIF multitool's GitHub rules.

type actionStep struct {
	ID   string            `yaml:"id"`
	If   string            `yaml:"if"`
	Uses string            `yaml:"uses"`
	Run  string            `yaml:"run"`
	Env  map[string]string `yaml:"env"`
}

type actionMetadata struct {
	Inputs map[string]struct {
		Default string `yaml:"default"`
	} `yaml:"inputs"`
	Runs struct {
		Using string       `yaml:"using"`
		Steps []actionStep `yaml:"steps"`
	} `yaml:"runs"`
}

func readAction(t *testing.T) actionMetadata {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(requireRepoRoot(t), "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var a actionMetadata
	if err := yaml.Unmarshal(data, &a); err != nil {
		t.Fatal(err)
	}
	if a.Runs.Using != "composite" {
		t.Fatalf("action.yml runs %q, want a composite action", a.Runs.Using)
	}
	return a
}

func (a actionMetadata) step(t *testing.T, id string) actionStep {
	t.Helper()
	for _, s := range a.Runs.Steps {
		if s.ID == id {
			return s
		}
	}
	t.Fatalf("action.yml has no step %q", id)
	return actionStep{}
}

func TestActionLint(t *testing.T) {
	actionlint := binTool(t, "actionlint")
	workflow := docBlocks(t, "../docs/integrations.md", "action-workflow")["action-workflow"]
	const uses = "uses: lbguard/lbguard@v0.1.0"
	if !strings.Contains(workflow, uses) {
		t.Fatalf("the workflow of docs/integrations.md does not say %q:\n%s", uses, workflow)
	}
	lint := func(workflow string) (string, int) {
		dir := t.TempDir()
		root := requireRepoRoot(t)
		data, err := os.ReadFile(filepath.Join(root, "action.yml"))
		if err != nil {
			t.Fatal(err)
		}
		// actionlint checks a local action's inputs: the action sits at
		// the root of the repository the workflow runs in.
		files := map[string]string{"action.yml": string(data), ".github/workflows/lbguard.yaml": strings.Replace(workflow, uses, "uses: ./", 1)}
		for name, text := range files {
			if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(name)), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.Mkdir(filepath.Join(dir, ".git"), 0o755); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(actionlint, "-no-color", "-shellcheck=", "-pyflakes=")
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		status := 0
		if ee, ok := err.(*exec.ExitError); ok {
			status = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return string(out), status
	}
	if out, status := lint(workflow); status != 0 || out != "" {
		t.Errorf("actionlint: exit status %d\n%s", status, out)
	}
	// It does read the action: an input it does not declare is an error.
	out, status := lint(strings.Replace(workflow, "paths:", "path:", 1))
	if status != 1 || !strings.Contains(out, `input "path" is not defined in action "lbguard" defined at "./"`) {
		t.Errorf("actionlint on an unknown input: exit status %d\n%s", status, out)
	}
}

// expression is a ${{ ... }} of an env value.
var expression = regexp.MustCompile(`\$\{\{\s*([^}]*?)\s*\}\}`)

// runnerStep runs one shell step of the action as the runner does: bash with
// -e and pipefail, inputs through env, GITHUB_* files for outputs and PATH.
type runner struct {
	dir, temp, output, path string
	inputs                  map[string]string
}

func newRunner(t *testing.T, a actionMetadata, dir string, inputs map[string]string) *runner {
	t.Helper()
	temp := t.TempDir()
	r := &runner{dir: dir, temp: temp, output: filepath.Join(temp, "output"), path: filepath.Join(temp, "path"), inputs: map[string]string{}}
	for name, in := range a.Inputs {
		r.inputs[name] = in.Default
	}
	for name, v := range inputs {
		if _, ok := r.inputs[name]; !ok {
			t.Fatalf("action.yml has no input %q", name)
		}
		r.inputs[name] = v
	}
	return r
}

func (r *runner) run(t *testing.T, s actionStep) shellRun {
	t.Helper()
	env := append(os.Environ(), "GITHUB_ACTION_PATH="+requireRepoRoot(t), "RUNNER_TEMP="+r.temp,
		"GITHUB_OUTPUT="+r.output, "GITHUB_PATH="+r.path, "CGO_ENABLED=0")
	for name, value := range s.Env {
		value = expression.ReplaceAllStringFunc(value, func(m string) string {
			expr := expression.FindStringSubmatch(m)[1]
			switch {
			case strings.HasPrefix(expr, "inputs."):
				return r.inputs[strings.TrimPrefix(expr, "inputs.")]
			case expr == "github.action_ref":
				return "v0.1.0"
			}
			t.Fatalf("step %s: the test knows no %q", s.ID, expr)
			return ""
		})
		env = append(env, name+"="+value)
	}
	cmd := exec.Command("bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", s.Run)
	cmd.Dir = r.dir
	cmd.Env = env
	return runCommand(t, cmd)
}

// outputs reads the step outputs written so far, and empties the file.
func (r *runner) outputs(t *testing.T) map[string]string {
	t.Helper()
	data, _ := os.ReadFile(r.output)
	out := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			out[k] = v
		}
	}
	os.Remove(r.output)
	return out
}

func TestActionSteps(t *testing.T) {
	a := readAction(t)
	for _, s := range a.Runs.Steps {
		if s.Uses != "" && s.Uses != "actions/setup-go@v6" && s.Uses != "github/codeql-action/upload-sarif@v4" {
			t.Errorf("action.yml uses %s: only setup-go and upload-sarif are expected", s.Uses)
		}
	}
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(filepath.Join(requireRepoRoot(t), "testdata", "cli", "ci-example"))); err != nil {
		t.Fatal(err)
	}
	r := newRunner(t, a, dir, map[string]string{"paths": "deploy/base\n deploy/overlays", "sarif-file": "out/lbguard.sarif"})
	if err := os.Mkdir(filepath.Join(dir, "out"), 0o755); err != nil {
		t.Fatal(err)
	}

	r.run(t, a.step(t, "build")).want(t, "build", 0)
	bin := filepath.Join(r.temp, "lbguard-bin")
	if path, _ := os.ReadFile(r.path); string(path) != bin+"\n" {
		t.Errorf("GITHUB_PATH = %q, want %q", path, bin+"\n")
	}
	if out, err := exec.Command(filepath.Join(bin, "lbguard"), "version").Output(); err != nil || string(out) != "lbguard v0.1.0\n" {
		t.Errorf("the built lbguard says %q (%v), want the action's ref", out, err)
	}

	audit := r.run(t, a.step(t, "audit"))
	audit.want(t, "audit", 0)
	if !strings.Contains(audit.stdout, "ERROR R5 preStop delay") {
		t.Errorf("the audit's log lacks the findings:\n%s", audit.stdout)
	}
	if got := r.outputs(t); got["exit-code"] != "1" || got["sarif-file"] != "out/lbguard.sarif" {
		t.Errorf("audit outputs %v, want exit-code 1 and sarif-file out/lbguard.sarif", got)
	}
	sarif := filepath.Join(dir, "out", "lbguard.sarif")
	checkSARIFForGitHub(t, sarif)
	verdict := a.step(t, "verdict")
	if verdict.If != "${{ inputs.fail-on-findings == 'true' && steps.audit.outputs.exit-code == '1' }}" {
		t.Errorf("the verdict step runs if %q", verdict.If)
	}
	r.run(t, verdict).want(t, "verdict", 1)

	// Fixed, the audit is clean.
	if r := bashRun(t, dir, filepath.Dir(lbguard(t))+":"+os.Getenv("PATH"), "lbguard fix --in-place deploy/base/app.yaml deploy/base/namespace.yaml"); r.status != 0 {
		t.Fatalf("lbguard fix: %s", r.stderr)
	}
	r.run(t, a.step(t, "audit")).want(t, "audit after the fix", 0)
	if got := r.outputs(t); got["exit-code"] != "0" {
		t.Errorf("audit outputs %v after the fix, want exit-code 0", got)
	}

	// Input it cannot read fails the step itself, with no SARIF to upload.
	r.inputs["paths"] = "no/such/dir"
	bad := r.run(t, a.step(t, "audit"))
	bad.want(t, "audit of a missing path", 2)
	if got := r.outputs(t); got["exit-code"] != "2" || got["sarif-file"] != "" {
		t.Errorf("audit outputs %v for a missing path, want exit-code 2 and no sarif-file", got)
	}
	if !strings.Contains(bad.stdout, "::error title=lbguard::lbguard audit could not read its input (exit status 2)") {
		t.Errorf("no error annotation:\n%s", bad.stdout)
	}
}

// checkSARIFForGitHub runs the SARIF multitool's GitHub (GHAS) rules on a
// SARIF file. The tool exits 0 whatever it finds: its own SARIF log says.
func checkSARIFForGitHub(t *testing.T, path string) {
	t.Helper()
	tool := binTool(t, "sarif-multitool/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool")
	out := filepath.Join(t.TempDir(), "validation.sarif")
	cmd := exec.Command(tool, "validate", "--rule-kind", "Ghas", "--output", out, path)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("Sarif.Multitool validate: %v\n%s", err, msg)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var log struct {
		Runs []struct {
			Results []struct {
				RuleID  string `json:"ruleId"`
				Level   string `json:"level"`
				Message struct {
					ID        string   `json:"id"`
					Arguments []string `json:"arguments"`
				} `json:"message"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(data, &log); err != nil || len(log.Runs) != 1 {
		t.Fatalf("the multitool's log: %v\n%s", err, data)
	}
	for _, res := range log.Runs[0].Results {
		t.Errorf("GitHub rule %s (%s): %s %v", res.RuleID, res.Level, res.Message.ID, res.Message.Arguments)
	}
}
