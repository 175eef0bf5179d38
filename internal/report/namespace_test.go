package report_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/lbguard/lbguard/internal/report"
)

// testdata/namespace: a-config.yaml holds a ConfigMap of Namespace shop,
// b-web.yaml a hardened Deployment behind an ALB Ingress in shop, which is
// not in the input. The R3 warning (lbguard cannot label the Namespace) is
// placed where the workload it protects says its namespace, b-web.yaml:5,
// not on the ConfigMap that happens to come first: SARIF needs a file and
// line to show a result in a pull request, and this one is where the
// namespace is chosen.
func TestMissingNamespaceIsPlacedAtItsWorkload(t *testing.T) {
	r := lbguard(t, "", "audit", "--format", "sarif", "--root", ".", "namespace")
	r.want(t, 0, "lbguard audit: 0 errors, 1 warning in 1 workload (5 resources, 2 files read); exit status 0\n")
	var log report.SARIFLog
	if err := json.Unmarshal([]byte(r.stdout), &log); err != nil {
		t.Fatal(err)
	}
	results := log.Runs[0].Results
	if len(results) != 1 || results[0].RuleID != "R3" {
		t.Fatalf("results %+v, want the R3 warning alone", results)
	}
	want := []report.SARIFLocation{{
		PhysicalLocation: &report.SARIFPhysicalLocation{
			ArtifactLocation: report.SARIFArtifactLocation{URI: "namespace/b-web.yaml", URIBaseID: "%SRCROOT%"},
			Region:           &report.SARIFRegion{StartLine: 5},
		},
		LogicalLocations: []report.SARIFLogicalLocation{{Name: "shop", FullyQualifiedName: "v1/Namespace/shop", Kind: "resource"}},
	}}
	if got := results[0].Locations; !reflect.DeepEqual(got, want) {
		gotJSON, _ := json.Marshal(got)
		wantJSON, _ := json.Marshal(want)
		t.Errorf("locations\n%s\nwant\n%s", gotJSON, wantJSON)
	}
}

func TestMissingNamespaceIsPlacedAtItsWorkloadInText(t *testing.T) {
	r := lbguard(t, "", "audit", "namespace")
	r.want(t, 0, "")
	want := `Deployment shop/web  (namespace/b-web.yaml:4)
  WARNING R3 readiness gates · Namespace shop
      field: metadata.labels[elbv2.k8s.aws/pod-readiness-gate-inject]  (namespace/b-web.yaml:5)
`
	if !strings.HasPrefix(r.stdout, want) {
		t.Errorf("got:\n%s\nwant it to start with:\n%s", r.stdout, want)
	}
}
