package e2e

import (
	"path/filepath"
	"testing"
)

// The kpt example: examples/kpt is the orders API in namespace orders behind
// an LBC-owned NLB Service (aws-load-balancer-type: external) on instance
// targets, with preserve_client_ip.enabled=true as its only target group
// attribute; its config is a ConfigMap with deregistrationDelaySeconds "30".

// checkOrders asserts what lbguard must have done to the kpt example, and
// what it must have left alone.
func checkOrders(t *testing.T, out objects) {
	t.Helper()
	svc := out.get(t, "v1", "Service", "orders", "orders")
	// R1: ip targets.
	wantAnnotation(t, svc, "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type", "ip")
	// R2: the delay merged into the existing attributes, which stay.
	wantAttributes(t, svc, "service.beta.kubernetes.io/aws-load-balancer-target-group-attributes", "30",
		attribute{"preserve_client_ip.enabled", "true"})
	// Who owns the load balancer is never changed.
	wantAnnotation(t, svc, "service.beta.kubernetes.io/aws-load-balancer-type", "external")
	wantAnnotation(t, svc, "service.beta.kubernetes.io/aws-load-balancer-scheme", "internet-facing")
	wantField(t, svc, "LoadBalancer", "spec", "type")
	wantNoField(t, svc, "spec", "loadBalancerClass")

	// R3: the backends' Namespace gets the readiness-gate label.
	ns := out.get(t, "v1", "Namespace", "", "orders")
	wantLabel(t, ns, "elbv2.k8s.aws/pod-readiness-gate-inject", "enabled")

	dep := out.get(t, "apps/v1", "Deployment", "orders", "orders")
	wantField(t, dep, "2", "spec", "replicas")
	wantField(t, dep, "ghcr.io/stefanprodan/podinfo:6.14.1", "spec", "template", "spec", "containers", "[name=orders]", "image")

	// The config and the Kptfile are passed through untouched in content.
	cm := out.get(t, "v1", "ConfigMap", "", "lbguard")
	wantField(t, cm, "30", "data", "deregistrationDelaySeconds")
	out.get(t, "kpt.dev/v1", "Kptfile", "", "orders")
}

// kptPackage copies examples/kpt into a workspace and returns the workspace
// (where ./bin/lbguard is) and the package's directory in it.
func kptPackage(t *testing.T) (root, pkg string) {
	t.Helper()
	root = workspace(t, "kpt")
	return root, filepath.Join(root, "examples", "kpt")
}

// kptEval runs lbguard once over pkg with `kpt fn eval`, from root.
func kptEval(t *testing.T, kpt, root, pkg string) {
	t.Helper()
	run(t, root, kpt, "fn", "eval", pkg,
		"--exec", "./bin/lbguard",
		"--fn-config", filepath.Join(pkg, "lbguard.yaml"),
		"--results-dir", t.TempDir())
}

// kptRender runs pkg's Kptfile pipeline, from root: the Kptfile's exec path
// ./bin/lbguard resolves against the directory kpt runs in.
func kptRender(t *testing.T, kpt, root, pkg string) {
	t.Helper()
	run(t, root, kpt, "fn", "render", pkg, "--allow-exec", "--results-dir", t.TempDir())
}

func TestKptFnEval(t *testing.T) {
	kpt := kptCLI(t)
	root, pkg := kptPackage(t)
	_, in := readPackage(t, pkg)

	kptEval(t, kpt, root, pkg)
	files, out := readPackage(t, pkg)
	checkOrders(t, out)
	requireAll(t, in, out)

	kptEval(t, kpt, root, pkg)
	again, _ := readPackage(t, pkg)
	samePackage(t, "second kpt fn eval", files, again)
}

func TestKptFnRender(t *testing.T) {
	kpt := kptCLI(t)
	root, pkg := kptPackage(t)
	_, in := readPackage(t, pkg)

	files := kptRenderTwice(t, kpt, root, pkg, in, checkOrders)

	// The pipeline and a single eval with the same config agree.
	evalRoot, evalPkg := kptPackage(t)
	kptEval(t, kpt, evalRoot, evalPkg)
	evaluated, _ := readPackage(t, evalPkg)
	samePackage(t, "kpt fn eval vs kpt fn render", files, evaluated)
}

// kptRenderTwice renders pkg, checks its objects with check and against
// in (nothing lost), renders it again and requires the same files; it
// returns the files of the first render.
func kptRenderTwice(t *testing.T, kpt, root, pkg string, in objects, check func(*testing.T, objects)) map[string]string {
	t.Helper()
	kptRender(t, kpt, root, pkg)
	files, out := readPackage(t, pkg)
	check(t, out)
	requireAll(t, in, out)

	kptRender(t, kpt, root, pkg)
	again, _ := readPackage(t, pkg)
	samePackage(t, "second kpt fn render", files, again)
	return files
}

// samePackage fails the test unless the two packages have the same files
// with the same contents.
func samePackage(t *testing.T, what string, want, got map[string]string) {
	t.Helper()
	for name, w := range want {
		g, ok := got[name]
		if !ok {
			t.Errorf("%s: file %s is gone", what, name)
			continue
		}
		sameText(t, what+": "+name, w, g)
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			t.Errorf("%s: new file %s:\n%s", what, name, got[name])
		}
	}
}
