package e2e

import (
	"reflect"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// What lbguard does to the examples' workloads (rules R4 to R7), with the
// defaults of the examples' configs: deregistrationDelaySeconds 30,
// shutdownSeconds 20, kubernetesVersion 1.31.

// workloadExpectation is what one Deployment of an example must come out as.
type workloadExpectation struct {
	namespace, name string
	// probe is the readinessProbe's handler ("httpGet" or "tcpSocket"), and
	// probePath the httpGet path.
	probe, probePath string
	// preStopSeconds is S, graceSeconds is G.
	preStopSeconds, graceSeconds string
}

func checkWorkload(t *testing.T, out objects, want workloadExpectation) {
	t.Helper()
	dep := out.get(t, "apps/v1", "Deployment", want.namespace, want.name)
	container := []string{"spec", "template", "spec", "containers", "[name=" + want.name + "]"}
	at := func(path ...string) []string { return append(append([]string{}, container...), path...) }

	// R4: a readiness probe on the serving port; never an invented liveness probe.
	port, ok := field(t, dep, at("readinessProbe", want.probe, "port")...)
	if !ok {
		t.Errorf("Deployment %s: container %s has no readinessProbe.%s.port", want.name, want.name, want.probe)
	} else if port != "http" && port != "9898" {
		t.Errorf("Deployment %s: readinessProbe.%s.port = %q, want the container port (http or 9898)", want.name, want.probe, port)
	}
	if want.probePath != "" {
		wantField(t, dep, want.probePath, at("readinessProbe", want.probe, "path")...)
	}
	if n, err := dep.Pipe(yaml.Lookup(at("livenessProbe")...)); err != nil || n != nil {
		t.Errorf("Deployment %s: a livenessProbe was added (%v)", want.name, err)
	}

	// R5: the kubelet's sleep action (Kubernetes 1.31), S seconds.
	wantField(t, dep, want.preStopSeconds, at("lifecycle", "preStop", "sleep", "seconds")...)
	wantNoField(t, dep, at("lifecycle", "preStop", "exec", "command")...)

	// R6: G = S + A.
	wantField(t, dep, want.graceSeconds, "spec", "template", "spec", "terminationGracePeriodSeconds")

	// R7: one budget over the workload's own selector, that protects without blocking.
	selector := mapAt(t, dep, "spec", "selector")
	var budgets []*yaml.RNode
	for id, n := range out {
		if id.Kind == "PodDisruptionBudget" && id.Namespace == want.namespace &&
			reflect.DeepEqual(mapAt(t, n, "spec", "selector"), selector) {
			budgets = append(budgets, n)
		}
	}
	if len(budgets) != 1 {
		t.Fatalf("Deployment %s: %d PodDisruptionBudgets select its pods, want 1; the output has %v", want.name, len(budgets), out.ids())
	}
	pdb := budgets[0]
	if v := pdb.GetApiVersion(); v != "policy/v1" {
		t.Errorf("PodDisruptionBudget %s: apiVersion %s, want policy/v1", pdb.GetName(), v)
	}
	wantField(t, pdb, "1", "spec", "maxUnavailable")
	wantNoField(t, pdb, "spec", "minAvailable")
	wantField(t, pdb, "AlwaysAllow", "spec", "unhealthyPodEvictionPolicy")
}

// mapAt returns the mapping at path as plain Go values, nil when absent.
func mapAt(t *testing.T, n *yaml.RNode, path ...string) map[string]any {
	t.Helper()
	m, err := n.Pipe(yaml.Lookup(path...))
	if err != nil || m == nil {
		return nil
	}
	v, err := m.Map()
	if err != nil {
		t.Fatalf("%s %s: %v", n.GetKind(), n.GetName(), err)
	}
	return v
}

// The ALB example: S = D + 15, G = S + A, and the probe follows the
// Ingress's health check path.
func TestKustomizeExampleWorkloadRules(t *testing.T) {
	rendered, _, _ := renderKustomizeExample(t)
	checkWorkload(t, parseObjects(t, rendered), workloadExpectation{
		namespace:      "web",
		name:           "podinfo",
		probe:          "httpGet",
		probePath:      "/readyz",
		preStopSeconds: "45",
		graceSeconds:   "65",
	})
}

// The NLB example: S is the NLB floor of 180 s whatever D is, G = S + A, and
// the probe is a TCP check, as the NLB's own health check is by default.
func TestKptExampleWorkloadRules(t *testing.T) {
	kpt := kptCLI(t)
	root, pkg := kptPackage(t)
	kptRender(t, kpt, root, pkg)
	_, out := readPackage(t, pkg)
	checkWorkload(t, out, workloadExpectation{
		namespace:      "orders",
		name:           "orders",
		probe:          "tcpSocket",
		preStopSeconds: "180",
		graceSeconds:   "200",
	})
}
