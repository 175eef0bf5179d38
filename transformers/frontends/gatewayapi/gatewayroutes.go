package gatewayapi

import (
	"github.com/lbguard/lbguard/transformers/model"
	"strconv"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/internal/yamlnode"
	"github.com/lbguard/lbguard/transformers/config"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Routes: each route attached to an AWS Gateway is a load balancer of its
// own, one per Gateway, whose backends are the Services of its backendRefs.
// The LBC builds a target group per (Gateway, route, Service, port).

// parentRef is a route's parentRefs entry with the Gateway API defaults:
// group gateway.networking.k8s.io, kind Gateway, the route's namespace.
type parentRef struct {
	group, kind, namespace, name string
}

// routeParents resolves the route's parentRefs to the Gateways they attach
// to, through ListenerSets, each once, in order.
func routeParents(inv *model.Inventory, route *fn.KubeObject, r *model.Report) []objectKey {
	v := inv.View(route)
	var keys []objectKey
	seen := map[objectKey]bool{}
	for i, ref := range readRefs(v.Root, "parentRefs", v.NamespaceOrDefault()) {
		if ref.group != gatewayAPIGroup {
			continue
		}
		key := objectKey{ref.namespace, ref.name}
		switch ref.kind {
		case "Gateway":
		case "ListenerSet":
			ls := state(inv).objects.listenerSets[key]
			if ls == nil {
				r.Risk(model.IPTargetTypeID, route, "spec.parentRefs["+strconv.Itoa(i)+"]", ref.name,
					"%s %s attaches to ListenerSet %s/%s, which is not in the list: lbguard cannot tell which Gateway serves it, so it leaves its backends alone",
					v.KindName, v.Name, ref.namespace, ref.name)
				continue
			}
			lv := inv.View(ls)
			parent, ok := readRef(yamlnode.Find(lv.Root, "spec", "parentRef"), lv.NamespaceOrDefault())
			if !ok || parent.group != gatewayAPIGroup || parent.kind != "Gateway" {
				continue
			}
			key = objectKey{parent.namespace, parent.name}
		default:
			continue
		}
		if !seen[key] {
			seen[key] = true
			keys = append(keys, key)
		}
	}
	return keys
}

// readRefs reads the list of references at field of spec; namespace is the
// default namespace.
func readRefs(root *yaml.Node, field, namespace string) []parentRef {
	var refs []parentRef
	for _, n := range yamlnode.Items(yamlnode.Find(root, "spec", field)) {
		if ref, ok := readRef(n, namespace); ok {
			refs = append(refs, ref)
		}
	}
	return refs
}

// readRef reads one reference with the defaults of a ParentReference; ok
// is false when it names nothing.
func readRef(n *yaml.Node, namespace string) (parentRef, bool) {
	ref := parentRef{group: gatewayAPIGroup, kind: "Gateway", namespace: namespace}
	if n == nil || n.Kind != yaml.MappingNode {
		return ref, false
	}
	if g := yamlnode.Find(n, "group"); g != nil {
		ref.group = yamlnode.ScalarText(g) // "" is the core group
	}
	if k, _ := yamlnode.StringAt(n, "kind"); k != "" {
		ref.kind = k
	}
	if ns, _ := yamlnode.StringAt(n, "namespace"); ns != "" {
		ref.namespace = ns
	}
	ref.name, _ = yamlnode.StringAt(n, "name")
	return ref, ref.name != ""
}

// addRoute adds one load balancer for each AWS Gateway the route attaches
// to, and warns where it cannot tell who serves the Gateway.
func addRoute(inv *model.Inventory, route *fn.KubeObject, cfg config.Config, r *model.Report) {
	v := inv.View(route)
	for _, key := range routeParents(inv, route, r) {
		gw, verdict, why := classify(inv, key, cfg)
		switch verdict {
		case gatewayNotAWS:
			continue
		case gatewayUnknown:
			r.Risk(model.IPTargetTypeID, route, "spec.parentRefs", key.Namespace+"/"+key.Name,
				"%s %s attaches to Gateway %s/%s, but %s: lbguard cannot tell whether the AWS Load Balancer Controller serves it, so it leaves the route's backends alone. Name the Gateway in the config's gateways (or its class in gatewayClasses) as alb, nlb or ignore",
				v.KindName, v.Name, key.Namespace, key.Name, why)
			continue
		case gatewayAutoMode:
			r.Risk(model.IPTargetTypeID, route, "spec.parentRefs", key.Namespace+"/"+key.Name,
				"%s %s attaches to Gateway %s/%s of EKS Auto Mode (controller %s), which lbguard does not handle yet: check its target type, deregistration delay and health check by hand",
				v.KindName, v.Name, key.Namespace, key.Name, why)
			continue
		}
		if routeKinds[v.KindName] != gw.kind {
			continue // the LBC serves this kind on the other load balancer type only
		}
		lb := inv.NewLoadBalancer(gw.kind, route)
		lb.FrontState = gw
		lb.Skipped = lb.Skipped || gw.object != nil && model.IsSkipped(inv.Root(gw.object))
		inv.LoadBalancers = append(inv.LoadBalancers, lb)
		addRouteBackends(inv, lb, r)
	}
}

// addRouteBackends links every Service the route's rules send to.
func addRouteBackends(inv *model.Inventory, lb *model.LoadBalancer, r *model.Report) {
	namespace := lb.NamespaceOrDefault()
	for i, rule := range yamlnode.Items(yamlnode.Find(lb.Root, "spec", "rules")) {
		for j, n := range yamlnode.Items(yamlnode.Find(rule, "backendRefs")) {
			path := "spec.rules[" + strconv.Itoa(i) + "].backendRefs[" + strconv.Itoa(j) + "]"
			ref, ok := readRef(n, namespace)
			if !ok {
				continue
			}
			if k, _ := yamlnode.StringAt(n, "kind"); k == "" {
				ref.kind = "Service" // a backendRef's default kind
			}
			switch ref.kind {
			case "Service":
			case "TargetGroupName", "Gateway":
				r.Kept(model.IPTargetTypeID, lb.Object, path+".kind", ref.kind,
					"%s %s sends to %s %s, which fronts no pods of this list (%s): lbguard leaves it alone",
					lb.KindName, lb.Name, ref.kind, ref.name, map[string]string{
						"TargetGroupName": "a target group made outside Kubernetes",
						"Gateway":         "the chained Gateway's own routes reach the pods",
					}[ref.kind])
				continue
			default:
				continue // the LBC refuses other kinds
			}
			port, _, err := yamlnode.IntAt(n, "port")
			if err != nil || port == 0 {
				r.Risk(model.IPTargetTypeID, lb.Object, path+".port", nil,
					"%s %s: the backendRef to Service %s names no port: the LBC requires the Service port and does not wire this backend",
					lb.KindName, lb.Name, ref.name)
				continue
			}
			if ref.namespace != namespace && !granted(inv, lb, ref) {
				r.Kept(model.IPTargetTypeID, lb.Object, path+".namespace", ref.namespace,
					"%s %s sends to Service %s/%s, but no ReferenceGrant in namespace %s allows it: the LBC does not wire this backend, so lbguard leaves its workloads alone",
					lb.KindName, lb.Name, ref.namespace, ref.name, ref.namespace)
				continue
			}
			inv.AddBackend(lb, ref.namespace, ref.name, []string{strconv.Itoa(port)}, r)
		}
	}
}

// granted reports whether a ReferenceGrant in the Service's namespace lets
// the route of lb send to Service ref: from the route's group, kind and
// namespace, to core Services, all of them or this one.
func granted(inv *model.Inventory, lb *model.LoadBalancer, ref parentRef) bool {
	for _, grant := range state(inv).objects.grants[ref.namespace] {
		root := inv.Root(grant)
		from := false
		for _, n := range yamlnode.Items(yamlnode.Find(root, "spec", "from")) {
			group, _ := yamlnode.StringAt(n, "group")
			kind, _ := yamlnode.StringAt(n, "kind")
			ns, _ := yamlnode.StringAt(n, "namespace")
			from = from || group == gatewayAPIGroup && kind == lb.KindName && ns == lb.NamespaceOrDefault()
		}
		if !from {
			continue
		}
		for _, n := range yamlnode.Items(yamlnode.Find(root, "spec", "to")) {
			group := yamlnode.ScalarText(yamlnode.Find(n, "group"))
			kind, _ := yamlnode.StringAt(n, "kind")
			name, _ := yamlnode.StringAt(n, "name")
			if group == "" && kind == "Service" && (name == "" || name == ref.name) {
				return true
			}
		}
	}
	return false
}
