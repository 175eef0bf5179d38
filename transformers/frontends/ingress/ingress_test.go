package ingress_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/transformers/config"
	_ "github.com/lbguard/lbguard/transformers/frontends" // every front end, registered
	"github.com/lbguard/lbguard/transformers/frontends/ingress"
	"github.com/lbguard/lbguard/transformers/model"
)

// ingressShape is an Ingress served by the LBC, with spec as given (indented
// two spaces under "spec:"; empty for no spec) and extra annotations.
func ingressShape(apiVersion, annotations, spec string) string {
	doc := "apiVersion: " + apiVersion + "\nkind: Ingress\nmetadata:\n  name: web\n  namespace: shop\n" +
		"  annotations:\n    kubernetes.io/ingress.class: alb\n" + annotations
	if spec != "" {
		doc += "spec:\n" + spec
	}
	return doc
}

// onePath is a spec with one rule of one path to backend.
func onePath(backend string) string {
	return "  rules:\n  - http:\n      paths:\n      - path: /\n        backend: " + backend + "\n"
}

// describeFindings prints each result with its severity and field, and the
// value it names when it names one.
func describeFindings(results fn.Results) []string {
	var out []string
	for _, r := range results {
		line := string(r.Severity)
		if r.Field != nil {
			line += " " + r.Field.Path
			if r.Field.CurrentValue != nil {
				line += fmt.Sprintf(" (%v)", r.Field.CurrentValue)
			}
		}
		out = append(out, line+": "+r.Message)
	}
	return out
}

// The backends an Ingress names, and what is said of the fields that cannot
// be read, in both API shapes and in the shapes that are not valid.
func TestIngressBackends(t *testing.T) {
	const v1, v1beta1 = "networking.k8s.io/v1", "extensions/v1beta1"
	tests := []struct {
		name, apiVersion, annotations, spec string
		refs                                []string // what ingressBackends reads: service:port
		backends                            []string // what the inventory keeps: service ports=[…]
		results                             []string
		more                                []string // what the inventory says besides
	}{
		{
			name:     "v1 port by number",
			spec:     onePath("{service: {name: web, port: {number: 80}}}"),
			refs:     []string{"web:80"},
			backends: []string{"web ports=[80]"},
		},
		{
			name:     "v1 port by name",
			spec:     onePath("{service: {name: web, port: {name: http}}}"),
			refs:     []string{"web:http"},
			backends: []string{"web ports=[http]"},
		},
		{
			name:     "v1 port name wins over number",
			spec:     onePath("{service: {name: web, port: {name: http, number: 80}}}"),
			refs:     []string{"web:http"},
			backends: []string{"web ports=[http]"},
		},
		{
			name:     "v1 no port",
			spec:     onePath("{service: {name: web}}"),
			refs:     []string{"web:"},
			backends: []string{"web ports=[]"},
		},
		{
			name:     "v1 port number 0",
			spec:     onePath("{service: {name: web, port: {number: 0}}}"),
			refs:     []string{"web:"},
			backends: []string{"web ports=[]"},
		},
		{
			name:     "v1 port number negative",
			spec:     onePath("{service: {name: web, port: {number: -1}}}"),
			refs:     []string{"web:-1"},
			backends: []string{"web ports=[-1]"},
		},
		{
			name:     "v1 port number as string",
			spec:     onePath("{service: {name: web, port: {number: '80'}}}"),
			refs:     []string{"web:"},
			backends: []string{"web ports=[]"},
		},
		{
			name:     "v1 port number in hex",
			spec:     onePath("{service: {name: web, port: {number: 0x50}}}"),
			refs:     []string{"web:"},
			backends: []string{"web ports=[]"},
		},
		{
			name:     "v1 port number a float",
			spec:     onePath("{service: {name: web, port: {number: 80.5}}}"),
			refs:     []string{"web:"},
			backends: []string{"web ports=[]"},
		},
		{
			name:     "v1 port name a number",
			spec:     onePath("{service: {name: web, port: {name: 80}}}"),
			refs:     []string{"web:"},
			backends: []string{"web ports=[]"},
		},
		{
			name:     "v1 port name a number and a number",
			spec:     onePath("{service: {name: web, port: {name: 80, number: 81}}}"),
			refs:     []string{"web:81"},
			backends: []string{"web ports=[81]"},
		},
		{
			name:     "v1 null port fields",
			spec:     onePath("{service: {name: web, port: {name: ~, number: ~}}}"),
			refs:     []string{"web:"},
			backends: []string{"web ports=[]"},
		},
		{
			name:     "v1 empty port",
			spec:     onePath("{service: {name: web, port: {}}}"),
			refs:     []string{"web:"},
			backends: []string{"web ports=[]"},
		},
		{
			name: "v1 service without a name",
			spec: onePath("{service: {port: {number: 80}}}"),
		},
		{
			name: "v1 service name null",
			spec: onePath("{service: {name: ~, port: {number: 80}}}"),
		},
		{
			name: "v1 service name a number",
			spec: onePath("{service: {name: 8080, port: {number: 80}}}"),
		},
		{
			name: "v1 service name a map",
			spec: onePath("{service: {name: {a: b}, port: {number: 80}}}"),
		},
		{
			name:     "v1 service and serviceName: service wins",
			spec:     onePath("{service: {name: web, port: {number: 80}}, serviceName: old, servicePort: 81}"),
			refs:     []string{"web:80"},
			backends: []string{"web ports=[80]"},
		},
		{
			name: "v1 service with no name does not fall back to serviceName",
			spec: onePath("{service: {port: {number: 80}}, serviceName: old, servicePort: 81}"),
		},
		{
			name: "v1 empty backend",
			spec: onePath("{}"),
		},
		{
			name: "v1 resource backend",
			spec: onePath("{resource: {apiGroup: k8s.example.com, kind: Bucket, name: static}}"),
		},
		{
			name: "v1beta1 port by number", apiVersion: v1beta1,
			spec:     onePath("{serviceName: web, servicePort: 80}"),
			refs:     []string{"web:80"},
			backends: []string{"web ports=[80]"},
		},
		{
			name: "v1beta1 port by name", apiVersion: v1beta1,
			spec:     onePath("{serviceName: web, servicePort: http}"),
			refs:     []string{"web:http"},
			backends: []string{"web ports=[http]"},
		},
		{
			name: "v1beta1 port a quoted number", apiVersion: v1beta1,
			spec:     onePath("{serviceName: web, servicePort: '80'}"),
			refs:     []string{"web:80"},
			backends: []string{"web ports=[80]"},
		},
		{
			name: "v1beta1 port 0", apiVersion: v1beta1,
			spec:     onePath("{serviceName: web, servicePort: 0}"),
			refs:     []string{"web:"},
			backends: []string{"web ports=[]"},
		},
		{
			name: "v1beta1 no port", apiVersion: v1beta1,
			spec:     onePath("{serviceName: web}"),
			refs:     []string{"web:"},
			backends: []string{"web ports=[]"},
		},
		{
			name: "v1beta1 null port", apiVersion: v1beta1,
			spec:     onePath("{serviceName: web, servicePort: ~}"),
			refs:     []string{"web:"},
			backends: []string{"web ports=[]"},
		},
		{
			name: "v1beta1 port a list", apiVersion: v1beta1,
			spec:     onePath("{serviceName: web, servicePort: [80]}"),
			refs:     []string{"web:"},
			backends: []string{"web ports=[]"},
		},
		{
			name: "v1beta1 port a map", apiVersion: v1beta1,
			spec:     onePath("{serviceName: web, servicePort: {number: 80}}"),
			refs:     []string{"web:"},
			backends: []string{"web ports=[]"},
		},
		{
			name: "v1beta1 port a boolean", apiVersion: v1beta1,
			spec:     onePath("{serviceName: web, servicePort: true}"),
			refs:     []string{"web:"},
			backends: []string{"web ports=[]"},
		},
		{
			name: "v1beta1 port in hex", apiVersion: v1beta1,
			spec:     onePath("{serviceName: web, servicePort: 0x50}"),
			refs:     []string{"web:"},
			backends: []string{"web ports=[]"},
		},
		{
			name: "v1beta1 serviceName null", apiVersion: v1beta1,
			spec: onePath("{serviceName: ~, servicePort: 80}"),
		},
		{
			name: "v1beta1 serviceName a number", apiVersion: v1beta1,
			spec: onePath("{serviceName: 42, servicePort: 80}"),
		},
		{
			name: "v1beta1 serviceName empty", apiVersion: v1beta1,
			spec: onePath("{serviceName: '', servicePort: 80}"),
		},
		{
			name: "v1beta1 default backend", apiVersion: v1beta1,
			spec:     "  backend: {serviceName: web, servicePort: 80}\n",
			refs:     []string{"web:80"},
			backends: []string{"web ports=[80]"},
		},
		{
			name:     "defaultBackend only",
			spec:     "  defaultBackend: {service: {name: web, port: {number: 80}}}\n",
			refs:     []string{"web:80"},
			backends: []string{"web ports=[80]"},
		},
		{
			name:     "defaultBackend, backend and rules in order",
			spec:     "  rules:\n  - host: a.example.com\n    http:\n      paths:\n      - {path: /a, backend: {service: {name: a, port: {number: 1}}}}\n      - {path: /b, backend: {serviceName: b, servicePort: 2}}\n  - host: c.example.com\n    http:\n      paths:\n      - {path: /c, backend: {service: {name: c, port: {name: three}}}}\n      - {path: /a, backend: {service: {name: a, port: {number: 4}}}}\n  backend: {serviceName: old, servicePort: 5}\n  defaultBackend: {service: {name: def, port: {number: 6}}}\n",
			refs:     []string{"def:6", "old:5", "a:1", "b:2", "c:three", "a:4"},
			backends: []string{"def ports=[6]", "old ports=[5]", "a ports=[1,4]", "b ports=[2]", "c ports=[three]"},
		},
		{
			name:     "the same service twice",
			spec:     "  defaultBackend: {service: {name: web, port: {number: 80}}}\n  rules:\n  - http:\n      paths:\n      - path: /\n        backend: {service: {name: web, port: {number: 80}}}\n",
			refs:     []string{"web:80", "web:80"},
			backends: []string{"web ports=[80]"},
		},
		{
			name: "no spec",
			spec: "",
		},
		{
			name: "empty spec",
			spec: "  {}\n",
		},
		{
			name:    "spec a list",
			spec:    "  [a]\n",
			results: []string{"error spec: Ingress web: spec must be a map"},
		},
		{
			name:    "spec null",
			spec:    "  ~\n",
			results: []string{"error spec: Ingress web: spec must be a map"},
		},
		{
			name:    "spec a string",
			spec:    "  web\n",
			results: []string{"error spec: Ingress web: spec must be a map"},
		},
		{
			name:    "defaultBackend a list",
			spec:    "  defaultBackend: [web]\n  rules:\n  - http:\n      paths:\n      - path: /\n        backend: {service: {name: web, port: {number: 80}}}\n",
			results: []string{"error spec.defaultBackend: Ingress web: spec.defaultBackend must be a map"},
		},
		{
			name:    "defaultBackend a list of two",
			spec:    "  defaultBackend: [web, 80]\n",
			results: []string{"error spec.defaultBackend: Ingress web: spec.defaultBackend must be a map"},
		},
		{
			name:    "defaultBackend a string",
			spec:    "  defaultBackend: web\n",
			results: []string{"error spec.defaultBackend: Ingress web: spec.defaultBackend must be a map"},
		},
		{
			name:    "defaultBackend null",
			spec:    "  defaultBackend: ~\n  rules:\n  - http:\n      paths:\n      - path: /\n        backend: {service: {name: web, port: {number: 80}}}\n",
			results: []string{"error spec.defaultBackend: Ingress web: spec.defaultBackend must be a map"},
		},
		{
			name:    "defaultBackend empty",
			spec:    "  defaultBackend:\n",
			results: []string{"error spec.defaultBackend: Ingress web: spec.defaultBackend must be a map"},
		},
		{
			name:    "backend a list",
			spec:    "  backend: [web]\n",
			results: []string{"error spec.backend: Ingress web: spec.backend must be a map"},
		},
		{
			name:    "path backend a list",
			spec:    onePath("[web]"),
			results: []string{"error spec.rules[0].http.paths[0].backend: Ingress web: spec.rules[0].http.paths[0].backend must be a map"},
		},
		{
			name:    "path backend a string",
			spec:    onePath("web"),
			results: []string{"error spec.rules[0].http.paths[0].backend: Ingress web: spec.rules[0].http.paths[0].backend must be a map"},
		},
		{
			name:    "path backend null",
			spec:    onePath("~"),
			results: []string{"error spec.rules[0].http.paths[0].backend: Ingress web: spec.rules[0].http.paths[0].backend must be a map"},
		},
		{
			name:    "service a string",
			spec:    onePath("{service: web}"),
			results: []string{"error spec.rules[0].http.paths[0].backend.service: Ingress web: spec.rules[0].http.paths[0].backend.service must be a map"},
		},
		{
			name:    "service a string, serviceName given",
			spec:    onePath("{service: web, serviceName: web, servicePort: 80}"),
			results: []string{"error spec.rules[0].http.paths[0].backend.service: Ingress web: spec.rules[0].http.paths[0].backend.service must be a map"},
		},
		{
			name:    "service null",
			spec:    onePath("{service: ~}"),
			results: []string{"error spec.rules[0].http.paths[0].backend.service: Ingress web: spec.rules[0].http.paths[0].backend.service must be a map"},
		},
		{
			name:    "service a list",
			spec:    onePath("{service: [web]}"),
			results: []string{"error spec.rules[0].http.paths[0].backend.service: Ingress web: spec.rules[0].http.paths[0].backend.service must be a map"},
		},
		{
			name:    "port a list",
			spec:    onePath("{service: {name: web, port: [80]}}"),
			results: []string{"error spec.rules[0].http.paths[0].backend.service.port: Ingress web: spec.rules[0].http.paths[0].backend.service.port must be a map"},
		},
		{
			name:    "port a number",
			spec:    onePath("{service: {name: web, port: 80}}"),
			results: []string{"error spec.rules[0].http.paths[0].backend.service.port: Ingress web: spec.rules[0].http.paths[0].backend.service.port must be a map"},
		},
		{
			name:    "port a string",
			spec:    onePath("{service: {name: web, port: http}}"),
			results: []string{"error spec.rules[0].http.paths[0].backend.service.port: Ingress web: spec.rules[0].http.paths[0].backend.service.port must be a map"},
		},
		{
			name:    "port null",
			spec:    onePath("{service: {name: web, port: ~}}"),
			results: []string{"error spec.rules[0].http.paths[0].backend.service.port: Ingress web: spec.rules[0].http.paths[0].backend.service.port must be a map"},
		},
		{
			name:     "port a list in the default backend, rules not a list",
			spec:     "  defaultBackend: {service: {name: web, port: [80]}}\n  rules: 3\n",
			refs:     []string{"web:"},
			backends: []string{"web ports=[]"},
			results:  []string{"error spec.defaultBackend.service.port: Ingress web: spec.defaultBackend.service.port must be a map", "error spec.rules: Ingress web: spec.rules must be a list"},
		},
		{
			name:     "service a string in the default backend, rules not a list",
			spec:     "  defaultBackend: {service: web, serviceName: old, servicePort: 81}\n  rules: 3\n",
			refs:     []string{"old:81"},
			backends: []string{"old ports=[81]"},
			results: []string{
				"error spec.defaultBackend.service: Ingress web: spec.defaultBackend.service must be a map",
				"error spec.rules: Ingress web: spec.rules must be a list",
			},
		},
		{
			name:     "rules a map",
			spec:     "  defaultBackend: {service: {name: web, port: {number: 80}}}\n  rules: {http: {paths: []}}\n",
			refs:     []string{"web:80"},
			backends: []string{"web ports=[80]"},
			results:  []string{"error spec.rules: Ingress web: spec.rules must be a list"},
		},
		{
			name:    "rules a string",
			spec:    "  rules: web\n",
			results: []string{"error spec.rules: Ingress web: spec.rules must be a list"},
		},
		{
			name:     "rules null",
			spec:     "  defaultBackend: {service: {name: web, port: {number: 80}}}\n  rules: ~\n",
			refs:     []string{"web:80"},
			backends: []string{"web ports=[80]"},
			results:  []string{"error spec.rules: Ingress web: spec.rules must be a list"},
		},
		{
			name:     "rules empty",
			spec:     "  defaultBackend: {service: {name: web, port: {number: 80}}}\n  rules: []\n",
			refs:     []string{"web:80"},
			backends: []string{"web ports=[80]"},
		},
		{
			name:     "a rule not a map",
			spec:     "  defaultBackend: {service: {name: web, port: {number: 80}}}\n  rules: [web]\n",
			refs:     []string{"web:80"},
			backends: []string{"web ports=[80]"},
			results:  []string{"error spec.rules: Ingress web: spec.rules must be a list"},
		},
		{
			name:    "a rule null",
			spec:    "  rules: [~]\n",
			results: []string{"error spec.rules: Ingress web: spec.rules must be a list"},
		},
		{
			name: "a rule with no http",
			spec: "  rules: [{host: a.example.com}]\n",
		},
		{
			name:     "http a string",
			spec:     "  rules: [{http: web}, {http: {paths: [{backend: {service: {name: b, port: {number: 2}}}}]}}]\n",
			refs:     []string{"b:2"},
			backends: []string{"b ports=[2]"},
			results:  []string{"error spec.rules[].http.paths: Ingress web: spec.rules[].http.paths must be a list"},
		},
		{
			name:    "http null",
			spec:    "  rules: [{http: ~}]\n",
			results: []string{"error spec.rules[].http.paths: Ingress web: spec.rules[].http.paths must be a list"},
		},
		{
			name:    "http a list",
			spec:    "  rules: [{http: [paths]}]\n",
			results: []string{"error spec.rules[].http.paths: Ingress web: spec.rules[].http.paths must be a list"},
		},
		{
			name: "http with no paths",
			spec: "  rules: [{http: {}}]\n",
		},
		{
			name:     "paths a map",
			spec:     "  defaultBackend: {service: {name: def, port: {number: 1}}}\n  rules: [{http: {paths: {backend: {service: {name: web}}}}}, {http: {paths: [{backend: {service: {name: b, port: {number: 2}}}}]}}]\n",
			refs:     []string{"def:1", "b:2"},
			backends: []string{"def ports=[1]", "b ports=[2]"},
			results:  []string{"error spec.rules[].http.paths: Ingress web: spec.rules[].http.paths must be a list"},
		},
		{
			name:    "paths a string",
			spec:    "  rules: [{http: {paths: web}}]\n",
			results: []string{"error spec.rules[].http.paths: Ingress web: spec.rules[].http.paths must be a list"},
		},
		{
			name:    "paths null",
			spec:    "  rules: [{http: {paths: ~}}]\n",
			results: []string{"error spec.rules[].http.paths: Ingress web: spec.rules[].http.paths must be a list"},
		},
		{
			name:    "a path not a map",
			spec:    "  rules: [{http: {paths: [{backend: {service: {name: a}}}, web]}}]\n",
			results: []string{"error spec.rules[].http.paths: Ingress web: spec.rules[].http.paths must be a list"},
		},
		{
			name: "a path with no backend",
			spec: "  rules: [{http: {paths: [{path: /}]}}]\n",
		},
		{
			name:    "errors in several paths, in order",
			spec:    "  defaultBackend: {service: {name: def, port: {number: 1}}}\n  rules:\n  - http: {paths: 3}\n  - http:\n      paths:\n      - {backend: {service: {name: a, port: {number: 1}}}}\n      - {backend: {service: {name: b, port: [2]}}}\n      - {backend: 7}\n  - http: {paths: [{backend: {service: web}}]}\n",
			results: []string{"error spec.rules[].http.paths: Ingress web: spec.rules[].http.paths must be a list", "error spec.rules[1].http.paths[1].backend.service.port: Ingress web: spec.rules[1].http.paths[1].backend.service.port must be a map", "error spec.rules[1].http.paths[2].backend: Ingress web: spec.rules[1].http.paths[2].backend must be a map", "error spec.rules[2].http.paths[0].backend.service: Ingress web: spec.rules[2].http.paths[0].backend.service must be a map"},
		},
		{
			name:        "use-annotation with a forward action",
			annotations: "    alb.ingress.kubernetes.io/actions.blue-green: '{\"type\": \"forward\", \"forwardConfig\": {\"targetGroups\": [{\"serviceName\": \"blue\", \"servicePort\": \"80\"}, {\"serviceName\": \"green\", \"servicePort\": 8080}, {\"targetGroupARN\": \"arn:aws:elasticloadbalancing:x\"}]}}'\n",
			spec:        onePath("{service: {name: blue-green, port: {name: use-annotation}}}"),
			refs:        []string{"blue-green:use-annotation"},
			backends:    []string{"blue ports=[80]", "green ports=[8080]"},
		},
		{
			name: "use-annotation with the v1 action shape", apiVersion: v1beta1,
			annotations: "    alb.ingress.kubernetes.io/actions.canary: '{\"Type\": \"forward\", \"TargetGroups\": [{\"ServiceName\": \"stable\", \"ServicePort\": \"http\"}]}'\n",
			spec:        onePath("{serviceName: canary, servicePort: use-annotation}"),
			refs:        []string{"canary:use-annotation"},
			backends:    []string{"stable ports=[http]"},
		},
		{
			name:     "use-annotation with no action",
			spec:     onePath("{service: {name: rollout-root, port: {name: use-annotation}}}"),
			refs:     []string{"rollout-root:use-annotation"},
			backends: []string{"rollout-root ports=[]"},
		},
		{
			name:        "use-annotation with a redirect",
			annotations: "    alb.ingress.kubernetes.io/actions.ssl-redirect: '{\"Type\": \"redirect\", \"RedirectConfig\": {\"Protocol\": \"HTTPS\", \"Port\": \"443\", \"StatusCode\": \"HTTP_301\"}}'\n",
			spec:        onePath("{service: {name: ssl-redirect, port: {name: use-annotation}}}"),
			refs:        []string{"ssl-redirect:use-annotation"},
		},
		{
			name:        "use-annotation with an action not JSON",
			annotations: "    alb.ingress.kubernetes.io/actions.blue: 'forward to blue'\n",
			spec:        onePath("{service: {name: blue, port: {name: use-annotation}}}"),
			refs:        []string{"blue:use-annotation"},
			more:        []string{"warning metadata.annotations[alb.ingress.kubernetes.io/actions.blue] (forward to blue): Ingress web: action blue is not valid JSON (invalid character 'o' in literal false (expecting 'a')): the Services it forwards to are not checked"},
		},
		{
			name:        "use-annotation in the default backend",
			annotations: "    alb.ingress.kubernetes.io/actions.response-503: '{\"type\": \"fixed-response\", \"fixedResponseConfig\": {\"statusCode\": \"503\"}}'\n",
			spec:        "  defaultBackend: {service: {name: response-503, port: {name: use-annotation}}}\n",
			refs:        []string{"response-503:use-annotation"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			apiVersion := tt.apiVersion
			if apiVersion == "" {
				apiVersion = v1
			}
			doc := ingressShape(apiVersion, tt.annotations, tt.spec)

			items := identParse(t, doc)
			r := &model.Report{}
			var refs []string
			for _, ref := range ingress.IngressBackends(items[0], r) {
				refs = append(refs, ref.Service+":"+ref.Port)
			}
			if strings.Join(refs, "\n") != strings.Join(tt.refs, "\n") {
				t.Errorf("backends read:\n%q\nwant:\n%q", refs, tt.refs)
			}
			if got := describeFindings(r.Results); strings.Join(got, "\n") != strings.Join(tt.results, "\n") {
				t.Errorf("results of reading:\n%q\nwant:\n%q", got, tt.results)
			}

			items = identParse(t, doc)
			r = &model.Report{}
			inv := model.NewInventory(items, config.DefaultConfig(), r)
			var backends []string
			for _, lb := range inv.LoadBalancers {
				for _, b := range lb.Backends {
					backends = append(backends, b.ServiceName+" ports=["+strings.Join(b.Ports, ",")+"]")
				}
			}
			if strings.Join(backends, "\n") != strings.Join(tt.backends, "\n") {
				t.Errorf("inventory backends:\n%q\nwant:\n%q", backends, tt.backends)
			}
			if got := describeFindings(r.Results); strings.Join(got, "\n") != strings.Join(slices.Concat(tt.results, tt.more), "\n") {
				t.Errorf("inventory results:\n%q\nwant:\n%q", got, slices.Concat(tt.results, tt.more))
			}
		})
	}
}

func identParse(t *testing.T, docs ...string) fn.KubeObjects {
	t.Helper()
	items, err := fn.ParseKubeObjects([]byte(strings.Join(docs, "---\n")))
	if err != nil {
		t.Fatal(err)
	}
	return items
}
