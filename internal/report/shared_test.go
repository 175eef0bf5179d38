package report_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/lbguard/lbguard/internal/report"
)

// testdata/shared.yaml: Deployments api and web, each hardened, behind one
// Ingress with instance targets, in Namespace shop, which is not in the
// input. The Ingress's R1 error and the Namespace's R3 warning put both
// workloads at risk: the text report writes each once, under the first
// workload, and names it under the second; the summary, JSON and SARIF
// count each once.

const sharedAudit = `Deployment shop/api  (shared.yaml:4)
  ERROR R1 ip target type · Ingress shop/shop
      field: metadata.annotations[alb.ingress.kubernetes.io/target-type]  (shared.yaml:113)
      now:   instance
      wants: ip
      fix:   Ingress shop: target type set to ip (was instance): the ELB sends to pod IPs, so its health checks and draining see each pod
      why:   With instance targets the ELB sends to every node's NodePort and kube-proxy forwards, so health checks and draining see the node, not the pod, and a pod that is going away still gets new requests.
  WARNING R3 readiness gates · Namespace shop
      field: metadata.labels[elbv2.k8s.aws/pod-readiness-gate-inject]  (shared.yaml:5)
      risk:  Namespace shop holds ip targets of Ingress shop but is not in the list, so lbguard cannot label it: label it elbv2.k8s.aws/pod-readiness-gate-inject=enabled before its pods are created (the LBC webhook adds readiness gates only to pods created after the label)
      why:   Without readiness gates a new pod turns Ready before the ELB has registered it and seen it pass a health check, so a rollout can kill the old pods while the target group has no healthy target.

Deployment shop/web  (shared.yaml:33)
  (also: ERROR R1 ip target type · Ingress shop/shop, shown under Deployment shop/api)
  (also: WARNING R3 readiness gates · Namespace shop, shown under Deployment shop/api)

lbguard audit: 1 error, 1 warning in 2 workloads (7 resources, 1 file read); exit status 1
`

const sharedSummary = "lbguard audit: 1 error, 1 warning in 2 workloads (7 resources, 1 file read); exit status 1\n"

func TestTextReportWritesASharedFindingOnce(t *testing.T) {
	r := lbguard(t, "", "audit", "shared.yaml")
	r.want(t, 1, "")
	want := sharedAudit + "(3 notes not shown: 3 values kept as the user set them; --format json lists them)\n" +
		"Apply the fixes with `lbguard fix --in-place PATH...` (or `lbguard fix` as a KRM function); " +
		"annotate a resource lbguard.dev/audit: warn to report its findings as warnings while you roll out.\n"
	if r.stdout != want {
		t.Errorf("got:\n%s\nwant:\n%s", r.stdout, want)
	}
}

// In fix the reference names the change as the report does: CHANGED.
func TestFixReportWritesASharedChangeOnce(t *testing.T) {
	r := lbguard(t, "", "fix", "shared.yaml")
	if r.status != 0 {
		t.Fatalf("exit status %d\n%s", r.status, r.stderr)
	}
	want := `Deployment shop/web  (shared.yaml:33)
  (also: CHANGED R1 ip target type · Ingress shop/shop, shown under Deployment shop/api)
  (also: WARNING R3 readiness gates · Namespace shop, shown under Deployment shop/api)

lbguard fix: 1 change, 0 errors, 1 warning in 2 workloads (7 resources, 1 file read); exit status 0
`
	if !strings.Contains(r.stderr, want) {
		t.Errorf("stderr:\n%s\nwant it to hold:\n%s", r.stderr, want)
	}
}

func TestJSONListsASharedFindingOnce(t *testing.T) {
	r := lbguard(t, "", "audit", "--format", "json", "shared.yaml")
	r.want(t, 1, sharedSummary)
	var doc report.JSONReport
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatal(err)
	}
	if s := doc.Summary; s.Errors != 1 || s.Warnings != 1 || s.Workloads != 2 {
		t.Errorf("summary %+v, want 1 error, 1 warning, 2 workloads", s)
	}
	both := []string{"Deployment shop/api", "Deployment shop/web"}
	var shared []string
	for _, f := range doc.Findings {
		if f.Severity == "info" {
			continue
		}
		shared = append(shared, f.Rule+" "+f.Resource.Kind)
		if !reflect.DeepEqual(f.Workloads, both) {
			t.Errorf("%s %s: workloads %q, want %q", f.Rule, f.Resource.Kind, f.Workloads, both)
		}
	}
	if want := []string{"R1 Ingress", "R3 Namespace"}; !reflect.DeepEqual(shared, want) {
		t.Errorf("JSON findings %q, want %q, each once", shared, want)
	}
}

func TestSARIFListsASharedFindingOnce(t *testing.T) {
	r := lbguard(t, "", "audit", "--format", "sarif", "shared.yaml")
	r.want(t, 1, sharedSummary)
	var log report.SARIFLog
	if err := json.Unmarshal([]byte(r.stdout), &log); err != nil {
		t.Fatal(err)
	}
	var results []string
	for _, res := range log.Runs[0].Results {
		results = append(results, res.RuleID+" "+res.Locations[0].LogicalLocations[0].FullyQualifiedName)
	}
	if want := []string{"R1 networking.k8s.io/v1/Ingress/shop/shop", "R3 v1/Namespace/shop"}; !reflect.DeepEqual(results, want) {
		t.Errorf("SARIF results %q, want %q, each once", results, want)
	}
}
