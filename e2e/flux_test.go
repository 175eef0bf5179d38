package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Flux runs no KRM functions: docs/integrations.md renders through lbguard in
// CI, for Flux to apply. Its recipe runs as written on the example
// repository of docs/ci.md.
func TestDocsFluxRender(t *testing.T) {
	script := docBlocks(t, "../docs/integrations.md", "flux-render")["flux-render"]
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS("../testdata/cli/ci-example")); err != nil {
		t.Fatal(err)
	}
	r := bashRun(t, dir, toolsPath(t), script)
	r.want(t, "the Flux render recipe", 0)
	rendered, err := os.ReadFile(filepath.Join(dir, "rendered", "prod", "manifests.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"kind: PodDisruptionBudget", "preStop:", "alb.ingress.kubernetes.io/target-type: ip"} {
		if !strings.Contains(string(rendered), want) {
			t.Errorf("rendered/prod/manifests.yaml lacks %q:\n%s", want, rendered)
		}
	}
	if !strings.Contains(r.stdout, "exit status 0") {
		t.Errorf("the audit of the render is not clean:\n%s", r.stdout)
	}
}
