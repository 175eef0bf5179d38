package cli

import (
	"os"
	"path/filepath"
	"testing"
)

// A typed List (ServiceList) holds items without apiVersion and kind: they
// are read with the List's, and a fix written back inside the List leaves
// them out again.
func TestFixInsideATypedList(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"services.yaml": `apiVersion: v1
kind: ServiceList
items:
- metadata:
    name: web
    namespace: shop
    annotations:
      service.beta.kubernetes.io/aws-load-balancer-type: external
  spec:
    type: LoadBalancer
    selector: {app: web}
    ports: [{port: 80}]
`})
	r := runLBGuard(t, dir, nil, "fix", "--in-place", "services.yaml")
	r.want(t, "fix --in-place services.yaml", 0)
	got, err := os.ReadFile(filepath.Join(dir, "services.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	want := `apiVersion: v1
kind: ServiceList
items:
- metadata:
    name: web
    namespace: shop
    annotations:
      service.beta.kubernetes.io/aws-load-balancer-type: external
      service.beta.kubernetes.io/aws-load-balancer-nlb-target-type: ip
      service.beta.kubernetes.io/aws-load-balancer-target-group-attributes: deregistration_delay.timeout_seconds=30
  spec:
    type: LoadBalancer
    selector: {app: web}
    ports: [{port: 80}]
`
	if string(got) != want {
		t.Errorf("services.yaml after the fix:\n%s\nwant:\n%s", got, want)
	}
}

// With no source file to point at, a finding about a rendered resource
// points at the chart's Chart.yaml or the overlay's kustomization file.
func TestRenderedConfigFile(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"overlay/kustomization.yml": "resources: []\n"})
	for _, c := range []struct {
		in   renderedInput
		want string
	}{
		{renderedInput{dir: filepath.Join(dir, "chart"), chart: true}, filepath.Join(dir, "chart", "Chart.yaml")},
		{renderedInput{dir: filepath.Join(dir, "overlay")}, filepath.Join(dir, "overlay", "kustomization.yml")},
		{renderedInput{dir: filepath.Join(dir, "gone")}, filepath.Join(dir, "gone")},
	} {
		if got := c.in.configFile(); got != c.want {
			t.Errorf("configFile of %s = %s, want %s", c.in.dir, got, c.want)
		}
	}
}
