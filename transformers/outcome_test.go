package transformers

import (
	"reflect"
	"strings"
	"testing"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/transformers/config"
	"github.com/lbguard/lbguard/transformers/model"
	"github.com/lbguard/lbguard/transformers/rules"
)

// The outcome names the workloads each result puts at risk: the workload
// itself; those behind a load balancer or Service; those of a Namespace that
// load balancers front; the workload a new budget was made for. In audit
// mode too, where the objects the rules read are gone.
func TestOutcomeWorkloads(t *testing.T) {
	stream := strings.Join([]string{
		"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n",
		"apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  ingressClassName: alb\n  defaultBackend:\n    service:\n      name: web\n      port:\n        number: 80\n",
		"apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  selector:\n    app: web\n  ports:\n  - port: 80\n    targetPort: 8080\n",
		servingWorkload("Deployment", "web", "  replicas: 2\n"),
		servingWorkload("StatefulSet", "web", "  replicas: 2\n"),
		"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: batch\n  namespace: shop\nspec:\n  selector:\n    matchLabels:\n      app: batch\n  template:\n    metadata:\n      labels:\n        app: batch\n    spec:\n      containers:\n      - name: batch\n        image: batch\n",
	}, "---\n")
	web := model.ResourceID{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "shop", Name: "web"}
	webSet := model.ResourceID{APIVersion: "apps/v1", Kind: "StatefulSet", Namespace: "shop", Name: "web"}
	for _, mode := range []config.Mode{config.ModeFix, config.ModeAudit} {
		objs, err := fn.ParseKubeObjects([]byte(stream))
		if err != nil {
			t.Fatal(err)
		}
		cfg := config.DefaultConfig()
		cfg.Mode = mode
		items := fn.KubeObjects(objs)
		outcome := Run(&items, cfg, Snapshot(items))
		got := map[string][]model.ResourceID{}
		for _, res := range outcome.Results {
			key := res.Tags[model.TagRule] + " " + res.ResourceRef.Kind + "/" + res.ResourceRef.Name
			got[key] = append(got[key], outcome.Workloads(res)...)
		}
		want := map[string][]model.ResourceID{
			"R1 Ingress/web":             {web, webSet},
			"R2 Ingress/web":             {web, webSet},
			"R3 Namespace/shop":          {web, webSet},
			"R5 Deployment/web":          {web},
			"R6 Deployment/web":          {web},
			"R5 StatefulSet/web":         {webSet},
			"R6 StatefulSet/web":         {webSet},
			"R7 PodDisruptionBudget/web": {web},
		}
		for key, ids := range want {
			if !reflect.DeepEqual(got[key], ids) {
				t.Errorf("%s: %s: %v, want %v", mode, key, got[key], ids)
			}
		}
	}
}

// IsWorkload tells workload kinds by their group too.
func TestIsWorkload(t *testing.T) {
	for _, tt := range []struct {
		apiVersion, kind string
		want             bool
	}{
		{"apps/v1", "Deployment", true}, {"apps/v1", "StatefulSet", true}, {"apps/v1", "DaemonSet", true},
		{"apps/v1", "ReplicaSet", true}, {"argoproj.io/v1alpha1", "Rollout", true},
		{"v1", "Deployment", false}, {"example.com/v1", "Rollout", false}, {"apps/v1", "Service", false},
	} {
		if got := IsWorkload(tt.apiVersion, tt.kind); got != tt.want {
			t.Errorf("IsWorkload(%s, %s) = %v", tt.apiVersion, tt.kind, got)
		}
	}
}

// The registry describes R1 … R8 in order, then unreadable fields, and
// names an unknown id by itself.
func TestRuleInfos(t *testing.T) {
	var ids []string
	for _, info := range rules.RuleInfos() {
		ids = append(ids, string(info.ID)+" "+info.Name)
	}
	want := "R1 IPTargetType,R2 DeregistrationDelay,R3 ReadinessGates,R4 ReadinessProbe,R5 PreStopDelay,R6 GracePeriod,R7 DisruptionBudget,R8 SignalHandling,invalid UnreadableField"
	if got := strings.Join(ids, ","); got != want {
		t.Errorf("RuleInfos: %s", got)
	}
	if got := rules.DescribeRule("R9"); got != (rules.RuleInfo{ID: "R9", Name: "R9", Title: "R9"}) {
		t.Errorf("DescribeRule(R9) = %+v", got)
	}
	if got := rules.DescribeRule("R5"); got.Title != "preStop delay" || got.Severity != fn.Error {
		t.Errorf("DescribeRule(R5) = %+v", got)
	}
}
