package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

const configMapConfig = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: lbguard\ndata:\n  deregistrationDelaySeconds: \"60\"\n"

// A --config file that is not one readable config is bad usage: nothing is
// read, every bad value is named.
func TestConfigThatCannotBeUsed(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"app.yaml":   frontEnd,
		"two.yaml":   configMapConfig + "---\n" + configMapConfig,
		"empty.yaml": "",
		"bad.yaml":   "kind: [\n",
		"values.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: lbguard\ndata:\n" +
			"  deregistrationDelaySeconds: \"soon\"\n  maxUnavailable: \"0\"\n",
	})
	for config, stderr := range map[string]string{
		"two.yaml":   "lbguard: the config two.yaml is not one LBGuard or ConfigMap: it holds 2 objects, not one\n",
		"empty.yaml": "lbguard: the config empty.yaml is not one LBGuard or ConfigMap: it holds 0 objects, not one\n",
		"bad.yaml":   "lbguard: the config bad.yaml is not one LBGuard or ConfigMap: failed to parse input bytes: yaml: line 1: did not find expected node content\n",
		"values.yaml": "lbguard: config values.yaml: data.deregistrationDelaySeconds: must be a whole number of seconds from 0 to 3600, not \"soon\"\n" +
			"lbguard: config values.yaml: data.maxUnavailable: must be a whole number of pods from 1, or a percentage from 1% to 100%, not \"0\" (0 would block every drain)\n",
	} {
		r := runLBGuard(t, dir, nil, "audit", "--config", config, "app.yaml")
		r.want(t, "audit --config "+config, exitUsage)
		if r.stdout != "" || r.stderr != stderr {
			t.Errorf("audit --config %s:\nstdout %q\nstderr %q\nwant stderr %q", config, r.stdout, r.stderr, stderr)
		}
	}
}

// A ConfigMap config in the directory audited is the config, not one of
// the resources: the delay it sets is the one proposed, and the preStop
// delay is held against it (60 s + 15 s for an ALB).
func TestConfigInTheDirectoryIsNoResource(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"app.yaml": frontEnd, "lbguard.yaml": configMapConfig})
	rep, r := auditJSON(t, dir, nil, "--config", "lbguard.yaml", ".")
	r.want(t, "audit --config lbguard.yaml .", 1)
	if rep.Summary.Resources != 3 || rep.Summary.Files != 1 {
		t.Errorf("read %d resources in %d files, want the 3 of app.yaml", rep.Summary.Resources, rep.Summary.Files)
	}
	var errs []string
	for _, f := range rep.Findings {
		if f.Severity == "error" {
			errs = append(errs, f.Rule+" "+f.File+" "+fmt.Sprint(f.Field.Proposed))
		}
	}
	want := "R2 app.yaml deregistration_delay.timeout_seconds=60, R5 app.yaml 75"
	if got := strings.Join(errs, ", "); got != want {
		t.Errorf("errors: %s\nwant:   %s", got, want)
	}
}

// The config may be the repository's own: a symlink out of the repository
// or a FIFO is refused at once, and nothing it holds is printed.
func TestConfigStaysInTheRepository(t *testing.T) {
	top := t.TempDir()
	repo := filepath.Join(top, "repo")
	writeFiles(t, top, map[string]string{
		"secret/env":         "apiVersion: v1\nkind: LBGuard\nspec:\n  token: ghp_0123456789abcdefABCDEF0123456789ab\n",
		"repo/.git/HEAD":     "ref: refs/heads/main\n",
		"repo/app/ns.yaml":   "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n",
		"repo/.lbguard.yaml": "apiVersion: lbguard.dev/v1alpha1\nkind: Repository\nconfig: lbguard.yaml\n",
	})
	if err := os.Symlink(filepath.Join(top, "secret", "env"), filepath.Join(repo, "lbguard.yaml")); err != nil {
		t.Fatal(err)
	}
	r := runLBGuard(t, repo, nil, "audit", "app")
	r.want(t, "audit with a config linked out of the repository", exitUsage)
	if want := "lbguard: cannot read the config " + filepath.Join(repo, "lbguard.yaml") + ": outside the repository root: lbguard reads nothing outside it\n"; r.stderr != want || strings.Contains(r.stderr, "ghp_") {
		t.Errorf("stderr %q, want %q", r.stderr, want)
	}
	os.Remove(filepath.Join(repo, "lbguard.yaml"))
	if err := syscall.Mkfifo(filepath.Join(repo, "lbguard.yaml"), 0o644); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	r = runLBGuard(t, repo, nil, "audit", "app")
	r.want(t, "audit with a config that is a FIFO", exitUsage)
	if !strings.Contains(r.stderr, "not a regular file (a FIFO)") {
		t.Errorf("stderr %q", r.stderr)
	}
}
