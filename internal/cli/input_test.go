package cli

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/lbguard/lbguard/internal/krmio"
)

// notResources are documents lbguard reads but does not check: kustomize's
// and kpt's configuration, its own, local configuration, and documents that
// are no resource at all.
const notResources = `# not resources
apiVersion: kustomize.config.k8s.io/v1alpha1
kind: Component
resources: [app.yaml]
---
apiVersion: kpt.dev/v1
kind: Kptfile
metadata:
  name: shop
---
apiVersion: lbguard.dev/v1alpha1
kind: LBGuard
metadata:
  name: lbguard
spec:
  deregistrationDelaySeconds: 9999
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: values
  annotations:
    config.kubernetes.io/local-config: "true"
---
- a list
---
name: no apiVersion or kind
---
~
---
`

// Documents that are no resource are skipped: not counted, not checked
// (the LBGuard's bad delay is no error here), and fix --in-place leaves
// their file as it is.
func TestDocumentsThatAreNoResources(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"app.yaml": frontEnd, "other.yaml": notResources})
	rep, r := auditJSON(t, dir, nil, "app.yaml", "other.yaml")
	r.want(t, "audit of resources and configuration", 1)
	if rep.Summary.Resources != 3 || rep.Summary.Files != 1 {
		t.Errorf("read %d resources in %d files, want the 3 of app.yaml", rep.Summary.Resources, rep.Summary.Files)
	}
	for _, f := range rep.Findings {
		if f.File != "app.yaml" {
			t.Errorf("a finding in %s: %+v", f.File, f)
		}
	}
	runLBGuard(t, dir, nil, "fix", "--in-place", ".").want(t, "fix --in-place .", 0)
	if got, _ := os.ReadFile(filepath.Join(dir, "other.yaml")); string(got) != notResources {
		t.Errorf("fix --in-place rewrote other.yaml:\n%s", got)
	}
}

// What a directory holds: its .yaml and .yml files at any depth, in
// lexical order; not its hidden directories, other files, nor what is not
// a regular file (a named pipe would block). Kustomizations are built:
// TestRepository.
func TestDirectoryContents(t *testing.T) {
	dir := t.TempDir()
	configMap := func(name string) string {
		return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "\n"
	}
	writeFiles(t, dir, map[string]string{
		"shop/b.yml":                    configMap("b"),
		"shop/deep/er/a.yaml":           configMap("a"),
		"shop/.cache/c.yaml":            configMap("hidden"),
		"shop/notes.txt":                configMap("notes"),
		"shop/deep/er/values.yaml.orig": configMap("orig"),
	})
	if err := syscall.Mkfifo(filepath.Join(dir, "shop", "pipe.yaml"), 0o644); err != nil {
		t.Fatal(err)
	}
	// fix prints every document read, in the order read.
	r := runLBGuard(t, dir, nil, "fix", "shop", "shop/b.yml")
	r.want(t, "fix of a directory", 0)
	if want := configMap("b") + "---\n" + configMap("a"); r.stdout != want {
		t.Errorf("read:\n%s\nwant:\n%s", r.stdout, want)
	}
	if want := "lbguard fix: 0 changes, 0 errors, 0 warnings in 0 workloads (2 resources, 2 files read); exit status 0\n"; r.stderr != want {
		t.Errorf("stderr %q, want %q", r.stderr, want)
	}

}

// Input lbguard cannot read is bad usage (exit status 2), each with its
// reason, and nothing is checked.
func TestInputThatCannotBeRead(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"sep.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n--- b\napiVersion: v1\nkind: Service\nmetadata:\n  name: b\n",
	})
	if err := os.MkdirAll(filepath.Join(dir, "links"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("gone.yaml", filepath.Join(dir, "links", "x.yaml")); err != nil {
		t.Fatal(err)
	}
	big, err := os.Create(filepath.Join(dir, "big.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := big.Truncate(krmio.MaxInputBytes - 10); err != nil { // sparse: nothing written
		t.Fatal(err)
	}
	big.Close()
	for _, c := range []struct {
		args   []string
		stdin  string
		stderr string // its start
	}{
		{[]string{"sep.yaml"}, "", `lbguard audit: sep.yaml:5: invalid document separator "--- b"`},
		{[]string{"links"}, "", "lbguard audit: cannot read links/x.yaml: no such file or directory"},
		{[]string{"-", "-"}, "kind: Service\n", "lbguard audit: standard input (-) is named twice"},
		{[]string{"-", "big.yaml"}, strings.Repeat("#", 20) + "\n", "lbguard audit: the input is larger than 64 MiB in all, the most lbguard reads (README: Limits and bad input): audit fewer files at a time"},
	} {
		r := runLBGuard(t, dir, []byte(c.stdin), append([]string{"audit"}, c.args...)...)
		what := "audit " + strings.Join(c.args, " ")
		r.want(t, what, exitUsage)
		if !strings.HasPrefix(r.stderr, c.stderr) || strings.Count(r.stderr, "\n") != 1 || r.stdout != "" {
			t.Errorf("%s:\nstdout %q\nstderr %q\nwant the one line %q", what, r.stdout, r.stderr, c.stderr)
		}
	}
}

// Metadata or annotations that are not maps are a field lbguard cannot
// read, as for the function: an error finding on its line (exit status 1),
// and in fix nothing written.
func TestAnnotationsThatAreNotAMap(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"annotations.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n  annotations: none\n",
		"metadata.yaml":    "apiVersion: v1\nkind: Service\nmetadata: [b]\n",
	})
	for file, want := range map[string]string{
		"annotations.yaml": "  ERROR invalid unreadable field · Service a\n      field: metadata.annotations  (annotations.yaml:5)\n      error: Service a: metadata.annotations must be a map of strings\n",
		"metadata.yaml":    "  ERROR invalid unreadable field · Service \n      field: metadata  (metadata.yaml:3)\n      error: items[0]: metadata must be a map: lbguard cannot tell what resource it is, and leaves it as it is\n",
	} {
		r := runLBGuard(t, dir, nil, "audit", file)
		r.want(t, "audit "+file, 1)
		if !strings.Contains(r.stdout, want) || r.stderr != "" {
			t.Errorf("audit %s:\nstdout %s\nstderr %q\nwant it to show\n%s", file, r.stdout, r.stderr, want)
		}
		fixed := runLBGuard(t, dir, nil, "fix", "--in-place", file)
		fixed.want(t, "fix --in-place "+file, 1)
		if !strings.Contains(fixed.stderr, "lbguard fix: nothing written") {
			t.Errorf("fix --in-place %s wrote despite the error:\n%s", file, fixed.stderr)
		}
	}
}

// Errors about a path lose the path, which the messages name themselves;
// others are kept as they are.
func TestUnwrapPathError(t *testing.T) {
	_, err := os.ReadFile("no-such-file.yaml")
	if got := unwrapPathError(err); got != syscall.ENOENT {
		t.Errorf("unwrapped %v, want ENOENT", got)
	}
	if got := unwrapPathError(errClosedPipe); got != errClosedPipe {
		t.Errorf("unwrapped %v, want it as it is", got)
	}
}
