package cli

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lbguard/lbguard/internal/testkit"
)

// writeFiles writes each file, by its path under dir.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// frontEnd is an Ingress whose annotations are a flow map, before the
// Service and the Deployment (one replica, already safe) it sends to: fix
// only adds the deregistration delay, to the flow map.
const frontEnd = `--- # the shop's front end
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, annotations: {alb.ingress.kubernetes.io/target-type: ip}}
spec:
  ingressClassName: alb
  defaultBackend:
    service: {name: web, port: {number: 80}}
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
  - port: 80
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      terminationGracePeriodSeconds: 120
      containers:
      - name: web
        image: nginx
        ports:
        - containerPort: 80
        readinessProbe:
          httpGet: {path: /, port: 80}
        lifecycle:
          preStop:
            sleep:
              seconds: 45
`

// A flow map cannot grow in place: the document is printed anew, its
// separator line kept, the other documents byte for byte, and fix says so.
func TestFixInPlaceReprintsWhatCannotBePatched(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"app.yaml": frontEnd})
	r := runLBGuard(t, dir, nil, "fix", "--in-place", "app.yaml")
	r.want(t, "fix --in-place of a flow map that grows", 0)
	if r.stdout != "" {
		t.Errorf("fix --in-place printed on stdout:\n%s", r.stdout)
	}
	const tail = "lbguard fix: 1 change, 0 errors, 2 warnings in 1 workload (3 resources, 1 file read); exit status 0\n" +
		"lbguard fix: app.yaml:1: the document is printed anew: its change cannot be written in place\n" +
		"lbguard fix: wrote app.yaml\n"
	if !strings.HasSuffix(r.stderr, tail) {
		t.Errorf("stderr does not end with\n%s\n--- stderr:\n%s", tail, r.stderr)
	}
	want := strings.Replace(frontEnd,
		"metadata: {name: web, annotations: {alb.ingress.kubernetes.io/target-type: ip}}\n",
		"metadata: {name: web, annotations: {alb.ingress.kubernetes.io/target-type: ip, alb.ingress.kubernetes.io/target-group-attributes: deregistration_delay.timeout_seconds=30}}\n", 1)
	if got, _ := os.ReadFile(filepath.Join(dir, "app.yaml")); string(got) != want {
		t.Errorf("app.yaml after fix --in-place:\n%s", testkit.LineDiff(want, string(got)))
	}
}

// A file of the input that holds no resource is left out of the fixed
// stream; the others are printed whole.
func TestFixStreamLeavesOutFilesWithoutResources(t *testing.T) {
	dir := t.TempDir()
	local := "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: values\n  annotations:\n    config.kubernetes.io/local-config: \"true\"\n"
	writeFiles(t, dir, map[string]string{"app.yaml": frontEnd, "local.yaml": local})
	r := runLBGuard(t, dir, nil, "fix", "app.yaml", "local.yaml")
	r.want(t, "fix of a file and a local config", 0)
	if strings.Contains(r.stdout, "name: values") {
		t.Errorf("the fixed stream holds the local config:\n%s", r.stdout)
	}
	if !strings.HasPrefix(r.stdout, "--- # the shop's front end\n") || !strings.Contains(r.stdout, "deregistration_delay.timeout_seconds=30") {
		t.Errorf("the fixed stream is not app.yaml fixed:\n%s", r.stdout)
	}
}

// failingWriter fails every write, as a closed pipe does.
type failingWriter struct{}

var errClosedPipe = errors.New("closed pipe")

func (failingWriter) Write([]byte) (int, error) { return 0, errClosedPipe }

// Output that cannot be written is bad usage (exit status 2), said on
// standard error when that still works.
func TestOutputThatCannotBeWritten(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"app.yaml": frontEnd})
	t.Chdir(dir)
	for _, c := range []struct {
		args         []string
		stdout       bool // stdout fails (else stderr)
		stderrSuffix string
	}{
		{[]string{"fix", "app.yaml"}, true, "lbguard fix: cannot write standard output: closed pipe\n"},
		{[]string{"audit", "app.yaml"}, true, "lbguard audit: cannot write the report: closed pipe\n"},
		{[]string{"audit", "--format", "json", "app.yaml"}, true, "lbguard audit: cannot write the report: closed pipe\n"},
		{[]string{"fix", "app.yaml"}, false, ""},
	} {
		var out, errOut strings.Builder
		var stdout, stderr io.Writer = &out, &errOut
		if c.stdout {
			stdout = failingWriter{}
		} else {
			stderr = failingWriter{}
		}
		status := Run(c.args[0], c.args[1:], testVersion, nil, stdout, stderr)
		what := "lbguard " + strings.Join(c.args, " ")
		if status != exitUsage {
			t.Errorf("%s: exit status %d, want %d", what, status, exitUsage)
		}
		if !strings.HasSuffix(errOut.String(), c.stderrSuffix) {
			t.Errorf("%s: stderr does not end with %q:\n%s", what, c.stderrSuffix, errOut.String())
		}
		if !c.stdout && out.String() != "" {
			t.Errorf("%s: printed the stream though its report could not be written:\n%s", what, out.String())
		}
	}
}

// A file fix --in-place cannot write back is exit status 2, named with the
// reason, and stays as it was.
func TestFixInPlaceOfAFileThatCannotBeWritten(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root writes read-only files")
	}
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"app.yaml": frontEnd})
	file := filepath.Join(dir, "app.yaml")
	if err := os.Chmod(file, 0o444); err != nil {
		t.Fatal(err)
	}
	r := runLBGuard(t, dir, nil, "fix", "--in-place", "app.yaml")
	r.want(t, "fix --in-place of a read-only file", exitUsage)
	if want := "lbguard fix: cannot write app.yaml: permission denied\n"; !strings.HasSuffix(r.stderr, want) {
		t.Errorf("stderr does not end with %q:\n%s", want, r.stderr)
	}
	if got, _ := os.ReadFile(file); string(got) != frontEnd {
		t.Errorf("app.yaml changed:\n%s", got)
	}
}
