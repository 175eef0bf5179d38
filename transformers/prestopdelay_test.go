package transformers

import (
	"strconv"
	"strings"
	"testing"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/transformers/config"
	"github.com/lbguard/lbguard/transformers/model"
	"github.com/lbguard/lbguard/transformers/rules"
)

// workloadBehindALB is a Service behind an ALB Ingress and one Deployment
// whose pod spec is given; the Ingress's annotations are given too.
func workloadBehindALB(ingressAnnotations, workloadAnnotations, podSpec string) string {
	return probeIngress(ingressAnnotations) + `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
  - port: 80
    targetPort: http
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  annotations:
    note: x
` + indent(workloadAnnotations, 4) + `spec:
  replicas: 1
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
` + indent(podSpec, 6)
}

func indent(s string, n int) string {
	if s == "" {
		return ""
	}
	pad := strings.Repeat(" ", n)
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i := range lines {
		lines[i] = pad + lines[i]
	}
	return strings.Join(lines, "\n") + "\n"
}

// applyRules runs every rule over the YAML stream and returns the items and results.
func applyRules(t *testing.T, stream string, cfg config.Config) (fn.KubeObjects, fn.Results) {
	t.Helper()
	items, err := fn.ParseKubeObjects([]byte(stream))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	results := Run((*fn.KubeObjects)(&items), cfg, Snapshot(items)).Results
	return items, results
}

func findObject(t *testing.T, items fn.KubeObjects, kind, name string) *fn.KubeObject {
	t.Helper()
	for _, o := range items {
		if o.GetKind() == kind && o.GetName() == name {
			return o
		}
	}
	t.Fatalf("no %s %s in output", kind, name)
	return nil
}

// ruleResults keeps the results of one rule, as "severity: field: message".
func ruleResults(results fn.Results, rule model.RuleID) []string {
	return resultsWhere(results, func(r *fn.Result) bool { return r.Tags[model.TagRule] == string(rule) })
}

// ruleOrInvalidResults keeps those of one rule and the unreadable fields.
func ruleOrInvalidResults(results fn.Results, rule model.RuleID) []string {
	return resultsWhere(results, func(r *fn.Result) bool {
		return r.Tags[model.TagRule] == string(rule) || r.Tags[model.TagAction] == model.ActionInvalid
	})
}

func resultsWhere(results fn.Results, keep func(*fn.Result) bool) []string {
	var out []string
	for _, r := range results {
		if keep(r) {
			path := ""
			if r.Field != nil {
				path = r.Field.Path
			}
			out = append(out, string(r.Severity)+": "+path+": "+r.Message)
		}
	}
	return out
}

func equalLists(t *testing.T, what string, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s:\ngot:\n  %s\nwant:\n  %s", what, strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

func TestPreStopDelay(t *testing.T) {
	const app = `containers:
- name: app
  image: app
  ports:
  - name: http
    containerPort: 8080
`
	cases := []struct {
		name                string
		ingressAnn, workAnn string
		podSpec             string
		cfg                 func(*config.Config)
		wantPreStop         string // the app container's lifecycle, as YAML
		wantGrace           string // terminationGracePeriodSeconds
		wantR5              []string
	}{{
		name:        "missing: a sleep action of D + 15",
		podSpec:     app,
		wantPreStop: "preStop:\n  sleep:\n    seconds: 45\n",
		wantGrace:   "65",
		wantR5:      []string{`info: spec.template.spec.containers[0].lifecycle.preStop.sleep.seconds: Deployment web container "app": preStop sleep of 45 s added: the app keeps serving until the ELB has stopped routing to the pod and drained it (closes W1: 12 s typical, 30 s worst of refused requests per old pod)`},
	}, {
		name:        "missing on an old cluster: an exec sleep",
		podSpec:     app,
		cfg:         func(c *config.Config) { c.KubernetesVersion = config.KubernetesVersion{Major: 1, Minor: 29} },
		wantPreStop: "preStop:\n  exec:\n    command:\n    - /bin/sh\n    - -c\n    - sleep 45\n",
		wantGrace:   "65",
		wantR5:      []string{`info: spec.template.spec.containers[0].lifecycle.preStop.exec.command: Deployment web container "app" (exec form for clusters before 1.30: the image needs /bin/sh): preStop sleep of 45 s added: the app keeps serving until the ELB has stopped routing to the pod and drained it (closes W1: 12 s typical, 30 s worst of refused requests per old pod)`},
	}, {
		name:        "already right: a sleep of S stays, no result",
		podSpec:     app + "  lifecycle:\n    preStop:\n      sleep:\n        seconds: 45\n",
		wantPreStop: "preStop:\n  sleep:\n    seconds: 45\n",
		wantGrace:   "65",
	}, {
		name:        "partly right: a sleep shorter than D is raised",
		podSpec:     app + "  lifecycle:\n    preStop:\n      sleep:\n        seconds: 5 # too short\n",
		wantPreStop: "preStop:\n  sleep:\n    seconds: 45 # too short\n",
		wantGrace:   "65",
		wantR5:      []string{`info: spec.template.spec.containers[0].lifecycle.preStop.sleep.seconds: Deployment web container "app": preStop sleep raised from 5 s to 45 s: a shorter sleep lets the app stop while the ELB still routes to it (closes W1: 7 s typical, 25 s worst of refused requests per old pod)`},
	}, {
		name:        "partly right: a plain exec sleep is raised in place",
		podSpec:     app + "  lifecycle:\n    preStop:\n      exec:\n        command: [\"sleep\", \"10\"]\n",
		wantPreStop: "preStop:\n  exec:\n    command: [\"sleep\", \"45\"]\n",
		wantGrace:   "65",
		wantR5:      []string{`info: spec.template.spec.containers[0].lifecycle.preStop.exec.command: Deployment web container "app": preStop sleep raised from 10 s to 45 s: a shorter sleep lets the app stop while the ELB still routes to it (closes W1: 2 s typical, 20 s worst of refused requests per old pod)`},
	}, {
		name:        "user-customised: a sleep of D or more stays",
		podSpec:     app + "  lifecycle:\n    preStop:\n      sleep:\n        seconds: 120\n",
		wantPreStop: "preStop:\n  sleep:\n    seconds: 120\n",
		wantGrace:   "140",
		wantR5:      []string{`info: spec.template.spec.containers[0].lifecycle.preStop.sleep.seconds: Deployment web container "app": preStop sleep of 120 s set by the user is kept (at least 30 s is needed)`},
	}, {
		name:        "user-customised: a custom hook stays, with a warning",
		podSpec:     app + "  lifecycle:\n    preStop:\n      httpGet:\n        path: /drain\n        port: http\n",
		wantPreStop: "preStop:\n  httpGet:\n    path: /drain\n    port: http\n",
		wantGrace:   "65",
		wantR5:      []string{`warning: spec.template.spec.containers[0].lifecycle.preStop: Deployment web container "app": its own preStop hook is kept, but lbguard cannot see how long it waits: check that it keeps the app serving for at least 30 s after the pod starts terminating`},
	}, {
		name:        "the user's delay on the Ingress sets D",
		ingressAnn:  "alb.ingress.kubernetes.io/target-group-attributes: deregistration_delay.timeout_seconds=90\n",
		podSpec:     app,
		wantPreStop: "preStop:\n  sleep:\n    seconds: 105\n",
		wantGrace:   "125",
		wantR5:      []string{`info: spec.template.spec.containers[0].lifecycle.preStop.sleep.seconds: Deployment web container "app": preStop sleep of 105 s added: the app keeps serving until the ELB has stopped routing to the pod and drained it (closes W1: 12 s typical, 30 s worst of refused requests per old pod)`},
	}, {
		name:        "the annotation overrides S",
		workAnn:     "lbguard.dev/prestop-seconds: \"60\"\n",
		podSpec:     app,
		wantPreStop: "preStop:\n  sleep:\n    seconds: 60\n",
		wantGrace:   "80",
		wantR5:      []string{`info: spec.template.spec.containers[0].lifecycle.preStop.sleep.seconds: Deployment web container "app": preStop sleep of 60 s added: the app keeps serving until the ELB has stopped routing to the pod and drained it (closes W1: 12 s typical, 30 s worst of refused requests per old pod)`},
	}, {
		name:        "an override shorter than D is kept, with a warning",
		workAnn:     "lbguard.dev/prestop-seconds: \"10\"\n",
		podSpec:     app,
		wantPreStop: "preStop:\n  sleep:\n    seconds: 10\n",
		wantGrace:   "", // 10 s + 20 s fits the default of 30 s
		wantR5: []string{
			`warning: metadata.annotations[lbguard.dev/prestop-seconds]: Deployment web: the preStop delay of 10 s from the annotation lbguard.dev/prestop-seconds is shorter than the deregistration delay of 30 s: the app stops while the ELB still drains it`,
			`info: spec.template.spec.containers[0].lifecycle.preStop.sleep.seconds: Deployment web container "app": preStop sleep of 10 s added: the app keeps serving until the ELB has stopped routing to the pod and drained it (closes W1: 12 s typical, 30 s worst of refused requests per old pod)`,
		},
	}, {
		name:        "unreadable: a preStop that is not a map is an error, left as it is",
		podSpec:     app + "  lifecycle:\n    preStop: [sleep]\n",
		wantPreStop: "preStop: [sleep]\n",
		wantR5:      []string{`error: spec.template.spec.containers[0].lifecycle.preStop: Deployment web: spec.template.spec.containers[0].lifecycle.preStop must be a map`},
	}, {
		name:        "unreadable: sleep seconds that are not an integer are an error",
		podSpec:     app + "  lifecycle:\n    preStop:\n      sleep:\n        seconds: \"45\"\n",
		wantPreStop: "preStop:\n  sleep:\n    seconds: \"45\"\n",
		wantR5:      []string{`error: spec.template.spec.containers[0].lifecycle.preStop.sleep.seconds: Deployment web: spec.template.spec.containers[0].lifecycle.preStop.sleep.seconds must be an integer`},
	}, {
		name:        "unreadable: an exec command that is not a list is an error",
		podSpec:     app + "  lifecycle:\n    preStop:\n      exec:\n        command: sleep 45\n",
		wantPreStop: "preStop:\n  exec:\n    command: sleep 45\n",
		wantR5:      []string{`error: spec.template.spec.containers[0].lifecycle.preStop.exec.command: Deployment web: spec.template.spec.containers[0].lifecycle.preStop.exec.command must be a list of strings`},
	}, {
		name:        "opted out: untouched",
		workAnn:     "lbguard.dev/skip: \"true\"\n",
		podSpec:     app,
		wantPreStop: "",
		wantGrace:   "",
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := config.DefaultConfig()
			if tc.cfg != nil {
				tc.cfg(&cfg)
			}
			items, results := applyRules(t, workloadBehindALB(tc.ingressAnn, tc.workAnn, tc.podSpec), cfg)
			d := findObject(t, items, "Deployment", "web")
			lifecycle := ""
			if c, ok, _ := d.NestedSubObject("spec", "template", "spec"); ok {
				if list := c.GetSlice("containers"); len(list) > 0 {
					if l := list[0].GetMap("lifecycle"); l != nil {
						lifecycle = l.String()
					}
				}
			}
			if lifecycle != tc.wantPreStop {
				t.Errorf("lifecycle:\n%s\nwant:\n%s", lifecycle, tc.wantPreStop)
			}
			grace := ""
			if g, ok, _ := d.NestedInt64("spec", "template", "spec", "terminationGracePeriodSeconds"); ok {
				grace = strconv.Itoa(int(g))
			}
			if grace != tc.wantGrace {
				t.Errorf("terminationGracePeriodSeconds = %q, want %q", grace, tc.wantGrace)
			}
			equalLists(t, "R5 results", ruleOrInvalidResults(results, rules.RulePreStopDelay.ID), tc.wantR5)
		})
	}
}
