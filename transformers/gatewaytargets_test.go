package transformers

import (
	"github.com/lbguard/lbguard/transformers/config"
	"github.com/lbguard/lbguard/transformers/frontends/gatewayapi"
	"github.com/lbguard/lbguard/transformers/model"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// gatewayBase is an ALB and an NLB class, each with a LoadBalancerConfiguration
// that may name a default TargetGroupConfiguration, and one Gateway of each.
const gatewayBase = `
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: any-name}
spec:
  controllerName: gateway.k8s.aws/alb
  parametersRef: {group: gateway.k8s.aws, kind: LoadBalancerConfiguration, name: class-lbc, namespace: infra}
---
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: l4}
spec:
  controllerName: gateway.k8s.aws/nlb
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: public, namespace: infra}
spec:
  gatewayClassName: any-name
  infrastructure:
    parametersRef: {group: gateway.k8s.aws, kind: LoadBalancerConfiguration, name: gw-lbc}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: tcp, namespace: infra}
spec:
  gatewayClassName: l4
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: 8080}]
---
`

// route is an HTTPRoute web in shop to Service web on Gateway infra/public.
const routeToWeb = `
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: web, namespace: shop}
spec:
  parentRefs: [{name: public, namespace: infra}]
  rules: [{backendRefs: [{name: web, port: 80}]}]
---
`

func tgc(name, namespace, ref, defaults, routes string) string {
	s := "apiVersion: gateway.k8s.aws/v1beta1\nkind: TargetGroupConfiguration\nmetadata: {name: " + name + ", namespace: " + namespace + "}\nspec:\n"
	if ref != "" {
		s += "  targetReference: {name: " + ref + "}\n"
	}
	if defaults != "" {
		s += "  defaultConfiguration: " + defaults + "\n"
	}
	if routes != "" {
		s += "  routeConfigurations: " + routes + "\n"
	}
	return s + "---\n"
}

func lbConfig(name, namespace, defaultTGC, mode string) string {
	s := "apiVersion: gateway.k8s.aws/v1beta1\nkind: LoadBalancerConfiguration\nmetadata: {name: " + name + ", namespace: " + namespace + "}\nspec:\n"
	if defaultTGC != "" {
		s += "  defaultTargetGroupConfiguration: {name: " + defaultTGC + "}\n"
	}
	if mode != "" {
		s += "  mergingMode: " + mode + "\n"
	}
	return s + "---\n"
}

const (
	ipAnd60   = `{targetType: ip, targetGroupAttributes: [{key: deregistration_delay.timeout_seconds, value: "60"}]}`
	instance  = `{targetType: instance}`
	delay45   = `{targetGroupAttributes: [{key: deregistration_delay.timeout_seconds, value: "45"}]}`
	hcHealthz = `{healthCheckConfig: {healthCheckPath: /healthz, healthCheckPort: "9000"}}`
)

// The effective settings of (Gateway, route, Service), layer by layer
// (docs/gateway.md 1.6): the Service's route entry, its defaultConfiguration,
// the Gateway default (class and Gateway merged by mergingMode), the LBC's.
func TestEffectiveTargetGroupSettings(t *testing.T) {
	tests := []struct {
		name    string
		objects string
		want    string // targetType delay healthCheckPath
	}{
		{"nothing: the LBC's defaults", "", " 300 "},
		{"the Service's own", tgc("web", "shop", "web", ipAnd60, ""), "ip 60 "},
		{"a TGC in another namespace is not the Service's", tgc("web", "infra", "web", ipAnd60, ""), " 300 "},
		{"a TGC without targetReference is only a default", tgc("web", "shop", "", ipAnd60, ""), " 300 "},
		{"the class default", lbConfig("class-lbc", "infra", "d", "") + tgc("d", "infra", "", ipAnd60, ""), "ip 60 "},
		{"the Gateway default", lbConfig("gw-lbc", "infra", "d", "") + tgc("d", "infra", "", ipAnd60, ""), "ip 60 "},
		{"a default whose LoadBalancerConfiguration is missing does not count", tgc("d", "infra", "", ipAnd60, ""), " 300 "},
		{"a default TGC with a targetReference does not count", lbConfig("gw-lbc", "infra", "d", "") + tgc("d", "infra", "web", ipAnd60, ""), " 300 "},
		{"the class wins by default", lbConfig("class-lbc", "infra", "c", "") + tgc("c", "infra", "", instance, "") +
			lbConfig("gw-lbc", "infra", "g", "") + tgc("g", "infra", "", ipAnd60, ""), "instance 60 "},
		{"prefer-gateway", lbConfig("class-lbc", "infra", "c", "prefer-gateway") + tgc("c", "infra", "", instance, "") +
			lbConfig("gw-lbc", "infra", "g", "") + tgc("g", "infra", "", ipAnd60, ""), "ip 60 "},
		{"the Service's own wins over the default, attributes merge by key", lbConfig("gw-lbc", "infra", "g", "") + tgc("g", "infra", "", ipAnd60, "") +
			tgc("web", "shop", "web", `{targetType: instance, targetGroupAttributes: [{key: stickiness.enabled, value: "true"}]}`, ""), "instance 60 "},
		{"healthCheckConfig replaces the default's whole", lbConfig("gw-lbc", "infra", "g", "") + tgc("g", "infra", "", hcHealthz, "") +
			tgc("web", "shop", "web", `{healthCheckConfig: {healthCheckInterval: 10}}`, ""), " 300 "},
		{"healthCheckConfig of the default", lbConfig("gw-lbc", "infra", "g", "") + tgc("g", "infra", "", hcHealthz, ""), " 300 /healthz"},
		{"a route entry by kind, namespace and name", tgc("web", "shop", "web", ipAnd60,
			`[{routeIdentifier: {kind: HTTPRoute}, targetGroupProps: {targetType: instance}}, {routeIdentifier: {kind: HTTPRoute, namespace: shop, name: web}, targetGroupProps: `+delay45+`}]`), "ip 45 "},
		{"a route entry by kind and namespace beats kind alone", tgc("web", "shop", "web", ipAnd60,
			`[{routeIdentifier: {kind: HTTPRoute, namespace: shop}, targetGroupProps: `+delay45+`}, {routeIdentifier: {kind: HTTPRoute}, targetGroupProps: {targetType: instance}}]`), "ip 45 "},
		{"a route entry naming another route is skipped", tgc("web", "shop", "web", ipAnd60,
			`[{routeIdentifier: {kind: HTTPRoute, namespace: shop, name: other}, targetGroupProps: {targetType: instance}}]`), "ip 60 "},
		{"a route entry of another kind is skipped", tgc("web", "shop", "web", ipAnd60,
			`[{routeIdentifier: {kind: GRPCRoute}, targetGroupProps: {targetType: instance}}]`), "ip 60 "},
		{"the default's route entries count", lbConfig("gw-lbc", "infra", "g", "") + tgc("g", "infra", "", ipAnd60,
			`[{routeIdentifier: {kind: HTTPRoute}, targetGroupProps: `+delay45+`}]`), "ip 45 "},
		{"only the winning default's route entries count", lbConfig("class-lbc", "infra", "c", "") + tgc("c", "infra", "", ipAnd60, "") +
			lbConfig("gw-lbc", "infra", "g", "") + tgc("g", "infra", "", "", `[{routeIdentifier: {kind: HTTPRoute}, targetGroupProps: `+delay45+`}]`), "ip 60 "},
		{"the Service's defaultConfiguration beats the default's route entry", lbConfig("gw-lbc", "infra", "g", "") + tgc("g", "infra", "", "",
			`[{routeIdentifier: {kind: HTTPRoute}, targetGroupProps: {targetType: instance}}]`) + tgc("web", "shop", "web", `{targetType: ip}`, ""), "ip 300 "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inv := model.NewInventory(parseItems(t, gatewayList(gatewayBase+routeToWeb+tt.objects)), config.DefaultConfig(), &model.Report{})
			var got []string
			for _, lb := range inv.LoadBalancers {
				for _, b := range lb.Backends {
					targetType, delay, healthCheck := gatewayapi.Settings(b)
					path := ""
					if healthCheck {
						path = b.HealthCheck().Path
					}
					got = append(got, targetType+" "+strconv.Itoa(delay)+" "+path)
				}
			}
			if !reflect.DeepEqual(got, []string{tt.want}) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// The backends each route reaches: kind Service and the route's namespace
// by default, port the Service port; cross-namespace only with a grant;
// other kinds front no pods. A backend lbguard cannot wire is reported under
// R1, the first rule it keeps from being checked.
func TestRouteBackends(t *testing.T) {
	grant := func(fromKind, fromNS, toName string) string {
		s := "apiVersion: gateway.networking.k8s.io/v1beta1\nkind: ReferenceGrant\nmetadata: {name: g, namespace: shop}\nspec:\n" +
			"  from: [{group: gateway.networking.k8s.io, kind: " + fromKind + ", namespace: " + fromNS + "}]\n  to: [{group: \"\", kind: Service"
		if toName != "" {
			s += ", name: " + toName
		}
		return s + "}]\n---\n"
	}
	route := func(kind, apiVersion, namespace, parents, backends string) string {
		return "apiVersion: gateway.networking.k8s.io/" + apiVersion + "\nkind: " + kind + "\nmetadata: {name: r, namespace: " + namespace + "}\nspec:\n" +
			"  parentRefs: " + parents + "\n  rules: [{backendRefs: " + backends + "}]\n---\n"
	}
	tests := []struct {
		name    string
		objects string
		cfg     func(*config.Config)
		want    []string // "LB-kind route-ns/route → svc-ns/svc ports"
		results []string
	}{
		{name: "defaults", objects: route("HTTPRoute", "v1", "shop", "[{name: public, namespace: infra}]", "[{name: web, port: 80}]"),
			want: []string{"Gateway ALB shop/r → shop/web [80]"}},
		{name: "v1beta1 HTTPRoute, kind and group written", objects: route("HTTPRoute", "v1beta1", "shop", "[{group: gateway.networking.k8s.io, kind: Gateway, name: public, namespace: infra}]", `[{group: "", kind: Service, name: web, port: 80}]`),
			want: []string{"Gateway ALB shop/r → shop/web [80]"}},
		{name: "v1alpha2 TCPRoute on the NLB", objects: route("TCPRoute", "v1alpha2", "shop", "[{name: tcp, namespace: infra}]", "[{name: web, port: 80}]"),
			want: []string{"Gateway NLB shop/r → shop/web [80]"}},
		{name: "an HTTPRoute on the NLB is not served", objects: route("HTTPRoute", "v1", "shop", "[{name: tcp, namespace: infra}]", "[{name: web, port: 80}]")},
		{name: "the parent's namespace defaults to the route's", objects: route("HTTPRoute", "v1", "infra", "[{name: public}]", "[{name: web, namespace: shop, port: 80}]") + grant("HTTPRoute", "infra", "web"),
			want: []string{"Gateway ALB infra/r → shop/web [80]"}},
		{name: "cross-namespace without a grant", objects: route("HTTPRoute", "v1", "infra", "[{name: public}]", "[{name: web, namespace: shop, port: 80}]"),
			results: []string{"info R1 HTTPRoute r sends to Service shop/web, but no ReferenceGrant in namespace shop allows it: the LBC does not wire this backend, so lbguard leaves its workloads alone"}},
		{name: "a grant for another kind", objects: route("HTTPRoute", "v1", "infra", "[{name: public}]", "[{name: web, namespace: shop, port: 80}]") + grant("GRPCRoute", "infra", ""),
			results: []string{"info R1 HTTPRoute r sends to Service shop/web, but no ReferenceGrant in namespace shop allows it: the LBC does not wire this backend, so lbguard leaves its workloads alone"}},
		{name: "a grant for another Service", objects: route("HTTPRoute", "v1", "infra", "[{name: public}]", "[{name: web, namespace: shop, port: 80}]") + grant("HTTPRoute", "infra", "api"),
			results: []string{"info R1 HTTPRoute r sends to Service shop/web, but no ReferenceGrant in namespace shop allows it: the LBC does not wire this backend, so lbguard leaves its workloads alone"}},
		{name: "a grant for all Services", objects: route("HTTPRoute", "v1", "infra", "[{name: public}]", "[{name: web, namespace: shop, port: 80}]") + grant("HTTPRoute", "infra", ""),
			want: []string{"Gateway ALB infra/r → shop/web [80]"}},
		{name: "TargetGroupName and Gateway kinds", objects: route("HTTPRoute", "v1", "shop", "[{name: public, namespace: infra}]", "[{kind: TargetGroupName, name: tg-1}, {kind: Gateway, name: inner}]"),
			results: []string{
				"info R1 HTTPRoute r sends to TargetGroupName tg-1, which fronts no pods of this list (a target group made outside Kubernetes): lbguard leaves it alone",
				"info R1 HTTPRoute r sends to Gateway inner, which fronts no pods of this list (the chained Gateway's own routes reach the pods): lbguard leaves it alone"}},
		{name: "no port", objects: route("HTTPRoute", "v1", "shop", "[{name: public, namespace: infra}]", "[{name: web}]"),
			results: []string{"warning R1 HTTPRoute r: the backendRef to Service web names no port: the LBC requires the Service port and does not wire this backend"}},
		{name: "two parents, one Gateway twice", objects: route("HTTPRoute", "v1", "shop", "[{name: public, namespace: infra, sectionName: a}, {name: public, namespace: infra, sectionName: b}]", "[{name: web, port: 80}, {name: web, port: 8080}]"),
			want: []string{"Gateway ALB shop/r → shop/web [80 8080]"}},
		{name: "through a ListenerSet", objects: route("HTTPRoute", "v1", "shop", "[{kind: ListenerSet, name: ls}]", "[{name: web, port: 80}]") +
			"apiVersion: gateway.networking.k8s.io/v1\nkind: ListenerSet\nmetadata: {name: ls, namespace: shop}\nspec:\n  parentRef: {name: public, namespace: infra}\n---\n",
			want: []string{"Gateway ALB shop/r → shop/web [80]"}},
		{name: "a ListenerSet not in the list", objects: route("HTTPRoute", "v1", "shop", "[{kind: ListenerSet, name: ls}]", "[{name: web, port: 80}]"),
			results: []string{"warning R1 HTTPRoute r attaches to ListenerSet shop/ls, which is not in the list: lbguard cannot tell which Gateway serves it, so it leaves its backends alone"}},
		{name: "an unknown Gateway", objects: route("HTTPRoute", "v1", "shop", "[{name: edge}]", "[{name: web, port: 80}]"),
			results: []string{"warning R1 HTTPRoute r attaches to Gateway shop/edge, but Gateway shop/edge is not in the list: lbguard cannot tell whether the AWS Load Balancer Controller serves it, so it leaves the route's backends alone. Name the Gateway in the config's gateways (or its class in gatewayClasses) as alb, nlb or ignore"}},
		{name: "a Gateway named in the config", cfg: func(c *config.Config) { c.Gateways["shop/edge"] = config.GatewayTypeALB },
			objects: route("HTTPRoute", "v1", "shop", "[{name: edge}]", "[{name: web, port: 80}]"),
			want:    []string{"Gateway ALB shop/r → shop/web [80]"}},
		{name: "a Gateway the config ignores", cfg: func(c *config.Config) { c.Gateways["edge"] = config.GatewayTypeIgnore },
			objects: route("HTTPRoute", "v1", "shop", "[{name: edge}]", "[{name: web, port: 80}]")},
		{name: "a class not in the list", objects: route("HTTPRoute", "v1", "shop", "[{name: other}]", "[{name: web, port: 80}]") +
			"apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: other, namespace: shop}\nspec: {gatewayClassName: shared-alb}\n---\n",
			results: []string{"warning R1 HTTPRoute r attaches to Gateway shop/other, but its GatewayClass shared-alb is not in the list: lbguard cannot tell whether the AWS Load Balancer Controller serves it, so it leaves the route's backends alone. Name the Gateway in the config's gateways (or its class in gatewayClasses) as alb, nlb or ignore"}},
		{name: "a class named in the config", cfg: func(c *config.Config) { c.GatewayClasses["shared-alb"] = config.GatewayTypeALB },
			objects: route("HTTPRoute", "v1", "shop", "[{name: other}]", "[{name: web, port: 80}]") +
				"apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: other, namespace: shop}\nspec: {gatewayClassName: shared-alb}\n---\n",
			want: []string{"Gateway ALB shop/r → shop/web [80]"}},
		{name: "a non-AWS class", objects: route("HTTPRoute", "v1", "shop", "[{name: other}]", "[{name: web, port: 80}]") +
			"apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: other, namespace: shop}\nspec: {gatewayClassName: istio}\n---\n" +
			"apiVersion: gateway.networking.k8s.io/v1\nkind: GatewayClass\nmetadata: {name: istio}\nspec: {controllerName: istio.io/gateway-controller}\n---\n"},
		{name: "an Auto Mode class", objects: route("HTTPRoute", "v1", "shop", "[{name: other}]", "[{name: web, port: 80}]") +
			"apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: other, namespace: shop}\nspec: {gatewayClassName: auto}\n---\n" +
			"apiVersion: gateway.networking.k8s.io/v1\nkind: GatewayClass\nmetadata: {name: auto}\nspec: {controllerName: eks.amazonaws.com/gateway-alb}\n---\n",
			results: []string{"warning R1 HTTPRoute r attaches to Gateway shop/other of EKS Auto Mode (controller eks.amazonaws.com/gateway-alb), which lbguard does not handle yet: check its target type, deregistration delay and health check by hand"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := configDefaultsWith(tt.cfg)
			r := &model.Report{}
			inv := model.NewInventory(parseItems(t, gatewayList(gatewayBase+tt.objects)), cfg, r)
			var got []string
			for _, lb := range inv.LoadBalancers {
				for _, b := range lb.Backends {
					ports := append([]string(nil), b.Ports...)
					sort.Strings(ports)
					got = append(got, string(lb.Kind)+" "+lb.NamespaceOrDefault()+"/"+lb.Name+" → "+b.Namespace+"/"+b.ServiceName+" ["+strings.Join(ports, " ")+"]")
				}
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("backends:\n got  %q\n want %q", got, tt.want)
			}
			var results []string
			for _, res := range r.Results {
				results = append(results, string(res.Severity)+" "+res.Tags[model.TagRule]+" "+res.Message)
			}
			if !reflect.DeepEqual(results, tt.results) {
				t.Errorf("results:\n got  %q\n want %q", results, tt.results)
			}
		})
	}
}

// gatewayList drops the separator after the last document.
func gatewayList(docs string) string {
	return strings.TrimSuffix(strings.TrimSpace(docs), "---")
}
