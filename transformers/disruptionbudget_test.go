package transformers

import (
	"fmt"
	"strings"
	"testing"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/transformers/config"
	"github.com/lbguard/lbguard/transformers/model"
	"github.com/lbguard/lbguard/transformers/rules"
)

// behindNLB is an LBC NLB Service that fronts the pods labelled app: web in
// namespace shop, followed by the given objects.
func behindNLB(objects ...string) string {
	return `apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
  annotations:
    service.beta.kubernetes.io/aws-load-balancer-type: external
spec:
  type: LoadBalancer
  selector:
    app: web
  ports:
  - port: 80
    targetPort: 8080
---
` + strings.Join(objects, "---\n")
}

// servingWorkload is a workload in namespace shop whose pods carry podLabels
// and whose spec starts with specLines (such as "  replicas: 3\n"). Its
// selector is app: web.
func servingWorkload(kind, name, specLines string) string {
	apiVersion := "apps/v1"
	if kind == "Rollout" {
		apiVersion = "argoproj.io/v1alpha1"
	}
	return fmt.Sprintf(`apiVersion: %s
kind: %s
metadata:
  name: %s
  namespace: shop
spec:
%s  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: app
        image: web:1
        ports:
        - containerPort: 8080
`, apiVersion, kind, name, specLines)
}

func budgetYAML(apiVersion, name, specLines string) string {
	return fmt.Sprintf(`apiVersion: %s
kind: PodDisruptionBudget
metadata:
  name: %s
  namespace: shop
spec:
%s`, apiVersion, name, specLines)
}

// newWebBudget is the budget lbguard adds for a workload named web.
func newWebBudget(maxUnavailable string) string {
	return `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web
  namespace: shop
  labels:
    app.kubernetes.io/managed-by: lbguard
spec:
  maxUnavailable: ` + maxUnavailable + `
  selector:
    matchLabels:
      app: web
  unhealthyPodEvictionPolicy: AlwaysAllow
`
}

// runRuleOn runs every rule over the stream and returns the items and, one
// line each, the results of rule (and the errors of any rule):
// "severity Kind/name field=current: message".
func runRuleOn(t *testing.T, stream string, cfg config.Config, rule model.RuleID) (fn.KubeObjects, []string) {
	t.Helper()
	list, results := applyRules(t, stream, cfg)
	var lines []string
	for _, res := range results {
		if res.Tags[model.TagRule] != string(rule) && res.Severity != fn.Error {
			continue
		}
		line := fmt.Sprintf("%s %s/%s", res.Severity, res.ResourceRef.Kind, res.ResourceRef.Name)
		if res.Field != nil {
			line += " " + res.Field.Path
			if res.Field.CurrentValue != nil {
				line += fmt.Sprintf("=%v", res.Field.CurrentValue)
			}
		}
		lines = append(lines, line+": "+res.Message)
	}
	return list, lines
}

// budgetsIn returns the PodDisruptionBudgets of items as YAML, by name.
func budgetsIn(items fn.KubeObjects) map[string]string {
	out := map[string]string{}
	for _, obj := range items {
		if obj.GetKind() == "PodDisruptionBudget" {
			out[obj.GetName()] = obj.String()
		}
	}
	return out
}

const singleReplicaConsequence = "lbguard adds no PodDisruptionBudget (a budget that keeps the only pod would block every drain), so a drain or node upgrade takes the pod down and the load balancer has no healthy target until its replacement is ready: run 2 or more replicas"

func TestDisruptionBudget(t *testing.T) {
	goodBudget := budgetYAML("policy/v1", "web-pdb", "  maxUnavailable: 1\n  selector:\n    matchLabels:\n      app: web\n  unhealthyPodEvictionPolicy: AlwaysAllow\n")
	threeReplicas := servingWorkload("Deployment", "web", "  replicas: 3\n")
	added := func(kind, replicas, maxUnavailable string) string {
		return fmt.Sprintf("info PodDisruptionBudget/web spec: PodDisruptionBudget web added for %s web (%s): a drain or node upgrade evicts at most %s of its pods at a time, and may always evict one that is not ready (unhealthyPodEvictionPolicy: AlwaysAllow)", kind, replicas, maxUnavailable)
	}
	tests := []struct {
		name           string
		stream         string
		maxUnavailable string            // config; "" is the default
		wantBudgets    map[string]string // every PodDisruptionBudget after the run
		wantResults    []string
	}{
		{
			name:        "missing: a Deployment of 3 replicas gets one",
			stream:      behindNLB(threeReplicas),
			wantBudgets: map[string]string{"web": newWebBudget("1")},
			wantResults: []string{added("Deployment", "3 replicas", "1")},
		},
		{
			name:        "already covered by a good budget: kept, none added",
			stream:      behindNLB(threeReplicas, goodBudget),
			wantBudgets: map[string]string{"web-pdb": goodBudget},
			wantResults: []string{"info PodDisruptionBudget/web-pdb spec=maxUnavailable: 1: PodDisruptionBudget web-pdb already covers Deployment web: kept as it is"},
		},
		{
			name:   "partly right: maxUnavailable 0 blocks every eviction",
			stream: behindNLB(threeReplicas, budgetYAML("policy/v1", "web-pdb", "  maxUnavailable: 0\n  selector:\n    matchLabels:\n      app: web\n  unhealthyPodEvictionPolicy: AlwaysAllow\n")),
			wantResults: []string{
				"warning PodDisruptionBudget/web-pdb spec.maxUnavailable=0: PodDisruptionBudget web-pdb allows no eviction of the pods of Deployment web (maxUnavailable: 0 with 3 replicas): drains and node upgrades hang on them. lbguard leaves it as it is: use maxUnavailable: 1 (or a percentage) instead",
			},
		},
		{
			name:   "minAvailable equal to the replicas blocks, and unhealthy pods cannot be evicted",
			stream: behindNLB(threeReplicas, budgetYAML("policy/v1", "web-pdb", "  minAvailable: 3\n  selector:\n    matchLabels:\n      app: web\n")),
			wantResults: []string{
				"warning PodDisruptionBudget/web-pdb spec.minAvailable=3: PodDisruptionBudget web-pdb allows no eviction of the pods of Deployment web (minAvailable: 3 with 3 replicas): drains and node upgrades hang on them. lbguard leaves it as it is: use maxUnavailable: 1 (or a percentage) instead",
				"warning PodDisruptionBudget/web-pdb spec.unhealthyPodEvictionPolicy: PodDisruptionBudget web-pdb does not set unhealthyPodEvictionPolicy: AlwaysAllow: while its budget is spent, a pod of Deployment web that runs but is not ready cannot be evicted either, so a drain can hang on a crash-looping pod. lbguard leaves it as it is",
			},
		},
		{
			name:   "minAvailable 100% blocks",
			stream: behindNLB(threeReplicas, budgetYAML("policy/v1", "web-pdb", "  minAvailable: 100%\n  selector:\n    matchLabels:\n      app: web\n  unhealthyPodEvictionPolicy: AlwaysAllow\n")),
			wantResults: []string{
				"warning PodDisruptionBudget/web-pdb spec.minAvailable=100%: PodDisruptionBudget web-pdb allows no eviction of the pods of Deployment web (minAvailable: 100% with 3 replicas): drains and node upgrades hang on them. lbguard leaves it as it is: use maxUnavailable: 1 (or a percentage) instead",
			},
		},
		{
			name:   "minAvailable 67% of 3 rounds up to 3, and blocks",
			stream: behindNLB(threeReplicas, budgetYAML("policy/v1", "web-pdb", "  minAvailable: 67%\n  selector:\n    matchLabels:\n      app: web\n  unhealthyPodEvictionPolicy: AlwaysAllow\n")),
			wantResults: []string{
				"warning PodDisruptionBudget/web-pdb spec.minAvailable=67%: PodDisruptionBudget web-pdb allows no eviction of the pods of Deployment web (minAvailable: 67% with 3 replicas): drains and node upgrades hang on them. lbguard leaves it as it is: use maxUnavailable: 1 (or a percentage) instead",
			},
		},
		{
			name:   "minAvailable 66% of 3 rounds up to 2, and leaves one pod to evict",
			stream: behindNLB(threeReplicas, budgetYAML("policy/v1", "web-pdb", "  minAvailable: 66%\n  selector:\n    matchLabels:\n      app: web\n  unhealthyPodEvictionPolicy: AlwaysAllow\n")),
			wantResults: []string{
				"info PodDisruptionBudget/web-pdb spec=minAvailable: 66%: PodDisruptionBudget web-pdb already covers Deployment web: kept as it is",
			},
		},
		{
			name:   "maxUnavailable 10% of 3 rounds up to 1",
			stream: behindNLB(threeReplicas, budgetYAML("policy/v1", "web-pdb", "  maxUnavailable: 10%\n  selector:\n    matchLabels:\n      app: web\n  unhealthyPodEvictionPolicy: AlwaysAllow\n")),
			wantResults: []string{
				"info PodDisruptionBudget/web-pdb spec=maxUnavailable: 10%: PodDisruptionBudget web-pdb already covers Deployment web: kept as it is",
			},
		},
		{
			name:   "policy/v1beta1 is no longer served",
			stream: behindNLB(threeReplicas, budgetYAML("policy/v1beta1", "web-pdb", "  maxUnavailable: 1\n  selector:\n    matchLabels:\n      app: web\n")),
			wantResults: []string{
				"warning PodDisruptionBudget/web-pdb apiVersion=policy/v1beta1: PodDisruptionBudget web-pdb is policy/v1beta1, which Kubernetes no longer serves (since 1.25): applying it fails, and Deployment web is left without a budget. lbguard leaves it as it is: change its apiVersion to policy/v1",
			},
		},
		{
			name:   "policy/v1beta1 with an empty selector covers the namespace once it is v1",
			stream: behindNLB(threeReplicas, budgetYAML("policy/v1beta1", "all", "  maxUnavailable: 1\n  selector: {}\n")),
			wantResults: []string{
				"warning PodDisruptionBudget/all apiVersion=policy/v1beta1: PodDisruptionBudget all is policy/v1beta1, which Kubernetes no longer serves (since 1.25): applying it fails, and Deployment web is left without a budget. lbguard leaves it as it is: change its apiVersion to policy/v1, and mind its empty selector: it covered no pods in v1beta1, and covers every pod of namespace shop in policy/v1",
			},
		},
		{
			name: "two budgets over the same pods",
			stream: behindNLB(threeReplicas, goodBudget,
				budgetYAML("policy/v1", "web-too", "  maxUnavailable: 25%\n  selector:\n    matchExpressions:\n    - key: app\n      operator: In\n      values: [web, api]\n  unhealthyPodEvictionPolicy: AlwaysAllow\n")),
			wantResults: []string{
				"warning PodDisruptionBudget/web-too spec.selector: PodDisruptionBudgets web-pdb and web-too both cover the pods of Deployment web: the eviction API refuses to evict a pod that more than one budget covers, so drains hang on these pods. Keep one; lbguard edits none",
			},
		},
		{
			name: "an empty policy/v1 selector covers every pod of the namespace",
			stream: behindNLB(threeReplicas,
				budgetYAML("policy/v1", "everything", "  maxUnavailable: 1\n  selector: {}\n  unhealthyPodEvictionPolicy: AlwaysAllow\n")),
			wantResults: []string{"info PodDisruptionBudget/everything spec=maxUnavailable: 1: PodDisruptionBudget everything already covers Deployment web: kept as it is"},
		},
		{
			name: "budgets that do not select the pods do not cover them",
			stream: behindNLB(threeReplicas,
				budgetYAML("policy/v1", "others", "  maxUnavailable: 1\n  selector:\n    matchExpressions:\n    - {key: app, operator: NotIn, values: [web]}\n"),
				budgetYAML("policy/v1", "no-selector", "  maxUnavailable: 1\n"),
				strings.Replace(goodBudget, "namespace: shop", "namespace: other", 1)),
			wantBudgets: map[string]string{
				"web":         newWebBudget("1"),
				"others":      budgetYAML("policy/v1", "others", "  maxUnavailable: 1\n  selector:\n    matchExpressions:\n    - {key: app, operator: NotIn, values: [web]}\n"),
				"no-selector": budgetYAML("policy/v1", "no-selector", "  maxUnavailable: 1\n"),
				"web-pdb":     strings.Replace(goodBudget, "namespace: shop", "namespace: other", 1),
			},
			wantResults: []string{added("Deployment", "3 replicas", "1")},
		},
		{
			name:        "single replica: none added, and a warning",
			stream:      behindNLB(servingWorkload("Deployment", "web", "  replicas: 1\n")),
			wantResults: []string{"warning Deployment/web spec.replicas=1: Deployment web runs a single replica: " + singleReplicaConsequence},
		},
		{
			name:        "replicas not set: 1",
			stream:      behindNLB(servingWorkload("Deployment", "web", "")),
			wantResults: []string{"warning Deployment/web spec.replicas: Deployment web runs a single replica (spec.replicas is not set, and defaults to 1): " + singleReplicaConsequence},
		},
		{
			name:        "scaled to zero: nothing to protect",
			stream:      behindNLB(servingWorkload("Deployment", "web", "  replicas: 0\n")),
			wantResults: nil,
		},
		{
			name: "replicas left to an HPA that may scale out",
			stream: behindNLB(servingWorkload("Deployment", "web", ""), `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
  namespace: shop
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: web
  maxReplicas: 10
`),
			wantBudgets: map[string]string{"web": newWebBudget("1")},
			wantResults: []string{added("Deployment", "1 to 10 replicas, scaled by HorizontalPodAutoscaler web", "1")},
		},
		{
			name: "an HPA that keeps one replica",
			stream: behindNLB(servingWorkload("Deployment", "web", "  replicas: 3\n"), `apiVersion: autoscaling/v1
kind: HorizontalPodAutoscaler
metadata:
  name: web-hpa
  namespace: shop
spec:
  scaleTargetRef:
    kind: Deployment
    name: web
  minReplicas: 1
  maxReplicas: 1
`),
			wantResults: []string{"warning HorizontalPodAutoscaler/web-hpa spec.maxReplicas=1: HorizontalPodAutoscaler web-hpa keeps Deployment web at a single replica (maxReplicas: 1): " + singleReplicaConsequence},
		},
		{
			name: "an HPA's minimum decides whether a budget blocks",
			stream: behindNLB(servingWorkload("Deployment", "web", ""),
				budgetYAML("policy/v1", "web-pdb", "  minAvailable: 2\n  selector:\n    matchLabels:\n      app: web\n  unhealthyPodEvictionPolicy: AlwaysAllow\n"),
				`apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
  namespace: shop
spec:
  scaleTargetRef:
    kind: Deployment
    name: web
  minReplicas: 2
  maxReplicas: 5
`),
			wantResults: []string{"warning PodDisruptionBudget/web-pdb spec.minAvailable=2: PodDisruptionBudget web-pdb allows no eviction of the pods of Deployment web (minAvailable: 2 with 2 replicas, the minimum of HorizontalPodAutoscaler web): drains and node upgrades hang on them. lbguard leaves it as it is: use maxUnavailable: 1 (or a percentage) instead"},
		},
		{
			name:        "an HPA of another kind or namespace does not count",
			stream:      behindNLB(threeReplicas, "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  scaleTargetRef:\n    kind: StatefulSet\n    name: web\n  maxReplicas: 1\n"),
			wantBudgets: map[string]string{"web": newWebBudget("1")},
			wantResults: []string{added("Deployment", "3 replicas", "1")},
		},
		{
			name:        "DaemonSet: no budget",
			stream:      behindNLB(servingWorkload("DaemonSet", "web", "")),
			wantResults: nil,
		},
		{
			name:        "StatefulSet",
			stream:      behindNLB(servingWorkload("StatefulSet", "web", "  replicas: 2\n  serviceName: web\n")),
			wantBudgets: map[string]string{"web": newWebBudget("1")},
			wantResults: []string{added("StatefulSet", "2 replicas", "1")},
		},
		{
			name:        "Argo Rollout",
			stream:      behindNLB(servingWorkload("Rollout", "web", "  replicas: 4\n")),
			wantBudgets: map[string]string{"web": newWebBudget("1")},
			wantResults: []string{added("Rollout", "4 replicas", "1")},
		},
		{
			name:        "ReplicaSet",
			stream:      behindNLB(servingWorkload("ReplicaSet", "web", "  replicas: 2\n")),
			wantBudgets: map[string]string{"web": newWebBudget("1")},
			wantResults: []string{added("ReplicaSet", "2 replicas", "1")},
		},
		{
			name:        "opted out",
			stream:      behindNLB(strings.Replace(threeReplicas, "  namespace: shop\n", "  namespace: shop\n  annotations:\n    lbguard.dev/skip: \"true\"\n", 1)),
			wantResults: nil,
		},
		{
			name:        "not behind a load balancer",
			stream:      strings.Replace(behindNLB(threeReplicas), "type: LoadBalancer", "type: ClusterIP", 1),
			wantResults: nil,
		},
		{
			name:           "maxUnavailable 25% from the config",
			stream:         behindNLB(threeReplicas),
			maxUnavailable: "25%",
			wantBudgets:    map[string]string{"web": newWebBudget("25%")},
			wantResults:    []string{added("Deployment", "3 replicas", "25%")},
		},
		{
			name:           "maxUnavailable 2 from the config",
			stream:         behindNLB(threeReplicas),
			maxUnavailable: "2",
			wantBudgets:    map[string]string{"web": newWebBudget("2")},
			wantResults:    []string{added("Deployment", "3 replicas", "2")},
		},
		{
			name:        "the name is taken by a budget over other pods",
			stream:      behindNLB(threeReplicas, budgetYAML("policy/v1", "web", "  maxUnavailable: 1\n  selector:\n    matchLabels:\n      app: cache\n")),
			wantBudgets: map[string]string{"web": budgetYAML("policy/v1", "web", "  maxUnavailable: 1\n  selector:\n    matchLabels:\n      app: cache\n")},
			wantResults: []string{"warning Deployment/web spec.selector: Deployment web has no PodDisruptionBudget, and another PodDisruptionBudget already has the name web: lbguard adds none. Add one under another name, with this workload's selector, maxUnavailable: 1 and unhealthyPodEvictionPolicy: AlwaysAllow"},
		},
		{
			name: "the new selector would also cover pods another budget covers",
			stream: behindNLB(threeReplicas,
				strings.Replace(strings.Replace(servingWorkload("Deployment", "web-canary", "  replicas: 2\n"), "        app: web\n", "        app: web\n        track: canary\n", 1), "      app: web\n  template", "      app: web\n      track: canary\n  template", 1),
				budgetYAML("policy/v1", "canary", "  maxUnavailable: 1\n  selector:\n    matchLabels:\n      track: canary\n  unhealthyPodEvictionPolicy: AlwaysAllow\n")),
			wantResults: []string{
				"warning Deployment/web spec.selector: Deployment web has no PodDisruptionBudget, but its selector also selects the pods of Deployment web-canary, which PodDisruptionBudget canary covers: a second budget over those pods would make their eviction fail, so lbguard adds none. Narrow the selector, or cover both workloads with one budget",
				"info PodDisruptionBudget/canary spec=maxUnavailable: 1: PodDisruptionBudget canary already covers Deployment web-canary: kept as it is",
			},
		},
		{
			name:        "no selector to copy",
			stream:      behindNLB(strings.Replace(threeReplicas, "  selector:\n    matchLabels:\n      app: web\n", "  selector: {}\n", 1)),
			wantResults: []string{"warning Deployment/web spec.selector: Deployment web has no spec.selector to copy: lbguard adds no PodDisruptionBudget, since an empty selector would cover every pod of namespace shop"},
		},
		{
			name:        "replicas of the wrong type",
			stream:      behindNLB(servingWorkload("Deployment", "web", "  replicas: three\n")),
			wantResults: []string{"error Deployment/web spec.replicas: Deployment web: spec.replicas must be an integer"},
		},
		{
			name:        "the name is taken by a budget that cannot be read",
			stream:      behindNLB(threeReplicas, budgetYAML("policy/v1", "web", "  maxUnavailable: 1\n  selector: [app]\n")),
			wantBudgets: map[string]string{"web": budgetYAML("policy/v1", "web", "  maxUnavailable: 1\n  selector: [app]\n")},
			wantResults: []string{
				"error PodDisruptionBudget/web spec.selector: PodDisruptionBudget web: spec.selector must be a label selector",
				"warning Deployment/web spec.selector: Deployment web has no PodDisruptionBudget, and another PodDisruptionBudget already has the name web: lbguard adds none. Add one under another name, with this workload's selector, maxUnavailable: 1 and unhealthyPodEvictionPolicy: AlwaysAllow",
			},
		},
		{
			name:   "a budget that cannot be read",
			stream: behindNLB(threeReplicas, budgetYAML("policy/v1", "web-pdb", "  maxUnavailable: one\n  selector:\n    matchLabels:\n      app: web\n")),
			wantResults: []string{
				"error PodDisruptionBudget/web-pdb spec.maxUnavailable: PodDisruptionBudget web-pdb: spec.maxUnavailable must be a whole number of pods or a percentage",
				added("Deployment", "3 replicas", "1"),
			},
			wantBudgets: map[string]string{
				"web":     newWebBudget("1"),
				"web-pdb": budgetYAML("policy/v1", "web-pdb", "  maxUnavailable: one\n  selector:\n    matchLabels:\n      app: web\n"),
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := config.DefaultConfig()
			if tt.maxUnavailable != "" {
				cfg.MaxUnavailable = tt.maxUnavailable
			}
			items, results := runRuleOn(t, tt.stream, cfg, rules.RuleDisruptionBudget.ID)
			wantBudgets := tt.wantBudgets
			if wantBudgets == nil {
				// No budget added: the input's budgets pass through as they are.
				input, _ := fn.ParseKubeObjects([]byte(tt.stream))
				wantBudgets = budgetsIn(input)
			}
			gotBudgets := budgetsIn(items)
			for name, want := range wantBudgets {
				if gotBudgets[name] != want {
					t.Errorf("PodDisruptionBudget %s:\n got:\n%s\nwant:\n%s", name, gotBudgets[name], want)
				}
			}
			for name := range gotBudgets {
				if _, ok := wantBudgets[name]; !ok {
					t.Errorf("unexpected PodDisruptionBudget %s:\n%s", name, gotBudgets[name])
				}
			}
			if strings.Join(results, "\n") != strings.Join(tt.wantResults, "\n") {
				t.Errorf("results:\n got:\n%s\nwant:\n%s", strings.Join(results, "\n"), strings.Join(tt.wantResults, "\n"))
			}
		})
	}
}

// In audit mode nothing is added, and the budget lbguard would add is an error.
func TestDisruptionBudgetAudit(t *testing.T) {
	cfg := config.DefaultConfig()
	cfg.Mode = config.ModeAudit
	items, results := runRuleOn(t, behindNLB(servingWorkload("Deployment", "web", "  replicas: 3\n")), cfg, rules.RuleDisruptionBudget.ID)
	if got := budgetsIn(items); len(got) != 0 {
		t.Errorf("audit added budgets: %v", got)
	}
	// Audit may prefix the message; the rest is fix's message.
	want := "PodDisruptionBudget web added for Deployment web (3 replicas): a drain or node upgrade evicts at most 1 of its pods at a time, and may always evict one that is not ready (unhealthyPodEvictionPolicy: AlwaysAllow)"
	var budgetErrors []string
	for _, line := range results {
		if strings.HasPrefix(line, "error PodDisruptionBudget") {
			budgetErrors = append(budgetErrors, line)
		}
	}
	if len(budgetErrors) != 1 || !strings.HasPrefix(budgetErrors[0], "error PodDisruptionBudget/web spec: ") || !strings.HasSuffix(budgetErrors[0], want) {
		t.Errorf("results:\n got: %q\nwant an error ending in: %q", budgetErrors, want)
	}
}

// Two workloads whose pods one selector covers get one budget between them,
// whichever comes first, never two over the same pods.
func TestDisruptionBudgetNeverOverlapsItself(t *testing.T) {
	canary := strings.Replace(servingWorkload("Deployment", "web-canary", "  replicas: 2\n"), "        app: web\n", "        app: web\n        track: canary\n", 1)
	canary = strings.Replace(canary, "      app: web\n  template", "      app: web\n      track: canary\n  template", 1)
	for _, order := range [][]string{
		{servingWorkload("Deployment", "web", "  replicas: 3\n"), canary},
		{canary, servingWorkload("Deployment", "web", "  replicas: 3\n")},
	} {
		items, _ := runRuleOn(t, behindNLB(order...), config.DefaultConfig(), rules.RuleDisruptionBudget.ID)
		list := fn.KubeObjects(items)
		var budgets []*model.Budget
		for _, obj := range list {
			if obj.GetKind() == "PodDisruptionBudget" {
				sel, err := model.ReadSelector(model.RootOf(obj), "spec", "selector")
				if err != nil {
					t.Fatal(err)
				}
				budgets = append(budgets, &model.Budget{Object: obj, Namespace: "shop", Selector: sel})
			}
		}
		if len(budgets) == 0 {
			t.Fatalf("no budget added")
		}
		canaryPods := map[string]string{"app": "web", "track": "canary"}
		covering := 0
		for _, b := range budgets {
			if b.Selector.Matches(canaryPods) {
				covering++
			}
		}
		if covering != 1 {
			t.Errorf("the canary's pods are covered by %d budgets, want 1", covering)
		}
	}
}

func TestLabelSelectorMatches(t *testing.T) {
	pod := map[string]string{"app": "web", "tier": "front"}
	tests := []struct {
		selector string
		want     bool
	}{
		{"{}", true},
		{"matchLabels: {app: web}", true},
		{"matchLabels: {app: api}", false},
		{"matchExpressions: [{key: tier, operator: In, values: [front, back]}]", true},
		{"matchExpressions: [{key: tier, operator: In, values: [back]}]", false},
		{"matchExpressions: [{key: tier, operator: NotIn, values: [back]}]", true},
		{"matchExpressions: [{key: zone, operator: NotIn, values: [a]}]", true},
		{"matchExpressions: [{key: tier, operator: Exists}]", true},
		{"matchExpressions: [{key: zone, operator: Exists}]", false},
		{"matchExpressions: [{key: zone, operator: DoesNotExist}]", true},
		{"{matchLabels: {app: web}, matchExpressions: [{key: tier, operator: DoesNotExist}]}", false},
	}
	for _, tt := range tests {
		obj, err := fn.ParseKubeObject([]byte("apiVersion: v1\nkind: X\nmetadata: {name: x}\nselector:\n  " + tt.selector + "\n"))
		if err != nil {
			t.Fatal(err)
		}
		sel, err := model.ReadSelector(model.RootOf(obj), "selector")
		if err != nil {
			t.Fatalf("%s: %v", tt.selector, err)
		}
		if got := sel.Matches(pod); got != tt.want {
			t.Errorf("%s matches %v = %v, want %v", tt.selector, pod, got, tt.want)
		}
	}
	var none *model.LabelSelector
	if none.Matches(pod) {
		t.Errorf("a missing selector must select nothing")
	}
	for selector, want := range map[string]string{
		"{matchExpressions: [{key: a, operator: Gt, values: ['1']}]}": `matchExpressions[0].operator must be In, NotIn, Exists or DoesNotExist, not "Gt"`,
		"[]":                             "must be a label selector",
		"~":                              "must be a label selector",
		"{matchLabels: [app]}":           "matchLabels must be a map of strings",
		"{matchLabels: {app: {a: b}}}":   "matchLabels must be a map of strings",
		"{matchExpressions: tier}":       "matchExpressions must be a list",
		"{matchExpressions: [{key: a}]}": `matchExpressions[0].operator must be In, NotIn, Exists or DoesNotExist, not ""`,
	} {
		obj, _ := fn.ParseKubeObject([]byte("apiVersion: v1\nkind: X\nmetadata: {name: x}\nselector: " + selector + "\n"))
		if _, err := model.ReadSelector(model.RootOf(obj), "selector"); err == nil || err.Error() != want {
			t.Errorf("selector %s: got %v, want %s", selector, err, want)
		}
	}
	obj, _ := fn.ParseKubeObject([]byte("apiVersion: v1\nkind: X\nmetadata: {name: x}\nspec: []\n"))
	if _, err := model.ReadSelector(model.RootOf(obj), "spec", "selector"); err == nil || err.Error() != "must be a label selector" {
		t.Errorf("selector under a list: got %v", err)
	}
}

// A second run finds the budget the first one added and keeps it.
func TestDisruptionBudgetSecondRun(t *testing.T) {
	first, _ := runRuleOn(t, behindNLB(servingWorkload("Deployment", "web", "  replicas: 3\n")), config.DefaultConfig(), rules.RuleDisruptionBudget.ID)
	var stream []string
	for _, obj := range first {
		stream = append(stream, obj.String())
	}
	second, results := runRuleOn(t, strings.Join(stream, "---\n"), config.DefaultConfig(), rules.RuleDisruptionBudget.ID)
	if got := budgetsIn(second); len(got) != 1 || got["web"] != newWebBudget("1") {
		t.Errorf("budgets after the second run: %v", got)
	}
	want := "info PodDisruptionBudget/web spec=maxUnavailable: 1: PodDisruptionBudget web already covers Deployment web: kept as it is"
	if len(results) != 1 || results[0] != want {
		t.Errorf("results:\n got: %q\nwant: %q", results, want)
	}
}
