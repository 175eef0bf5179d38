package render

import (
	"strings"
	"testing"
)

func TestOverlayOrigins(t *testing.T) {
	set := load(t, []string{"testdata/kustomize/overlays/prod"}, Options{})
	const overlay = "testdata/kustomize/overlays/prod"
	equalLines(t, "documents", located(set.Documents), []string{
		"apps/v1 Deployment prod-api @ " + overlay + " ← testdata/kustomize/base/deployment.yaml:2",
		"v1 Service prod-api-internal @ " + overlay + " ← testdata/kustomize/base/services.yaml:1",
		"v1 Service prod-api @ " + overlay + " ← testdata/kustomize/base/services.yaml:11",
		"v1 ConfigMap prod-api-settings-hf678c7m2b @ " + overlay + " ← " + overlay + "/kustomization.yaml",
	})
	deploy := find(t, set.Documents, "Deployment")
	want := Origin{File: "testdata/kustomize/base/deployment.yaml", Line: 2, Overlay: overlay}
	if deploy.Origin != want {
		t.Errorf("origin %+v, want %+v", deploy.Origin, want)
	}
	// The second document of services.yaml, found by name under the prefix.
	if o := set.Documents[2].Origin; o.Document != 1 {
		t.Errorf("prod-api is document %d of services.yaml, want 1", o.Document)
	}
	// The overlay's changes are in, the origin annotation is out.
	if got := value(t, deploy, "spec", "replicas"); got != "6" {
		t.Errorf("replicas %q, want the overlay's 6", got)
	}
	for _, d := range set.Documents {
		if got := value(t, d, "metadata", "namespace"); got != "shop" {
			t.Errorf("%s: namespace %q", d.Resource(), got)
		}
		if text := d.Object.MustString(); strings.Contains(text, originAnnotation) {
			t.Errorf("%s keeps its origin annotation:\n%s", d.Resource(), text)
		}
	}
	// Annotations of the source stay.
	lb := set.Documents[2]
	if got := value(t, lb, "metadata", "annotations", "service.beta.kubernetes.io/aws-load-balancer-type"); got != "external" {
		t.Errorf("LB type annotation %q", got)
	}
	if got := lb.Object.GetAnnotations(); len(got) != 1 {
		t.Errorf("annotations %v, want the source's one", got)
	}
	if _, ok := deploy.Object.GetAnnotations()[originAnnotation]; ok || deploy.Object.Field("metadata").Value.Field("annotations") != nil {
		t.Errorf("an empty annotations map is left on the Deployment:\n%s", deploy.Object.MustString())
	}
}

func TestBrokenOverlay(t *testing.T) {
	got := loadError(t, []string{"testdata/kustomize/overlays/broken"}, Options{})
	const want = "kustomization testdata/kustomize/overlays/broken: accumulating resources: accumulation err='accumulating resources from 'missing.yaml'"
	if !strings.HasPrefix(got, want) || !strings.Contains(got, "missing.yaml: no such file or directory") {
		t.Errorf("error\n\t%s\nwant it to start\n\t%s", got, want)
	}
}

func TestPluginOverlayLeftAlone(t *testing.T) {
	onlyUnchecked(t, "testdata/kustomize/plugins", Options{},
		"kustomization runs plugins (KRM functions), which lbguard does not run: "+
			"check `kustomize build --enable-alpha-plugins --enable-exec testdata/kustomize/plugins | lbguard audit -` instead")
}

func TestComponentLeftAlone(t *testing.T) {
	onlyLeftAlone(t, "testdata/kustomize/component", Options{}, "kustomize Component: built only as part of a kustomization that names it")
}

func TestWithOriginAnnotations(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"none", "resources:\n- a.yaml\n", "resources:\n- a.yaml\nbuildMetadata:\n- originAnnotations\n"},
		{"others kept", "buildMetadata: [transformerAnnotations]\n", "buildMetadata: [transformerAnnotations, originAnnotations]\n"},
		{"already there", "buildMetadata:\n- originAnnotations\n", "buildMetadata:\n- originAnnotations\n"},
		{"not YAML: kustomize tells", "resources: [\n", "resources: [\n"},
		{"not a mapping", "- a\n", "- a\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := string(withOriginAnnotations([]byte(tc.in))); got != tc.want {
				t.Errorf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

func TestHelmChartsOverlayLeftAlone(t *testing.T) {
	onlyUnchecked(t, "testdata/kustomize/helmcharts", Options{},
		"kustomization inflates Helm charts (helmCharts) with the helm program, which lbguard does not run: "+
			"check `kustomize build --enable-helm testdata/kustomize/helmcharts | lbguard audit -` instead")
}
