package e2e

import (
	"path/filepath"
	"testing"
)

// The Gateway API example: examples/gateway is a storefront in namespace
// shop behind an HTTPRoute of an LBC ALB Gateway and a TCPRoute of an LBC
// NLB Gateway, with no TargetGroupConfiguration. It is a kustomization and
// a kpt package at once.

// checkStorefront asserts what lbguard must have done to the Gateway example.
func checkStorefront(t *testing.T, out objects) {
	t.Helper()
	// R1, R2: the TargetGroupConfiguration the Service lacked, with only
	// what the LBC's defaults lack.
	tgc := out.get(t, "gateway.k8s.aws/v1beta1", "TargetGroupConfiguration", "shop", "storefront")
	wantField(t, tgc, "storefront", "spec", "targetReference", "name")
	wantField(t, tgc, "ip", "spec", "defaultConfiguration", "targetType")
	wantField(t, tgc, "deregistration_delay.timeout_seconds", "spec", "defaultConfiguration", "targetGroupAttributes", "[key=deregistration_delay.timeout_seconds]", "key")
	wantField(t, tgc, "30", "spec", "defaultConfiguration", "targetGroupAttributes", "[key=deregistration_delay.timeout_seconds]", "value")
	wantLabel(t, tgc, "app.kubernetes.io/managed-by", "lbguard")
	if _, ok := field(t, tgc, "spec", "defaultConfiguration", "healthCheckConfig"); ok {
		t.Error("lbguard wrote a healthCheckConfig: it would replace the whole block the Service inherits")
	}
	// R3: the Service's namespace.
	wantLabel(t, out.get(t, "v1", "Namespace", "", "shop"), "elbv2.k8s.aws/pod-readiness-gate-inject", "enabled")
	// R4–R6: behind an NLB route too, the NLB floor.
	dep := out.get(t, "apps/v1", "Deployment", "shop", "storefront")
	c := []string{"spec", "template", "spec", "containers", "[name=storefront]"}
	wantField(t, dep, "http", append(c, "readinessProbe", "tcpSocket", "port")...)
	wantField(t, dep, "180", append(c, "lifecycle", "preStop", "sleep", "seconds")...)
	wantField(t, dep, "200", "spec", "template", "spec", "terminationGracePeriodSeconds")
	// R7.
	out.get(t, "policy/v1", "PodDisruptionBudget", "shop", "storefront")
	// The routes and Gateways are read, never edited.
	wantField(t, out.get(t, "gateway.networking.k8s.io/v1", "HTTPRoute", "shop", "storefront"), "storefront",
		"spec", "rules", "0", "backendRefs", "0", "name")
}

func TestKustomizeRendersGatewayExample(t *testing.T) {
	dir := filepath.Join(workspace(t, "gateway"), "examples", "gateway")
	out := parseObjects(t, kustomizeBuild(t, dir, "--enable-alpha-plugins", "--enable-exec"))
	checkStorefront(t, out)
	requireNoKind(t, out, "LBGuard") // the function's config is local to the build
	_, in := readPackage(t, dir)
	// kustomize's own files are not resources of the build.
	delete(in, objectID{"kustomize.config.k8s.io/v1beta1", "Kustomization", "", "gateway"})
	delete(in, objectID{"kpt.dev/v1", "Kptfile", "", "gateway"})
	delete(in, objectID{"lbguard.dev/v1alpha1", "LBGuard", "", "lbguard"})
	requireAll(t, in, out)
}

func TestKptRendersGatewayExample(t *testing.T) {
	kpt := kptCLI(t)
	root := workspace(t, "gateway")
	pkg := filepath.Join(root, "examples", "gateway")
	_, in := readPackage(t, pkg)
	kptRenderTwice(t, kpt, root, pkg, in, checkStorefront)
}
