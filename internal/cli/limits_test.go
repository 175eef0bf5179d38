package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lbguard/lbguard/internal/krmio"
)

// TestCLIAnchorsAndLimits: the command line reads anchors and aliases within
// a document as the function does, and refuses the same bad shapes.
func TestCLIAnchorsAndLimits(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("app.yaml", `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: &labels
    app: web
spec:
  replicas: 2
  selector:
    matchLabels: *labels
  template:
    metadata:
      labels: *labels
    spec:
      containers:
      - name: web
        ports:
        - containerPort: 80
---
apiVersion: v1
kind: Service
metadata:
  name: web
  annotations:
    service.beta.kubernetes.io/aws-load-balancer-type: external
spec:
  type: LoadBalancer
  selector: {app: web}
  ports:
  - port: 80
`)
	r := runLBGuard(t, dir, nil, "fix", "app.yaml")
	r.want(t, "fix of a file with anchors", 0)
	for _, want := range []string{
		"  labels: &labels\n", "    matchLabels: *labels\n", "      labels: *labels\n", // kept as written
		"        readinessProbe:\n          tcpSocket:\n            port: 80\n",
		"            sleep:\n              seconds: 180\n",
		"kind: PodDisruptionBudget\n",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("the fixed stream lacks %q:\n%s", want, r.stdout)
		}
	}

	write("loop.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: loop\ndata: &d\n  x: *d\n")
	r = runLBGuard(t, dir, nil, "audit", "loop.yaml")
	r.want(t, "audit of an alias inside its own anchor", 2)
	if want := "loop.yaml: document at line 1 holds the YAML alias *d inside its own anchor (line 6): it would expand forever"; !strings.Contains(r.stderr, want) {
		t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
	}

	big := make([]byte, krmio.MaxInputBytes+1)
	for i := range big {
		big[i] = '\n'
	}
	r = runLBGuard(t, dir, big, "audit", "-")
	r.want(t, "audit of more than the input limit", 2)
	if want := "stdin is larger than 64 MiB, the most lbguard reads"; !strings.Contains(r.stderr, want) {
		t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
	}
}
