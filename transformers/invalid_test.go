package transformers

import (
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
			results := Run(&items, DefaultConfig())
			if got := identErrors(results); len(got) != 1 || got[0] != tt.error {
				t.Errorf("errors %q, want [%q]", got, tt.error)
			}
			for _, obj := range items {
				if obj.GetKind() == "Deployment" && obj.String() != deployment {
					t.Errorf("the Deployment changed:\n%s\nwas:\n%s", obj.String(), deployment)
				}
			}
			for _, r := range results {
				if r.ResourceRef != nil && r.ResourceRef.Kind == "Deployment" && r.Tags[TagAction] == ActionChanged {
					t.Errorf("a change is reported on the Deployment left as it was: %s", r.Message)
				}
			}
		})
	}
}
