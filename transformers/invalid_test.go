package transformers

import (
	"github.com/lbguard/lbguard/transformers/config"
	"github.com/lbguard/lbguard/transformers/model"
	"strings"
	"testing"
)

// An object one rule cannot read passes through as it came, even when rules
// that ran before could read and edit other fields of it.
func TestInvalidObjectUnchanged(t *testing.T) {
	tests := []struct {
		name, spec, error string
	}{
		{
			name:  "replicas not a number",
			spec:  strings.Replace(identSpec, "replicas: 2", "replicas: three", 1),
			error: "Deployment web: spec.replicas must be an integer",
		},
		{
			name:  "a negative grace period",
			spec:  strings.Replace(identSpec, "    spec:\n", "    spec:\n      terminationGracePeriodSeconds: -1\n", 1),
			error: "Deployment web: spec.template.spec.terminationGracePeriodSeconds must be a whole number of seconds, 0 or more",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items := identParse(t, identService, identDeployment("web", "shop", tt.spec))
			deployment := items[1].String()
			results := Run(&items, config.DefaultConfig(), Snapshot(items)).Results
			if got := identErrors(results); len(got) != 1 || got[0] != tt.error {
				t.Errorf("errors %q, want [%q]", got, tt.error)
			}
			for _, obj := range items {
				if obj.GetKind() == "Deployment" && obj.String() != deployment {
					t.Errorf("the Deployment changed:\n%s\nwas:\n%s", obj.String(), deployment)
				}
			}
			for _, r := range results {
				if r.ResourceRef != nil && r.ResourceRef.Kind == "Deployment" && r.Tags[model.TagAction] == model.ActionChanged {
					t.Errorf("a change is reported on the Deployment left as it was: %s", r.Message)
				}
			}
		})
	}
}

// A backend that is not a map used to end the process: the SDK's GetMap
// wraps any value, and reading a list of odd length as a map calls
// log.Fatalf ("unexpected number of children for map 1").
func TestIngressBackendNotAMap(t *testing.T) {
	ingress := `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  namespace: shop
  annotations:
    kubernetes.io/ingress.class: alb
spec:
  defaultBackend: [web]
  rules:
  - http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: web
            port: [80]
`
	items := identParse(t, ingress, identService, identDeployment("web", "shop", identSpec))
	before := identStrings(items)
	results := Run(&items, config.DefaultConfig(), Snapshot(items)).Results
	want := []string{
		"Ingress web: spec.defaultBackend must be a map",
		"Ingress web: spec.rules[0].http.paths[0].backend.service.port must be a map",
	}
	if got := identErrors(results); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if got := identStrings(items)[0]; got != before[0] {
		t.Errorf("the Ingress changed:\n%s", got)
	}
}
