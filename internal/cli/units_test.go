package cli

import (
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lbguard/lbguard/internal/testkit"
)

// Two alternative files of one directory are fixed each on its own: a
// PodDisruptionBudget made for the Deployment of each goes into that file,
// the file they share is fixed once, the result audits clean, and a second
// fix changes nothing.
func TestFixInPlaceAlternatives(t *testing.T) {
	dir := t.TempDir()
	src := testkit.Path(t, "testdata", "repository", "examples", "2048")
	for _, name := range []string{"app_full.yaml", "app_full_dualstack.yaml", "namespace.yaml"} {
		data, err := os.ReadFile(filepath.Join(src, name))
		if err != nil {
			t.Fatal(err)
		}
		writeFiles(t, dir, map[string]string{name: string(data)})
	}
	r := runLBGuard(t, dir, nil, "fix", "--in-place", ".")
	r.want(t, "fix --in-place of two alternatives", 0)
	for _, name := range []string{"app_full.yaml", "app_full_dualstack.yaml"} {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if n := strings.Count(string(data), "kind: PodDisruptionBudget"); n != 1 {
			t.Errorf("%s holds %d PodDisruptionBudgets, want its own one:\n%s", name, n, data)
		}
	}
	ns, _ := os.ReadFile(filepath.Join(dir, "namespace.yaml"))
	if strings.Count(string(ns), "elbv2.k8s.aws/pod-readiness-gate-inject: enabled") != 1 {
		t.Errorf("namespace.yaml:\n%s", ns)
	}
	audit := runLBGuard(t, dir, nil, "audit", ".")
	audit.want(t, "audit after the fix", 0)
	before := readTree(t, dir)
	again := runLBGuard(t, dir, nil, "fix", "--in-place", ".")
	again.want(t, "a second fix", 0)
	if after := readTree(t, dir); !maps.Equal(before, after) {
		t.Errorf("a second fix changed the files:\n%s", again.stderr)
	}
}
