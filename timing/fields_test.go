package timing

import (
	"strings"
	"testing"
)

// Where D is set depends on the object that ties the workload to its target
// group (docs/rules.md R2, docs/gateway.md).
func TestDeregistrationDelayField(t *testing.T) {
	cases := []struct {
		front Front
		kind  Kind
		want  string
	}{
		{FrontIngress, ALB, "alb.ingress.kubernetes.io/target-group-attributes"},
		{FrontService, NLB, "service.beta.kubernetes.io/aws-load-balancer-target-group-attributes"},
		{FrontService, Classic, "aws-load-balancer-connection-draining-timeout"},
		{FrontTargetGroupBinding, NLB, "where the target group is managed"},
		{FrontGatewayRoute, ALB, "TargetGroupConfiguration"},
	}
	for _, c := range cases {
		if got := deregistrationDelayField(c.front, c.kind); !strings.Contains(got, c.want) {
			t.Errorf("%s %s: %q lacks %q", c.front, c.kind, got, c.want)
		}
	}
}

func TestInputOddities(t *testing.T) {
	in := Input{
		LoadBalancer: LoadBalancer{Kind: ALB, TargetType: "pod", HealthCheck: HealthCheck{Timeout: 2, HealthyThreshold: 4}},
		Workload:     Workload{Replicas: maxReplicas + 1},
	}
	m := resolve(in)
	notes := strings.Join(m.notes, "\n")
	for _, want := range []string{`target type "pod" unknown`, "simulated as 10000"} {
		if !strings.Contains(notes, want) {
			t.Errorf("notes lack %q:\n%s", want, notes)
		}
	}
	if m.target != TargetInstance || m.n != maxReplicas || m.hc.Timeout != 2 || m.hc.HealthyThreshold != 4 {
		t.Errorf("resolved %s, N=%d, health check %+v", m.target, m.n, m.hc)
	}
	if Typical.String() != "typical" || Worst.String() != "worst" {
		t.Error("case names")
	}
}
