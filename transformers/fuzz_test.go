package transformers

import (
	"reflect"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/transformers/annotations"
	"github.com/lbguard/lbguard/transformers/config"
	"github.com/lbguard/lbguard/transformers/model"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// FuzzRules runs every rule on a small list of the shape lbguard works on (a
// Namespace, an ALB Ingress, an NLB Service, a TargetGroupBinding, a
// Deployment and an HPA) whose fields and annotations take any value: each
// fuzzed string is read as a YAML value ("3", "three", "[a]", "{sleep:
// {seconds: 5}}"), or taken as a string when it is not one. Byte-level
// fuzzing of the whole function seldom gets this deep. On every input:
//   - no panic, and the results print;
//   - every item comes out, and an object with an invalid result is unchanged;
//   - a second run changes nothing;
//   - audit changes nothing, and reports as errors exactly the edits fix makes.
//
// The attributes parser and printer are fuzzed on their own by FuzzStringMap.
func FuzzRules(f *testing.F) {
	type seed struct{ replicas, grace, lifecycle, ports, probe, command, attributes, action, healthCheck, preStopAnnotation, servicePorts, binding, backend string }
	for _, s := range []seed{
		{"3", "30", "{}", "[{containerPort: 8080, name: http}]", "", "", "stickiness.enabled=true", `{"type":"forward","forwardConfig":{"targetGroups":[{"serviceName":"web","servicePort":"80"}]}}`, "/healthz", "", "[{port: 80, targetPort: http}]", "web", "{service: {name: web, port: {number: 80}}}"},
		{"three", "-1", "{preStop: {sleep: {seconds: 5}}}", "[{containerPort: 80}]", "{httpGet: {path: /, port: 80}}", "[sh, -c, ./run]", "deregistration_delay.timeout_seconds=600", `{"type":"redirect"}`, "traffic-port", "90", "[{port: 80}]", "web", "[web]"},
		{"1", "", "{preStop: {exec: {command: [sleep, '10']}}}", `"80"`, "{tcpSocket: {port: http}, failureThreshold: 1}", "[/bin/sh, -c, exec ./run]", `a=b\,c,deregistration_delay.timeout_seconds=x`, "not json", "8080", "soon", "[{port: 80, targetPort: 8080, name: http}]", "", "{serviceName: web, servicePort: http}"},
		{"", "100000", "{preStop: {exec: {command: [/bin/sh, -c, sleep 20]}}}", "[{containerPort: 8080, protocol: UDP}]", "[]", `"./run"`, "=1", `{"type":"forward","targetGroups":[{"serviceName":"web","servicePort":80}]}`, "/ready", "-5", `"80"`, "other/web", "{service: {name: web, port: [80]}}"},
		{"[2]", "{a: 1}", "[x]", "[[]]", "{grpc: {port: 9000}}", "{a: b}", `x\`, `{"forwardConfig":null,"type":"forward"}`, "http", "3601", "[{port: x}]", "web", "{service: [web, 80]}"},
	} {
		f.Add(s.replicas, s.grace, s.lifecycle, s.ports, s.probe, s.command, s.attributes, s.action, s.healthCheck, s.preStopAnnotation, s.servicePorts, s.binding, s.backend)
	}
	f.Fuzz(func(t *testing.T, replicas, grace, lifecycle, ports, probe, command, attributes, action, healthCheck, preStopAnnotation, servicePorts, binding, backend string) {
		for _, s := range []string{replicas, grace, lifecycle, ports, probe, command, attributes, action, healthCheck, preStopAnnotation, servicePorts, binding, backend} {
			if !utf8.ValidString(s) {
				return // YAML cannot carry it: the parser refuses invalid UTF-8
			}
		}
		items := fuzzItems(t)
		deployment, service, ingress, tgb := items[3], items[2], items[1], items[4]
		container := []string{"spec", "template", "spec", "containers", "[name=app]"}
		fuzzSet(t, deployment, replicas, "spec", "replicas")
		fuzzSet(t, deployment, grace, "spec", "template", "spec", "terminationGracePeriodSeconds")
		fuzzSet(t, deployment, lifecycle, append(container, "lifecycle")...)
		fuzzSet(t, deployment, ports, append(container, "ports")...)
		fuzzSet(t, deployment, probe, append(container, "readinessProbe")...)
		fuzzSet(t, deployment, probe, append(container, "livenessProbe")...)
		fuzzSet(t, deployment, command, append(container, "command")...)
		fuzzSet(t, service, servicePorts, "spec", "ports")
		fuzzSet(t, tgb, binding, "spec", "serviceRef", "name")
		fuzzSet(t, ingress, backend, "spec", "defaultBackend")
		fuzzAnnotate(t, ingress, annotations.ALBTargetGroupAttributes, attributes)
		fuzzAnnotate(t, service, annotations.SvcTargetGroupAttributes, attributes)
		fuzzAnnotate(t, ingress, annotations.ALBActionPrefix+"web", action)
		fuzzAnnotate(t, ingress, annotations.ALBHealthCheckPort, healthCheck)
		fuzzAnnotate(t, service, annotations.SvcHealthCheckPort, healthCheck)
		fuzzAnnotate(t, deployment, annotations.PreStopSecondsAnnotation, preStopAnnotation)
		fuzzAnnotate(t, deployment, annotations.ShutdownSecondsAnnotation, preStopAnnotation)

		before := fuzzTexts(items)
		audited := fuzzCopy(items)
		cfg := config.DefaultConfig()
		results := Run(&items, cfg, Snapshot(items)).Results
		rl := &fn.ResourceList{Items: fuzzCopy(items), FunctionConfig: fn.NewEmptyKubeObject(), Results: results}
		if _, err := rl.ToYAML(); err != nil {
			t.Fatalf("the results do not print: %v", err)
		}

		after := map[string]string{}
		for _, obj := range items {
			after[fuzzID(obj)] = obj.String()
		}
		for id := range before {
			if _, ok := after[id]; !ok {
				t.Fatalf("%s is gone", id)
			}
		}
		for _, r := range results {
			if r.Tags[model.TagAction] != model.ActionInvalid || r.ResourceRef == nil {
				continue
			}
			id := r.ResourceRef.Kind + " " + r.ResourceRef.Namespace + "/" + r.ResourceRef.Name
			if after[id] != before[id] {
				t.Fatalf("%s is invalid (%s) but changed:\n%s\nwas:\n%s", id, r.Message, after[id], before[id])
			}
		}

		second := Run(&items, cfg, Snapshot(items)).Results
		for _, r := range second {
			if r.Tags[model.TagAction] == model.ActionChanged {
				t.Fatalf("the second run changes more: %s", r.Message)
			}
		}
		for _, obj := range items {
			if obj.String() != after[fuzzID(obj)] {
				t.Fatalf("the second run changes %s:\n%s\nafter the first:\n%s", fuzzID(obj), obj.String(), after[fuzzID(obj)])
			}
		}

		cfg.Mode = config.ModeAudit
		auditResults := Run(&audited, cfg, Snapshot(audited)).Results
		if got := fuzzTexts(audited); !reflect.DeepEqual(got, before) {
			t.Fatalf("audit changes the items")
		}
		if got, want := fuzzChanges(auditResults, fn.Error), fuzzChanges(results, fn.Info); !reflect.DeepEqual(got, want) {
			t.Fatalf("audit reports\n%s\nfix changes\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	})
}

const fuzzList = `apiVersion: v1
kind: Namespace
metadata:
  name: shop
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  namespace: shop
spec:
  ingressClassName: alb
  rules:
  - http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: web
            port:
              name: use-annotation
      - path: /api
        pathType: Prefix
        backend:
          service:
            name: web
            port:
              number: 80
---
apiVersion: v1
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
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: app
        image: app
        ports:
        - containerPort: 8080
      - name: sidecar
        image: proxy
---
apiVersion: elbv2.k8s.aws/v1beta1
kind: TargetGroupBinding
metadata:
  name: web
  namespace: shop
spec:
  targetGroupARN: arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web/0123456789abcdef
  serviceRef:
    name: web
    port: 80
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
  namespace: shop
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: web
  minReplicas: 2
  maxReplicas: 5
`

func fuzzItems(t *testing.T) fn.KubeObjects {
	items, err := fn.ParseKubeObjects([]byte(fuzzList))
	if err != nil {
		t.Fatal(err)
	}
	return items
}

// fuzzSet sets the field at path to value read as YAML, or as a string.
// An empty value leaves the field out.
func fuzzSet(t *testing.T, obj *fn.KubeObject, value string, path ...string) {
	rn := obj.CopyToResourceNode()
	parent, err := rn.Pipe(yaml.LookupCreate(yaml.MappingNode, path[:len(path)-1]...))
	if err != nil || parent == nil {
		return
	}
	field := path[len(path)-1]
	if value == "" {
		if err := parent.PipeE(yaml.Clear(field)); err != nil {
			t.Fatal(err)
		}
	} else {
		node, err := yaml.Parse(value)
		if err != nil || node.YNode().Kind == yaml.DocumentNode || strings.ContainsAny(value, "&*!%@`|>#\n") {
			node = yaml.NewStringRNode(value) // not one plain YAML value: the text itself
		}
		if err := parent.PipeE(yaml.SetField(field, node)); err != nil {
			t.Fatal(err)
		}
	}
	*obj = *fn.MoveToKubeObject(rn)
}

// fuzzAnnotate sets an annotation; an empty value leaves it out.
func fuzzAnnotate(t *testing.T, obj *fn.KubeObject, key, value string) {
	if value == "" {
		return
	}
	if err := obj.SetAnnotation(key, value); err != nil {
		t.Fatal(err)
	}
}

func fuzzID(obj *fn.KubeObject) string {
	return obj.GetKind() + " " + obj.GetNamespace() + "/" + obj.GetName()
}

func fuzzTexts(items fn.KubeObjects) map[string]string {
	texts := map[string]string{}
	for _, obj := range items {
		texts[fuzzID(obj)] = obj.String()
	}
	return texts
}

func fuzzCopy(items fn.KubeObjects) fn.KubeObjects {
	out := make(fn.KubeObjects, len(items))
	for i, obj := range items {
		out[i] = obj.Copy()
	}
	return out
}

// fuzzChanges lists the edits among results of the given severity: the
// object, the field and the value.
func fuzzChanges(results fn.Results, severity fn.Severity) []string {
	var out []string
	for _, r := range results {
		if r.Tags[model.TagAction] != model.ActionChanged || r.Severity != severity {
			continue
		}
		s := r.ResourceRef.Kind + " " + r.ResourceRef.Name
		if r.Field != nil {
			s += " " + r.Field.Path
		}
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}
