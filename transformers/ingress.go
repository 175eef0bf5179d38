package transformers

import (
	"encoding/json"
	"sort"
	"strconv"
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/internal/yamlnode"
)

// ingressClassKind says who serves an Ingress.
type ingressClassKind int

const (
	notLBC ingressClassKind = iota
	byLBC
	byAutoMode // EKS Auto Mode's built-in ALB: not handled yet
)

// ingressController decides whether the LBC serves ing. The legacy class
// annotation wins over spec.ingressClassName; with neither, the list's default
// IngressClass decides.
func (inv *Inventory) ingressController(ing *fn.KubeObject) ingressClassKind {
	if class, ok := annotation(inv.root(ing), legacyIngressClass); ok {
		if class == lbcDefaultIngressClass {
			return byLBC
		}
		return inv.classController(inv.ingressClasses[class])
	}
	if name, _ := yamlnode.StringAt(inv.root(ing), "spec", "ingressClassName"); name != "" {
		if class, ok := inv.ingressClasses[name]; ok {
			return inv.classController(class)
		}
		if name == lbcDefaultIngressClass {
			return byLBC // the chart's class, installed with the controller
		}
		return notLBC
	}
	// Several default classes: the API server's pick cannot be known here, so
	// they must agree. Walk them in name order: the answer must not depend on
	// map order.
	names := make([]string, 0, len(inv.ingressClasses))
	for name := range inv.ingressClasses {
		names = append(names, name)
	}
	sort.Strings(names)
	kind, found := notLBC, false
	for _, name := range names {
		class := inv.ingressClasses[name]
		if annotationValue(inv.root(class), defaultIngressClass) != "true" {
			continue
		}
		k := inv.classController(class)
		if found && k != kind {
			return notLBC
		}
		kind, found = k, true
	}
	return kind
}

func (inv *Inventory) classController(class *fn.KubeObject) ingressClassKind {
	if class == nil {
		return notLBC
	}
	switch controller, _ := yamlnode.StringAt(inv.root(class), "spec", "controller"); controller {
	case lbcIngressController:
		return byLBC
	case autoModeIngressController:
		return byAutoMode
	}
	return notLBC
}

func (inv *Inventory) addIngress(ing *fn.KubeObject, r *Report) {
	switch inv.ingressController(ing) {
	case byAutoMode:
		r.Risk("", ing, "spec.ingressClassName", nil,
			"Ingress %s is served by EKS Auto Mode's ALB (controller %s), which lbguard does not handle yet: check its target type, deregistration delay and readiness gates by hand",
			inv.view(ing).name, autoModeIngressController)
		return
	case notLBC:
		return
	}
	lb := inv.newLoadBalancer(ALBIngress, ing)
	inv.LoadBalancers = append(inv.LoadBalancers, lb)
	namespace := lb.namespaceOrDefault()
	for _, ref := range ingressBackends(ing, r) {
		if ref.port != "use-annotation" {
			inv.addBackend(lb, namespace, ref.service, []string{ref.port}, r)
			continue
		}
		action, ok := annotation(inv.root(ing), albActionPrefix+ref.service)
		if !ok {
			// Argo Rollouts writes the action at run time; the named Service
			// selects the same pods.
			inv.addBackend(lb, namespace, ref.service, nil, r)
			continue
		}
		targets, err := forwardTargets(action)
		if err != nil {
			r.Risk("", ing, annotationPath(albActionPrefix+ref.service), action,
				"Ingress %s: action %s is not valid JSON (%v): the Services it forwards to are not checked", lb.name, ref.service, err)
			continue
		}
		for _, t := range targets {
			inv.addBackend(lb, namespace, t.service, []string{t.port}, r)
		}
	}
}

type backendRef struct{ service, port string }

// ingressBackends lists spec.defaultBackend and every path backend, in the
// networking.k8s.io/v1 shape and the old extensions/v1beta1 one.
func ingressBackends(ing *fn.KubeObject, r *Report) []backendRef {
	var refs []backendRef
	invalid := false
	// mapAt reads a field that must be a map. (SubObject.GetMap wraps any
	// value, and the SDK ends the process when it reads a list of odd
	// length as a map: "unexpected number of children for map".)
	mapAt := func(o *fn.SubObject, key, path string) *fn.SubObject {
		sub, found, err := o.NestedSubObject(key)
		if err != nil {
			r.Invalid(ing, path, "must be a map")
			invalid = true
		}
		if err != nil || !found {
			return nil
		}
		return &sub
	}
	add := func(b *fn.SubObject, path string) {
		if b == nil {
			return
		}
		if svc := mapAt(b, "service", path+".service"); svc != nil {
			port := mapAt(svc, "port", path+".service.port")
			ref := backendRef{service: svc.GetString("name")}
			if port != nil {
				ref.port = port.GetString("name")
				if ref.port == "" && port.GetInt("number") != 0 {
					ref.port = strconv.FormatInt(port.GetInt("number"), 10)
				}
			}
			if ref.service != "" {
				refs = append(refs, ref)
			}
			return
		}
		if name := b.GetString("serviceName"); name != "" {
			port, _, _ := b.NestedString("servicePort")
			if port == "" {
				if n, _, _ := b.NestedInt64("servicePort"); n != 0 {
					port = strconv.FormatInt(n, 10)
				}
			}
			refs = append(refs, backendRef{service: name, port: port})
		}
	}
	spec := mapAt(&ing.SubObject, "spec", "spec")
	if spec == nil {
		return nil
	}
	add(mapAt(spec, "defaultBackend", "spec.defaultBackend"), "spec.defaultBackend")
	add(mapAt(spec, "backend", "spec.backend"), "spec.backend")
	rules, _, err := spec.NestedSlice("rules")
	if err != nil {
		r.Invalid(ing, "spec.rules", "must be a list")
		return refs
	}
	for i, rule := range rules {
		paths, _, err := rule.NestedSlice("http", "paths")
		if err != nil {
			r.Invalid(ing, "spec.rules[].http.paths", "must be a list")
			continue
		}
		for j, p := range paths {
			path := "spec.rules[" + strconv.Itoa(i) + "].http.paths[" + strconv.Itoa(j) + "].backend"
			add(mapAt(p, "backend", path), path)
		}
	}
	if invalid {
		return nil
	}
	return refs
}

// forwardTargets reads the Services an alb.ingress.kubernetes.io/actions.*
// annotation forwards to. Redirects and fixed responses forward to none.
func forwardTargets(action string) ([]backendRef, error) {
	type targetGroup struct {
		ServiceName string          `json:"serviceName"`
		ServicePort json.RawMessage `json:"servicePort"`
	}
	var a struct {
		Type          string `json:"type"`
		ForwardConfig *struct {
			TargetGroups []targetGroup `json:"targetGroups"`
		} `json:"forwardConfig"`
		TargetGroups []targetGroup `json:"targetGroups"` // the controller's v1 shape
	}
	// encoding/json matches keys case-insensitively, so the old "Type" and
	// "TargetGroups" spellings read too.
	if err := json.Unmarshal([]byte(action), &a); err != nil {
		return nil, err
	}
	if !strings.EqualFold(a.Type, "forward") {
		return nil, nil
	}
	groups := a.TargetGroups
	if a.ForwardConfig != nil {
		groups = append(groups, a.ForwardConfig.TargetGroups...)
	}
	var refs []backendRef
	for _, g := range groups {
		if g.ServiceName != "" { // a targetGroupARN forwards outside the cluster
			refs = append(refs, backendRef{service: g.ServiceName, port: strings.Trim(string(g.ServicePort), `"`)})
		}
	}
	return refs, nil
}
