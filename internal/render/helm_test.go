package render

import "testing"

const webChart = "testdata/chart/web"

func TestChartDefaultValues(t *testing.T) {
	set := load(t, []string{webChart}, Options{})
	// Helm's install order: Service, Deployment, Ingress; NOTES.txt and
	// the helper template render nothing of their own.
	equalLines(t, "documents", located(set.Documents), []string{
		"v1 Service release-name-web @ testdata/chart/web (templates/service.yaml)",
		"apps/v1 Deployment release-name-web @ testdata/chart/web (templates/deployment.yaml)",
		"networking.k8s.io/v1 Ingress release-name-web @ testdata/chart/web (templates/ingress.yaml)",
	})
	equalLines(t, "hooks", located(set.Hooks), []string{
		"batch/v1 Job release-name-web-migrate @ testdata/chart/web (templates/hooks/migrate.yaml, pre-install,pre-upgrade hook)",
	})
	if len(set.NonResources)+len(set.LeftAlone) != 0 {
		t.Errorf("skipped %q, left alone %v", locations(set.NonResources), set.LeftAlone)
	}

	deploy := find(t, set.Documents, "Deployment")
	want := Origin{File: "testdata/chart/web/templates/deployment.yaml", Chart: webChart, Template: "templates/deployment.yaml"}
	if deploy.Origin != want {
		t.Errorf("origin %+v, want %+v", deploy.Origin, want)
	}
	ingress := find(t, set.Documents, "Ingress")
	checkValues(t, []expect{
		{deploy, path("metadata", "namespace"), "default"},
		{deploy, path("spec", "replicas"), "2"},
		{deploy, path("spec", "template", "metadata", "labels", "app.kubernetes.io/instance"), "release-name"},
		{deploy, image, "nginx:1.27"},
		{find(t, set.Documents, "Service"), path("spec", "type"), "ClusterIP"},
		{ingress, path("spec", "ingressClassName"), "alb"},
		{ingress, path("metadata", "annotations", "alb.ingress.kubernetes.io/target-type"), "ip"},
	})
}

func TestChartValuesFile(t *testing.T) {
	set := load(t, []string{webChart}, Options{ValueFiles: []string{"testdata/chart/prod-values.yaml"}})
	// ingress.enabled: false drops the Ingress.
	equalLines(t, "documents", located(set.Documents), []string{
		"v1 Service release-name-web @ testdata/chart/web (templates/service.yaml)",
		"apps/v1 Deployment release-name-web @ testdata/chart/web (templates/deployment.yaml)",
	})
	deploy := find(t, set.Documents, "Deployment")
	checkValues(t, []expect{
		{deploy, path("spec", "replicas"), "4"},
		// image.tag from the file, image.repository still from values.yaml.
		{deploy, image, "nginx:1.28"},
		{find(t, set.Documents, "Service"), path("spec", "type"), "LoadBalancer"},
	})
}

func TestChartSetValues(t *testing.T) {
	set := load(t, []string{webChart}, Options{
		ValueFiles:  []string{"testdata/chart/prod-values.yaml"},
		Set:         []string{"replicaCount=3", "ingress.enabled=true,ingress.className=alb-internal"},
		ReleaseName: "shop",
		Namespace:   "prod",
	})
	deploy := find(t, set.Documents, "Deployment")
	ingress := find(t, set.Documents, "Ingress")
	// --set wins over --values, which wins over values.yaml.
	checkValues(t, []expect{
		{deploy, path("metadata", "name"), "shop-web"},
		{deploy, path("metadata", "namespace"), "prod"},
		{deploy, path("spec", "replicas"), "3"},
		{deploy, image, "nginx:1.28"},
		{ingress, path("spec", "ingressClassName"), "alb-internal"},
		{ingress, path("spec", "rules", "[host=web.example.com]", "http", "paths", "[path=/]", "backend", "service", "name"), "shop-web"},
	})
	equalLines(t, "hooks", located(set.Hooks), []string{
		"batch/v1 Job shop-web-migrate @ testdata/chart/web (templates/hooks/migrate.yaml, pre-install,pre-upgrade hook)",
	})
}

func TestChartSkipped(t *testing.T) {
	onlyLeftAlone(t, webChart, Options{SkipHelm: true}, "Helm chart not rendered (--helm-skip)")
}

// A library chart is left alone, and its directory read as any other:
// its Chart.yaml is no resource, and a manifest beside it would be read.
func TestLibraryChartLeftAlone(t *testing.T) {
	set := load(t, []string{"testdata/chart/library"}, Options{})
	want := LeftAlone{Dir: "testdata/chart/library", Reason: "Helm library chart: it renders nothing of its own"}
	if len(set.LeftAlone) != 1 || set.LeftAlone[0] != want {
		t.Errorf("left alone %+v, want %+v", set.LeftAlone, want)
	}
	equalLines(t, "non-resources", locations(set.NonResources), []string{"testdata/chart/library/Chart.yaml:1"})
	if len(set.Documents)+len(set.Hooks) != 0 {
		t.Errorf("read %q %q", located(set.Documents), located(set.Hooks))
	}
}

func TestChartErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		path string
		opts Options
		want string
	}{
		{
			name: "broken template",
			path: "testdata/chart/broken",
			// Helm's three lines as one (Quiet).
			want: "helm chart testdata/chart/broken: broken/templates/deployment.yaml:6:22 " +
				"executing \"broken/templates/deployment.yaml\" at <.Values.scaling.replicas>: " +
				"nil pointer evaluating interface {}.replicas",
		},
		{
			name: "missing values file",
			path: webChart,
			opts: Options{ValueFiles: []string{"testdata/chart/none.yaml"}},
			want: "helm chart testdata/chart/web: --values: open testdata/chart/none.yaml: no such file or directory",
		},
		{
			name: "bad --set",
			path: webChart,
			opts: Options{Set: []string{"replicaCount"}},
			want: "helm chart testdata/chart/web: --set replicaCount: key \"replicaCount\" has no value",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := loadError(t, []string{tc.path}, tc.opts); got != tc.want {
				t.Errorf("error\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}
