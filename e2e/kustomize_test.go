package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/filesys"
)

// The kustomize example: examples/kustomize/app is podinfo in namespace web
// behind an ALB Ingress (class alb, no target type); examples/kustomize adds
// lbguard as a transformer with deregistrationDelaySeconds 30.

// kustomizeBuild renders dir with the kustomize CLI.
func kustomizeBuild(t *testing.T, dir string, flags ...string) []byte {
	t.Helper()
	args := append([]string{"build"}, flags...)
	return run(t, dir, kustomizeCLI(t), append(args, dir)...)
}

// renderKustomizeExample renders examples/kustomize the documented way, and
// its app/ alone, which is what went in.
func renderKustomizeExample(t *testing.T) (rendered, plain []byte, dir string) {
	t.Helper()
	dir = filepath.Join(workspace(t, "kustomize"), "examples", "kustomize")
	rendered = kustomizeBuild(t, dir, "--enable-alpha-plugins", "--enable-exec")
	plain = kustomizeBuild(t, filepath.Join(dir, "app"))
	return rendered, plain, dir
}

// checkPodinfo asserts what lbguard must have done to the kustomize example,
// and what it must have left alone.
func checkPodinfo(t *testing.T, out objects) {
	t.Helper()
	ing := out.get(t, "networking.k8s.io/v1", "Ingress", "web", "podinfo")
	// R1: ip targets.
	wantAnnotation(t, ing, "alb.ingress.kubernetes.io/target-type", "ip")
	// R2: the configured deregistration delay; the Ingress had no attributes.
	wantAnnotation(t, ing, "alb.ingress.kubernetes.io/target-group-attributes", "deregistration_delay.timeout_seconds=30")
	wantAnnotation(t, ing, "alb.ingress.kubernetes.io/scheme", "internet-facing")
	wantAnnotation(t, ing, "alb.ingress.kubernetes.io/healthcheck-path", "/readyz")
	wantField(t, ing, "alb", "spec", "ingressClassName")

	// R3: the backends' Namespace gets the readiness-gate label.
	ns := out.get(t, "v1", "Namespace", "", "web")
	wantLabel(t, ns, "elbv2.k8s.aws/pod-readiness-gate-inject", "enabled")

	// The Ingress's settings go on the Ingress, not on its backend Service,
	// and a Service's type is never changed.
	svc := out.get(t, "v1", "Service", "web", "podinfo")
	wantField(t, svc, "ClusterIP", "spec", "type")
	for key := range svc.GetAnnotations() {
		if strings.HasPrefix(key, "alb.ingress.kubernetes.io/") {
			t.Errorf("Service podinfo got annotation %s; the Ingress has no reason to move it there", key)
		}
	}

	dep := out.get(t, "apps/v1", "Deployment", "web", "podinfo")
	wantField(t, dep, "3", "spec", "replicas")
	wantField(t, dep, "ghcr.io/stefanprodan/podinfo:6.14.1", "spec", "template", "spec", "containers", "[name=podinfo]", "image")

	// The function's config is local to the build.
	requireNoKind(t, out, "LBGuard")
}

func TestKustomizeCLIRendersExample(t *testing.T) {
	rendered, plain, _ := renderKustomizeExample(t)
	out := parseObjects(t, rendered)
	checkPodinfo(t, out)
	requireAll(t, parseObjects(t, plain), out)
}

// With --enable-alpha-plugins but without --enable-exec kustomize skips the
// exec function and still exits 0: an exit status alone does not show that
// lbguard ran.
func TestKustomizeWithoutEnableExecSkipsFunction(t *testing.T) {
	rendered, plain, dir := renderKustomizeExample(t)
	skipped := kustomizeBuild(t, dir, "--enable-alpha-plugins")
	sameText(t, "render without --enable-exec vs app/ alone", string(plain), string(skipped))
	if string(skipped) == string(rendered) {
		t.Errorf("the render without --enable-exec equals the render with it: lbguard changed nothing\n%s", rendered)
	}
}

// Without --enable-alpha-plugins kustomize does not skip the function: the
// build fails, naming it, whether --enable-exec is given or not, as README
// ("Use with kustomize") says, quoting the error.
func TestKustomizeWithoutAlphaPluginsFails(t *testing.T) {
	dir := filepath.Join(workspace(t, "kustomize"), "examples", "kustomize")
	const want = "Error: external plugins disabled; unable to load external plugin 'LBGuard'"
	for _, flags := range [][]string{nil, {"--enable-exec"}} {
		args := append(append([]string{"build"}, flags...), dir)
		stdout, stderr, status := runStatus(t, dir, kustomizeCLI(t), args...)
		if status == 0 || stdout != "" || stderr != want+"\n" {
			t.Errorf("kustomize %s: exit status %d, stdout %q, stderr %q; want a failure, no output and %q",
				strings.Join(args, " "), status, stdout, stderr, want)
		}
	}
	readme, err := os.ReadFile(filepath.Join(requireRepoRoot(t), "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	if words := strings.Join(strings.Fields(string(readme)), " "); !strings.Contains(words, "the build fails: `"+want+"`") {
		t.Errorf("README.md does not say that the build fails without the flags, with %q", want)
	}
}

// krustyBuild renders dir in-process with kustomize's Go API, set up as the
// CLI is for `build --enable-alpha-plugins --enable-exec`.
func krustyBuild(t *testing.T, dir string) []byte {
	t.Helper()
	opts := krusty.MakeDefaultOptions()
	// The CLI sorts as the kustomization says (legacy order by default);
	// MakeDefaultOptions alone keeps the input order.
	opts.Reorder = krusty.ReorderOptionUnspecified
	opts.PluginConfig = types.EnabledPluginConfig(types.BploUseStaticallyLinked)
	opts.PluginConfig.HelmConfig.Enabled = false
	opts.PluginConfig.FnpLoadingOptions.EnableExec = true
	m, err := krusty.MakeKustomizer(opts).Run(filesys.MakeFsOnDisk(), dir)
	if err != nil {
		t.Fatalf("kustomizing %s in-process: %v", dir, err)
	}
	out, err := m.AsYaml()
	if err != nil {
		t.Fatalf("serializing the in-process render: %v", err)
	}
	return out
}

func TestKustomizeInProcessMatchesCLI(t *testing.T) {
	rendered, _, dir := renderKustomizeExample(t)
	inProcess := krustyBuild(t, dir)
	checkPodinfo(t, parseObjects(t, inProcess))
	sameText(t, "in-process render vs CLI render", string(rendered), string(inProcess))
}

// Rendering lbguard's output through lbguard again changes nothing.
func TestKustomizeSecondRunChangesNothing(t *testing.T) {
	rendered, _, dir := renderKustomizeExample(t)

	config, err := os.ReadFile(filepath.Join(dir, "lbguard.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	const examplePath = "path: ../../bin/lbguard"
	if !strings.Contains(string(config), examplePath) {
		t.Fatalf("examples/kustomize/lbguard.yaml no longer says %q", examplePath)
	}
	again := t.TempDir()
	files := map[string]string{
		"rendered.yaml": string(rendered),
		"lbguard.yaml":  strings.Replace(string(config), examplePath, "path: "+lbguard(t), 1),
		"kustomization.yaml": "resources:\n- rendered.yaml\n" +
			"transformers:\n- lbguard.yaml\n",
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(again, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	second := kustomizeBuild(t, again, "--enable-alpha-plugins", "--enable-exec")
	sameText(t, "second render vs first render", string(rendered), string(second))
}
