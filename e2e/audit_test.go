package e2e

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Audit mode fails the render: kpt and kustomize judge a function by its
// exit status alone, so lbguard exits non-zero when audit finds a violation,
// and nothing is written.

// runStatus runs a command in dir and returns its output and exit status.
func runStatus(t *testing.T, dir, name string, args ...string) (stdout, stderr string, status int) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit):
		status = exit.ExitCode()
	default:
		t.Fatalf("%s %s: %v", filepath.Base(name), strings.Join(args, " "), err)
	}
	return out.String(), errOut.String(), status
}

// setMode rewrites the example config's mode.
func setMode(t *testing.T, config, from, to string) {
	t.Helper()
	data, err := os.ReadFile(config)
	if err != nil {
		t.Fatal(err)
	}
	s := strings.Replace(string(data), from, to, 1)
	if s == string(data) {
		t.Fatalf("%s no longer says %q", config, from)
	}
	if err := os.WriteFile(config, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestKustomizeAuditFailsBuild(t *testing.T) {
	dir := filepath.Join(workspace(t, "kustomize"), "examples", "kustomize")
	setMode(t, filepath.Join(dir, "lbguard.yaml"), "mode: fix", "mode: audit")
	kustomize := kustomizeCLI(t)

	out, stderr, status := runStatus(t, dir, kustomize, "build", "--enable-alpha-plugins", "--enable-exec", dir)
	if status == 0 {
		t.Fatalf("kustomize build in audit mode exited 0; want it to fail\nstdout:\n%s", out)
	}
	if out != "" {
		t.Errorf("kustomize printed a render despite the failure:\n%s", out)
	}
	// kustomize drops the results but shows the function's stderr.
	for _, want := range []string{"lbguard: 0 changed", "errors", "lbguard: error: [R1] would change: Ingress podinfo: target type set to ip"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("kustomize's stderr lacks %q:\n%s", want, stderr)
		}
	}

	// With every resource on lbguard.dev/audit: warn the build passes, and
	// lbguard changed nothing: the render equals the one without lbguard.
	kustomization := filepath.Join(dir, "kustomization.yaml")
	data, err := os.ReadFile(kustomization)
	if err != nil {
		t.Fatal(err)
	}
	withWarn := string(data) + "commonAnnotations:\n  lbguard.dev/audit: warn\n"
	if err := os.WriteFile(kustomization, []byte(withWarn), 0o644); err != nil {
		t.Fatal(err)
	}
	rendered, stderr, status := runStatus(t, dir, kustomize, "build", "--enable-alpha-plugins", "--enable-exec", dir)
	if status != 0 {
		t.Fatalf("kustomize build with lbguard.dev/audit: warn: exit status %d\n%s", status, stderr)
	}
	if !strings.Contains(stderr, "0 errors") || strings.Contains(stderr, " 0 warnings") {
		t.Errorf("lbguard's summary should count the violations as warnings:\n%s", stderr)
	}
	withoutFunction := strings.Replace(withWarn, "transformers:\n- lbguard.yaml\n", "", 1)
	if withoutFunction == withWarn {
		t.Fatal("examples/kustomize/kustomization.yaml no longer lists lbguard.yaml under transformers")
	}
	if err := os.WriteFile(kustomization, []byte(withoutFunction), 0o644); err != nil {
		t.Fatal(err)
	}
	plain := kustomizeBuild(t, dir)
	sameText(t, "audit render vs render without lbguard", string(plain), rendered)
}

// kptAuditPackage is the kpt example with its config in audit mode.
func kptAuditPackage(t *testing.T) (root, pkg string, before map[string]string) {
	t.Helper()
	root, pkg = kptPackage(t)
	setMode(t, filepath.Join(pkg, "lbguard.yaml"), "mode: fix", "mode: audit")
	before, _ = readPackage(t, pkg)
	return root, pkg, before
}

// checkKptResults reads kpt's results file: lbguard's errors with their
// rule, field and file.
func checkKptResults(t *testing.T, resultsDir string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(resultsDir, "results.yaml"))
	if err != nil {
		t.Fatalf("kpt wrote no results: %v", err)
	}
	results := string(data)
	for _, want := range []string{
		"severity: error",
		"lbguard.dev/rule: R1",
		"lbguard.dev/action: changed",
		"path: metadata.annotations[service.beta.kubernetes.io/aws-load-balancer-nlb-target-type]",
		"path: service.yaml",
	} {
		if !strings.Contains(results, want) {
			t.Errorf("kpt's results lack %q:\n%s", want, results)
		}
	}
}

func TestKptAuditFailsRender(t *testing.T) {
	kpt := kptCLI(t)
	root, pkg, before := kptAuditPackage(t)
	results := t.TempDir()
	_, stderr, status := runStatus(t, root, kpt, "fn", "render", pkg, "--allow-exec", "--results-dir", results)
	if status == 0 {
		t.Fatalf("kpt fn render in audit mode exited 0; want it to fail\n%s", stderr)
	}
	after, _ := readPackage(t, pkg)
	samePackage(t, "package after a failed audit render", before, after)
	checkKptResults(t, results)
}

func TestKptAuditFailsEval(t *testing.T) {
	kpt := kptCLI(t)
	root, pkg, before := kptAuditPackage(t)
	results := t.TempDir()
	_, stderr, status := runStatus(t, root, kpt, "fn", "eval", pkg,
		"--exec", "./bin/lbguard", "--fn-config", filepath.Join(pkg, "lbguard.yaml"), "--results-dir", results)
	if status == 0 {
		t.Fatalf("kpt fn eval in audit mode exited 0; want it to fail\n%s", stderr)
	}
	after, _ := readPackage(t, pkg)
	samePackage(t, "package after a failed audit eval", before, after)
	checkKptResults(t, results)
}
