package cli

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// gatewayCase is a golden case of a Service behind an HTTPRoute of an ALB
// Gateway and a TCPRoute of an NLB Gateway.
const gatewayCase = "../../testdata/golden/gw-two-route-kinds"

// audit groups a Gateway-fronted workload under its routes and Gateways,
// in the text, JSON and SARIF reports; the TargetGroupConfiguration to
// create is an error of the workload, with its file.
func TestCLIAuditGroupsGatewayFronts(t *testing.T) {
	fronts := []string{
		"HTTPRoute shop/web on Gateway shop/public (ALB)",
		"TCPRoute shop/web-tcp on Gateway shop/tcp (NLB)",
	}
	text := runLBGuard(t, gatewayCase, nil, "audit", "resources.yaml")
	text.want(t, "audit", 1)
	for _, want := range []string{
		"Deployment shop/web  (resources.yaml:",
		")\n  behind " + fronts[0] + "\n  behind " + fronts[1] + "\n  ERROR R1 ip target type · TargetGroupConfiguration shop/web\n" +
			"      field: spec.defaultConfiguration.targetType  (resources.yaml:78)\n" +
			"      now:   (not set)\n" +
			"      wants: ip\n" +
			"      fix:   TargetGroupConfiguration web added for Service web: targetType ip (was instance, the LBC default)",
		"  ERROR R5 preStop delay\n" +
			"      field: spec.template.spec.containers[0].lifecycle.preStop.sleep.seconds  (resources.yaml:",
		"      wants: 180\n",
	} {
		if !strings.Contains(text.stdout, want) {
			t.Errorf("the text report lacks\n%s\n--- report:\n%s", want, text.stdout)
		}
	}

	js := runLBGuard(t, gatewayCase, nil, "audit", "--format", "json", "resources.yaml")
	js.want(t, "audit --format json", 1)
	var report struct {
		Findings []struct {
			Rule      string   `json:"rule"`
			Workloads []string `json:"workloads"`
			Gateways  []string `json:"gateways"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(js.stdout), &report); err != nil {
		t.Fatal(err)
	}
	for _, f := range report.Findings {
		if !reflect.DeepEqual(f.Workloads, []string{"Deployment shop/web"}) || !reflect.DeepEqual(f.Gateways, fronts) {
			t.Errorf("finding %s: workloads %q, gateways %q; want Deployment shop/web behind %q", f.Rule, f.Workloads, f.Gateways, fronts)
		}
	}
	if len(report.Findings) == 0 {
		t.Error("no findings")
	}

	sarif := runLBGuard(t, gatewayCase, nil, "audit", "--format", "sarif", "resources.yaml")
	sarif.want(t, "audit --format sarif", 1)
	var log struct {
		Runs []struct {
			Results []struct {
				RuleID     string         `json:"ruleId"`
				Properties map[string]any `json:"properties"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(sarif.stdout), &log); err != nil {
		t.Fatal(err)
	}
	for _, res := range log.Runs[0].Results {
		if got := res.Properties["gateways"]; !reflect.DeepEqual(got, []any{fronts[0], fronts[1]}) {
			t.Errorf("SARIF result %s: gateways %v, want %q", res.RuleID, got, fronts)
		}
	}
}
