package transformers

import (
	"strings"
	"testing"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/transformers/config"
	"github.com/lbguard/lbguard/transformers/model"
)

// identService fronts the pods labelled app: web with an LBC NLB whose settings
// are already right, so that the rules have nothing to say about it.
const identService = `apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
  annotations:
    service.beta.kubernetes.io/aws-load-balancer-type: external
    service.beta.kubernetes.io/aws-load-balancer-nlb-target-type: ip
    service.beta.kubernetes.io/aws-load-balancer-target-group-attributes: deregistration_delay.timeout_seconds=30
spec:
  type: LoadBalancer
  selector:
    app: web
  ports:
  - port: 80
`

func identDeployment(name, namespace, spec string) string {
	meta := "  name: " + name + "\n"
	if namespace != "" {
		meta += "  namespace: " + namespace + "\n"
	}
	return "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n" + meta + "spec:\n" + spec
}

const identSpec = `  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: app
        image: app
        ports:
        - containerPort: 80
`

func identParse(t *testing.T, docs ...string) fn.KubeObjects {
	t.Helper()
	items, err := fn.ParseKubeObjects([]byte(strings.Join(docs, "---\n")))
	if err != nil {
		t.Fatal(err)
	}
	return items
}

func identErrors(results fn.Results) []string {
	var out []string
	for _, r := range results {
		if r.Severity == fn.Error {
			out = append(out, r.Message)
		}
	}
	return out
}

func TestDuplicatesChangeNothing(t *testing.T) {
	tests := []struct {
		name   string
		second string
		errors []string
	}{
		{
			name:   "same namespace",
			second: identDeployment("web", "shop", strings.Replace(identSpec, "replicas: 2", "replicas: 3", 1)),
			errors: []string{"Deployment shop/web is listed twice (items[1] and items[2]): kustomize and kubectl refuse duplicated resources, and lbguard cannot tell which copy the cluster would get, so it changes nothing"},
		},
		{
			name:   "another version of the same group and kind",
			second: strings.Replace(identDeployment("web", "shop", identSpec), "apps/v1", "apps/v1beta2", 1),
			errors: []string{"Deployment shop/web is listed twice (items[1] and items[2]): kustomize and kubectl refuse duplicated resources, and lbguard cannot tell which copy the cluster would get, so it changes nothing"},
		},
		{
			name:   "another namespace is another object",
			second: identDeployment("web", "other", identSpec),
		},
		{
			name:   "another kind is another object",
			second: strings.Replace(identDeployment("web", "shop", identSpec), "kind: Deployment", "kind: StatefulSet", 1),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items := identParse(t, identService, identDeployment("web", "shop", identSpec), tt.second)
			before := identStrings(items)
			results := Run(&items, config.DefaultConfig(), Snapshot(items)).Results
			if got := identErrors(results); strings.Join(got, "\n") != strings.Join(tt.errors, "\n") {
				t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.errors, "\n"))
			}
			after := identStrings(items)
			if tt.errors != nil {
				if len(results) != len(tt.errors) {
					t.Errorf("%d results, want only the errors: %v", len(results), results)
				}
				if strings.Join(after, "---\n") != strings.Join(before, "---\n") {
					t.Errorf("the items changed:\n%s", strings.Join(after, "---\n"))
				}
			} else if strings.Join(after, "---\n") == strings.Join(before, "---\n") {
				t.Errorf("nothing changed: the rules did not run")
			}
		})
	}
}

func TestUnidentifiedItemsLeftAlone(t *testing.T) {
	// Without its apiVersion, a Deployment would pass the rules' kind checks.
	noAPIVersion := strings.Replace(identDeployment("web", "shop", identSpec), "apiVersion: apps/v1\n", "", 1)
	items := identParse(t, identService, noAPIVersion, "apiVersion: v1\nkind: [ConfigMap]\nmetadata:\n  name: x\n", "apiVersion: v1\nkind: ConfigMap\nmetadata: settings\n")
	before := identStrings(items)
	results := Run(&items, config.DefaultConfig(), Snapshot(items)).Results
	want := []string{
		"items[1]: apiVersion is missing: lbguard cannot tell what resource it is, and leaves it as it is",
		"items[2]: kind must be a string: lbguard cannot tell what resource it is, and leaves it as it is",
		"items[3]: metadata must be a map: lbguard cannot tell what resource it is, and leaves it as it is",
	}
	if got := identErrors(results); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if after := identStrings(items); strings.Join(after, "---\n") != strings.Join(before, "---\n") {
		t.Errorf("the items changed:\n%s", strings.Join(after, "---\n"))
	}
}

func identStrings(items fn.KubeObjects) []string {
	out := make([]string, len(items))
	for i, obj := range items {
		out[i] = obj.String()
	}
	return out
}

// Labels or annotations that are not maps of strings used to read as none:
// this Service, whose type annotation was lost, was fixed as a Classic ELB.
func TestUnreadableMetadataLeftAlone(t *testing.T) {
	service := strings.Replace(identService, "service.beta.kubernetes.io/aws-load-balancer-type: external", "service.beta.kubernetes.io/aws-load-balancer-type: [external]", 1)
	deployment := strings.Replace(identDeployment("web", "shop", identSpec), "  namespace: shop\n", "  namespace: shop\n  labels: web\n", 1)
	items := identParse(t, service, deployment)
	before := identStrings(items)
	results := Run(&items, config.DefaultConfig(), Snapshot(items)).Results
	want := []string{
		"Service web: metadata.annotations must be a map of strings",
		"Deployment web: metadata.labels must be a map of strings",
	}
	if got := identErrors(results); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(results) != len(want) {
		t.Errorf("%d results, want only the errors", len(results))
	}
	if after := identStrings(items); strings.Join(after, "---\n") != strings.Join(before, "---\n") {
		t.Errorf("the items changed:\n%s", strings.Join(after, "---\n"))
	}
}

// An unquoted lbguard.dev/skip: true was read as no opt-out, and the
// Service was edited: the API server refuses such a value, and so does lbguard.
func TestUnquotedAnnotationValueLeftAlone(t *testing.T) {
	service := strings.Replace(identService, "service.beta.kubernetes.io/aws-load-balancer-type: external", "service.beta.kubernetes.io/aws-load-balancer-type: external\n    lbguard.dev/skip: true", 1)
	items := identParse(t, service)
	before := identStrings(items)
	results := Run(&items, config.DefaultConfig(), Snapshot(items)).Results
	want := []string{"Service web: metadata.annotations[lbguard.dev/skip] must be a string: quote it"}
	if got := identErrors(results); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if after := identStrings(items); strings.Join(after, "---\n") != strings.Join(before, "---\n") {
		t.Errorf("the items changed:\n%s", strings.Join(after, "---\n"))
	}
}

// Each way labels or annotations can fail to be a map of strings, and the
// ways they are fine: the first problem in the document's order is reported.
func TestMetadataStringMaps(t *testing.T) {
	tests := []struct{ labels, want string }{
		{"", ""},
		{"  labels:\n", ""},
		{"  labels: {}\n", ""},
		{"  labels: {app: web, tier: \"1\"}\n", ""},
		{"  labels: web\n", "Deployment web: metadata.labels must be a map of strings"},
		{"  labels: [web]\n", "Deployment web: metadata.labels must be a map of strings"},
		{"  labels: {app: web, tier: 1, on: true}\n", "Deployment web: metadata.labels[tier] must be a string: quote it"},
		{"  labels: {app: {name: web}}\n", "Deployment web: metadata.labels must be a map of strings"},
		{"  labels: {app: [web]}\n", "Deployment web: metadata.labels must be a map of strings"},
		{"  labels: {app: }\n", "Deployment web: metadata.labels[app] must be a string: quote it"},
		{"  labels: {[app]: web}\n", "Deployment web: metadata.labels must be a map of strings"},
	}
	for _, tt := range tests {
		deployment := strings.Replace(identDeployment("web", "shop", identSpec), "  namespace: shop\n", "  namespace: shop\n"+tt.labels, 1)
		items := identParse(t, deployment)
		results := Run(&items, config.DefaultConfig(), Snapshot(items)).Results
		var want []string
		if tt.want != "" {
			want = []string{tt.want}
		}
		if got := identErrors(results); strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("%q: errors %q, want %q", tt.labels, got, want)
		}
	}
}

// Each way an item's apiVersion, kind, name or namespace can be unreadable.
func TestIdentifyShapes(t *testing.T) {
	tests := []struct{ doc, want string }{
		{"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: shop}", ""},
		{"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}", ""},
		{"apiVersion: v1\nkind: ConfigMap", ""},
		{"kind: ConfigMap\nmetadata: {name: a}", "items[0]: apiVersion is missing: lbguard cannot tell what resource it is, and leaves it as it is"},
		{"apiVersion: ~\nkind: ConfigMap\nmetadata: {name: a}", "items[0]: apiVersion must be a string: lbguard cannot tell what resource it is, and leaves it as it is"},
		{"apiVersion: 1\nkind: ConfigMap\nmetadata: {name: a}", "items[0]: apiVersion must be a string: lbguard cannot tell what resource it is, and leaves it as it is"},
		{"apiVersion: [v1]\nkind: ConfigMap\nmetadata: {name: a}", "items[0]: apiVersion must be a string: lbguard cannot tell what resource it is, and leaves it as it is"},
		{"apiVersion: ''\nkind: ConfigMap\nmetadata: {name: a}", "items[0]: apiVersion is missing: lbguard cannot tell what resource it is, and leaves it as it is"},
		{"apiVersion: v1\nmetadata: {name: a}", "items[0]: kind is missing: lbguard cannot tell what resource it is, and leaves it as it is"},
		{"apiVersion: v1\nkind: true\nmetadata: {name: a}", "items[0]: kind must be a string: lbguard cannot tell what resource it is, and leaves it as it is"},
		{"apiVersion: v1\nkind: {a: b}\nmetadata: {name: a}", "items[0]: kind must be a string: lbguard cannot tell what resource it is, and leaves it as it is"},
		{"apiVersion: v1\nkind: ConfigMap\nmetadata: ~", "items[0]: metadata must be a map: lbguard cannot tell what resource it is, and leaves it as it is"},
		{"apiVersion: v1\nkind: ConfigMap\nmetadata: a", "items[0]: metadata must be a map: lbguard cannot tell what resource it is, and leaves it as it is"},
		{"apiVersion: v1\nkind: ConfigMap\nmetadata: [a]", "items[0]: metadata must be a map: lbguard cannot tell what resource it is, and leaves it as it is"},
		{"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: 1}", "items[0]: metadata.name must be a string: lbguard cannot tell what resource it is, and leaves it as it is"},
		{"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ~}", "items[0]: metadata.name must be a string: lbguard cannot tell what resource it is, and leaves it as it is"},
		{"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: [a]}", "items[0]: metadata.name must be a string: lbguard cannot tell what resource it is, and leaves it as it is"},
		{"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: 7}", "items[0]: metadata.namespace must be a string: lbguard cannot tell what resource it is, and leaves it as it is"},
		{"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: ~}", "items[0]: metadata.namespace must be a string: lbguard cannot tell what resource it is, and leaves it as it is"},
		{"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: {x: y}}", "items[0]: metadata.namespace must be a string: lbguard cannot tell what resource it is, and leaves it as it is"},
	}
	for _, tt := range tests {
		items, err := fn.ParseKubeObjects([]byte(tt.doc))
		if err != nil {
			t.Fatal(err)
		}
		r := &model.Report{}
		known, _ := model.CheckItems(items, r)
		var got []string
		for _, res := range r.Results {
			got = append(got, res.Message)
		}
		if strings.Join(got, "\n") != tt.want || (tt.want == "") != (len(known) == 1) {
			t.Errorf("%q:\n got  %q (%d known)\n want %q", tt.doc, strings.Join(got, "\n"), len(known), tt.want)
		}
	}
}
