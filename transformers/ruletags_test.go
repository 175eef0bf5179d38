package transformers

import (
	"github.com/lbguard/lbguard/transformers/config"
	"github.com/lbguard/lbguard/transformers/model"
	"github.com/lbguard/lbguard/transformers/rules"
	"slices"
	"strings"
	"testing"
)

// Every result names its rule (lbguard.dev/rule, R1 … R8), so that the
// reports can give its title and why; only an unreadable field (the
// "invalid" pseudo-rule) and an opted-out resource name none. The list
// holds what the rules warn about without a field of their own to fix:
// routes whose Gateway, ListenerSet or backend lbguard cannot resolve, an
// Auto Mode Gateway, and an Ingress action that is not JSON.
func TestEveryResultNamesItsRule(t *testing.T) {
	route := func(name, parents, backends string) string {
		return "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: " + name + ", namespace: shop}\nspec:\n" +
			"  parentRefs: " + parents + "\n  rules: [{backendRefs: " + backends + "}]\n---\n"
	}
	list := gatewayBase +
		route("unknown-gateway", "[{name: edge}]", "[{name: web, port: 80}]") +
		route("no-listenerset", "[{kind: ListenerSet, name: ls}]", "[{name: web, port: 80}]") +
		route("auto-mode", "[{name: auto}]", "[{name: web, port: 80}]") +
		route("no-port", "[{name: public, namespace: infra}]", "[{name: web}]") +
		route("no-grant", "[{name: public, namespace: infra}]", "[{name: web, namespace: other, port: 80}]") +
		route("target-group", "[{name: public, namespace: infra}]", "[{kind: TargetGroupName, name: tg-1}]") +
		route("missing-service", "[{name: public, namespace: infra}]", "[{name: gone, port: 80}]") +
		"apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: auto, namespace: shop}\nspec: {gatewayClassName: auto}\n---\n" +
		"apiVersion: gateway.networking.k8s.io/v1\nkind: GatewayClass\nmetadata: {name: auto}\nspec: {controllerName: eks.amazonaws.com/gateway-alb}\n---\n" +
		ingressShape("networking.k8s.io/v1", "    alb.ingress.kubernetes.io/actions.blue: 'forward to blue'\n",
			onePath("{service: {name: blue, port: {name: use-annotation}}}"))
	known := map[string]bool{}
	for _, info := range rules.RuleInfos() {
		known[string(info.ID)] = true
	}
	for _, mode := range []config.Mode{config.ModeFix, config.ModeAudit} {
		t.Run(string(mode), func(t *testing.T) {
			items := parseItems(t, list)
			cfg := config.DefaultConfig()
			cfg.Mode = mode
			results := Run(&items, cfg, Snapshot(items)).Results
			var got []string // the results about the routes and the Ingress action
			for _, res := range results {
				rule, action := res.Tags[model.TagRule], res.Tags[model.TagAction]
				switch {
				case action == model.ActionInvalid || action == model.ActionSkipped:
					if rule != "" {
						t.Errorf("%s result with rule %q: %s", action, rule, res.Message)
					}
				case !known[rule] || rule == string(rules.RuleUnreadableField.ID):
					t.Errorf("%s result with rule %q, not one of R1 … R8: %s", res.Severity, rule, res.Message)
				}
				if strings.HasPrefix(res.Message, "HTTPRoute ") || strings.HasPrefix(res.Message, "Ingress web: action") {
					got = append(got, string(res.Severity)+" "+rule+" "+res.Message[:min(len(res.Message), 48)])
				}
			}
			// A route lbguard cannot resolve keeps its backends from
			// every rule: R1, the first; a TargetGroupConfiguration it
			// cannot add, the rule that would write it.
			want := []string{
				"warning R1 Ingress web: action blue is not valid JSON (inva",
				"warning R1 HTTPRoute unknown-gateway attaches to Gateway sh",
				"warning R1 HTTPRoute no-listenerset attaches to ListenerSet",
				"warning R1 HTTPRoute auto-mode attaches to Gateway shop/aut",
				"warning R1 HTTPRoute no-port: the backendRef to Service web",
				"info R1 HTTPRoute no-grant sends to Service other/web, b",
				"info R1 HTTPRoute target-group sends to TargetGroupName ",
				"warning R1 HTTPRoute missing-service sends to Service shop/",
				"warning R2 HTTPRoute missing-service sends to Service shop/",
			}
			if !slices.Equal(got, want) {
				t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}

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
