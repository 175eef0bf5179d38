package transformers

import (
	"github.com/lbguard/lbguard/transformers/config"
	"github.com/lbguard/lbguard/transformers/model"
	"github.com/lbguard/lbguard/transformers/rules"
	"strconv"
	"strings"
	"testing"
)

func TestGracePeriod(t *testing.T) {
	const app = "containers:\n- name: app\n  image: app\n  ports:\n  - name: http\n    containerPort: 8080\n"
	cases := []struct {
		name      string
		workAnn   string
		podSpec   string
		cfg       func(*config.Config)
		wantGrace string
		wantR6    []string
	}{{
		name:      "missing: S + A over the default",
		podSpec:   app,
		wantGrace: "65",
		wantR6:    []string{`info: spec.template.spec.terminationGracePeriodSeconds: Deployment web: grace period raised from the default of 30 s to 65 s = preStop 45 s + shutdown 20 s, so the kubelet does not kill the app while it drains or finishes its requests (closes W2: 0 s typical, 3 s worst of cut in-flight requests per old pod)`},
	}, {
		name:      "partly right: a short grace period is raised",
		podSpec:   "terminationGracePeriodSeconds: 5 # fast\n" + app,
		wantGrace: "65",
		wantR6:    []string{`info: spec.template.spec.terminationGracePeriodSeconds: Deployment web: grace period raised from 5 s to 65 s = preStop 45 s + shutdown 20 s, so the kubelet does not kill the app while it drains or finishes its requests (closes W1: 7 s typical, 25 s worst of refused requests per old pod)`},
	}, {
		name:      "user-customised: a longer grace period is never lowered",
		podSpec:   "terminationGracePeriodSeconds: 300\n" + app,
		wantGrace: "300",
	}, {
		name:      "the shutdown annotation sets A",
		workAnn:   "lbguard.dev/shutdown-seconds: \"60\"\n",
		podSpec:   app,
		wantGrace: "105",
		wantR6:    []string{`info: spec.template.spec.terminationGracePeriodSeconds: Deployment web: grace period raised from the default of 30 s to 105 s = preStop 45 s + shutdown 60 s, so the kubelet does not kill the app while it drains or finishes its requests (closes W2: 0 s typical, 3 s worst of cut in-flight requests per old pod)`},
	}, {
		name:      "a kept longer sleep is covered too",
		podSpec:   app + "  lifecycle:\n    preStop:\n      sleep:\n        seconds: 100\n",
		wantGrace: "120",
		wantR6:    []string{`info: spec.template.spec.terminationGracePeriodSeconds: Deployment web: grace period raised from the default of 30 s to 120 s = preStop 100 s + shutdown 20 s, so the kubelet does not kill the app while it drains or finishes its requests (closes W2: 0 s typical, 3 s worst of cut in-flight requests per old pod)`},
	}, {
		name:      "over the node-group drain timeout: a warning",
		podSpec:   "terminationGracePeriodSeconds: 1800\n" + app,
		wantGrace: "1800",
		wantR6:    []string{`warning: spec.template.spec.terminationGracePeriodSeconds: Deployment web: a grace period of 1800 s is longer than the 900 s an EKS managed node group waits for a drain: node upgrades will give up on these pods`},
	}, {
		name:      "a negative grace period is an error, left as it is",
		podSpec:   "terminationGracePeriodSeconds: -1\n" + app,
		wantGrace: "-1",
		wantR6:    nil,
	}, {
		name:      "a bad shutdown annotation is an error",
		workAnn:   "lbguard.dev/shutdown-seconds: soon\n",
		podSpec:   app,
		wantGrace: "",
	}, {
		name:      "opted out",
		workAnn:   "lbguard.dev/skip: \"true\"\n",
		podSpec:   "terminationGracePeriodSeconds: 5\n" + app,
		wantGrace: "5",
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := config.DefaultConfig()
			if tc.cfg != nil {
				tc.cfg(&cfg)
			}
			items, results := applyRules(t, workloadBehindALB("", tc.workAnn, tc.podSpec), cfg)
			d := findObject(t, items, "Deployment", "web")
			grace := ""
			if g, ok, _ := d.NestedInt64("spec", "template", "spec", "terminationGracePeriodSeconds"); ok {
				grace = strconv.Itoa(int(g))
			}
			if grace != tc.wantGrace {
				t.Errorf("terminationGracePeriodSeconds = %q, want %q", grace, tc.wantGrace)
			}
			equalLists(t, "R6 results", ruleResults(results, rules.RuleGracePeriod.ID), tc.wantR6)
		})
	}
}

func TestGracePeriodErrorsNameTheField(t *testing.T) {
	cases := map[string]string{
		"terminationGracePeriodSeconds: -1\n":   "error: spec.template.spec.terminationGracePeriodSeconds: Deployment web: spec.template.spec.terminationGracePeriodSeconds must be a whole number of seconds, 0 or more",
		"terminationGracePeriodSeconds: soon\n": "error: spec.template.spec.terminationGracePeriodSeconds: Deployment web: spec.template.spec.terminationGracePeriodSeconds must be a whole number of seconds, 0 or more",
		"containers: {name: app}\n":             "error: spec.template.spec.containers: Deployment web: spec.template.spec.containers must be a list of containers",
	}
	for podSpec, want := range cases {
		const app = "containers:\n- name: app\n  ports:\n  - containerPort: 80\n"
		spec := podSpec
		if spec[0] != 'c' {
			spec += app
		}
		_, results := applyRules(t, workloadBehindALB("", "", spec), config.DefaultConfig())
		equalLists(t, podSpec, ruleResults(results, ""), []string{want})
	}
}

func TestNLBFloor(t *testing.T) {
	// The seed's own numbers: behind an NLB, S = 180 s and G = 200 s.
	stream := withContainers("      - name: app\n        ports:\n        - containerPort: 8080\n")
	items, _ := applyRules(t, stream, config.DefaultConfig())
	d := findObject(t, items, "Deployment", "web")
	containers := d.GetMap("spec").GetMap("template").GetMap("spec").GetSlice("containers")
	s, _, _ := containers[0].NestedInt64("lifecycle", "preStop", "sleep", "seconds")
	g, _, _ := d.NestedInt64("spec", "template", "spec", "terminationGracePeriodSeconds")
	if s != 180 || g != 200 {
		t.Errorf("behind an NLB: preStop %d s, grace %d s; want 180 and 200", s, g)
	}
}

// TestUnreadableWorkloadGetsNoBudget: a workload that a later rule finds
// unreadable comes out as it came, and the budget made for it is dropped.
func TestUnreadableWorkloadGetsNoBudget(t *testing.T) {
	const app = "containers:\n- name: app\n  ports:\n  - containerPort: 80\n"
	stream := strings.Replace(workloadBehindALB("", "", "terminationGracePeriodSeconds: -1\n"+app), "replicas: 1", "replicas: 3", 1)
	items, results := applyRules(t, stream, config.DefaultConfig())
	for _, obj := range items {
		if obj.GetKind() == "PodDisruptionBudget" {
			t.Errorf("a budget was added for an unreadable workload:\n%s", obj.String())
		}
	}
	for _, res := range results {
		if res.Tags[model.TagAction] == model.ActionChanged && res.ResourceRef.Kind != "Ingress" && res.ResourceRef.Kind != "Namespace" {
			t.Errorf("a change is reported for the unreadable workload or its budget: %s", res.Message)
		}
	}
	d := findObject(t, items, "Deployment", "web")
	if got := d.String(); strings.Contains(got, "preStop") || strings.Contains(got, "readinessProbe") {
		t.Errorf("the unreadable workload was edited:\n%s", got)
	}
}
