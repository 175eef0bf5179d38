package model

import (
	"encoding/json"
	"sort"
	"strconv"
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/internal/yamlnode"
	"github.com/lbguard/lbguard/transformers/annotations"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// ingressClassKind says who serves an Ingress.
type ingressClassKind int

const (
	notLBC ingressClassKind = iota
	byLBC
	byAutoMode // EKS Auto Mode's built-in ALB
)

// ingressController decides whether the LBC (or Auto Mode) serves ing, and
// the IngressClass it takes when the list holds it. The legacy class
// annotation wins over spec.ingressClassName; with neither, the list's
// default IngressClass decides.
func (inv *Inventory) ingressController(ing *fn.KubeObject) (ingressClassKind, *fn.KubeObject) {
	if name, ok := annotations.Get(inv.Root(ing), annotations.LegacyIngressClass); ok {
		class := inv.ingressClasses[name]
		if name == annotations.LBCDefaultIngressClass {
			return byLBC, class
		}
		return inv.classController(class), class
	}
	if name, _ := yamlnode.StringAt(inv.Root(ing), "spec", "ingressClassName"); name != "" {
		if class, ok := inv.ingressClasses[name]; ok {
			return inv.classController(class), class
		}
		if name == annotations.LBCDefaultIngressClass {
			return byLBC, nil // the chart's class, installed with the controller
		}
		return notLBC, nil
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
	var chosen *fn.KubeObject
	for _, name := range names {
		class := inv.ingressClasses[name]
		if annotations.Value(inv.Root(class), annotations.DefaultIngressClass) != "true" {
			continue
		}
		k := inv.classController(class)
		if found && k != kind {
			return notLBC, nil
		}
		if !found {
			chosen = class
		}
		kind, found = k, true
	}
	return kind, chosen
}

func (inv *Inventory) classController(class *fn.KubeObject) ingressClassKind {
	if class == nil {
		return notLBC
	}
	switch controller, _ := yamlnode.StringAt(inv.Root(class), "spec", "controller"); controller {
	case annotations.LBCIngressController:
		return byLBC
	case annotations.AutoModeIngressController:
		return byAutoMode
	}
	return notLBC
}

func (inv *Inventory) addIngress(ing *fn.KubeObject, r *Report) {
	controller, class := inv.ingressController(ing)
	if controller == notLBC {
		return
	}
	lb := inv.NewLoadBalancer(ALBIngress, ing)
	lb.AutoMode = controller == byAutoMode
	lb.InstanceParams = inv.instanceParams(class)
	inv.LoadBalancers = append(inv.LoadBalancers, lb)
	namespace := lb.NamespaceOrDefault()
	for _, ref := range IngressBackends(ing, r) {
		if ref.Port == "use-annotation" {
			inv.addActionBackends(lb, namespace, ref.Service, r)
			continue
		}
		inv.AddBackend(lb, namespace, ref.Service, []string{ref.Port}, r)
	}
}

// addActionBackends adds the Services that the action named by a
// use-annotation backend forwards to.
func (inv *Inventory) addActionBackends(lb *LoadBalancer, namespace, action string, r *Report) {
	key := annotations.ALBActionPrefix + action
	value, ok := annotations.Get(lb.Root, key)
	if !ok {
		// Argo Rollouts writes the action at run time; the named Service
		// selects the same pods.
		inv.AddBackend(lb, namespace, action, nil, r)
		return
	}
	targets, err := forwardTargets(value)
	if err != nil {
		r.Risk(IPTargetTypeID, lb.Object, annotations.Path(key), value,
			"Ingress %s: action %s is not valid JSON (%v): the Services it forwards to are not checked", lb.Name, action, err)
		return
	}
	for _, t := range targets {
		inv.AddBackend(lb, namespace, t.Service, []string{t.Port}, r)
	}
}

type backendRef struct{ Service, Port string }

// backendReader reads the backends of one Ingress from its nodes and
// reports the fields it cannot read.
type backendReader struct {
	ing     *fn.KubeObject
	r       *Report
	refs    []backendRef
	invalid bool // a field that must be a map is not
}

// ingressBackends lists spec.defaultBackend, spec.backend and every path
// backend, in that order, in the networking.k8s.io/v1 shape and the old
// extensions/v1beta1 one.
func IngressBackends(ing *fn.KubeObject, r *Report) []backendRef {
	b := &backendReader{ing: ing, r: r}
	spec := b.mapAt(r.View(ing).Root, "spec", "spec")
	if spec == nil {
		return nil
	}
	b.add(b.mapAt(spec, "defaultBackend", "spec.defaultBackend"), "spec.defaultBackend")
	b.add(b.mapAt(spec, "backend", "spec.backend"), "spec.backend")
	if !b.addRules(spec) {
		return b.refs // rules that are not a list leave the backends read before them
	}
	if b.invalid {
		return nil
	}
	return b.refs
}

// mapAt is the map at key in the map n, nil when there is none; a value of
// another kind (null too) is reported at path.
func (b *backendReader) mapAt(n *yaml.Node, key, path string) *yaml.Node {
	m, err := yamlnode.OfKind(n, yaml.MappingNode, key)
	if err != nil {
		b.r.Invalid(b.ing, path, "must be a map")
		b.invalid = true
	}
	return m
}

// addRules reads the backends of spec.rules[].http.paths[]. It is false
// when spec.rules is not a list of rules.
func (b *backendReader) addRules(spec *yaml.Node) bool {
	rules, ok := listOfMapsAt(spec, "rules")
	if !ok {
		b.r.Invalid(b.ing, "spec.rules", "must be a list")
		return false
	}
	for i, rule := range yamlnode.Items(rules) {
		paths, ok := listOfMapsAt(rule, "http", "paths")
		if !ok {
			b.r.Invalid(b.ing, "spec.rules[].http.paths", "must be a list")
			continue
		}
		for j, p := range yamlnode.Items(paths) {
			path := "spec.rules[" + strconv.Itoa(i) + "].http.paths[" + strconv.Itoa(j) + "].backend"
			b.add(b.mapAt(p, "backend", path), path)
		}
	}
	return true
}

// listOfMapsAt is the list of maps at path under n, nil when there is none;
// ok is false when something else is there.
func listOfMapsAt(n *yaml.Node, path ...string) (list *yaml.Node, ok bool) {
	list, err := yamlnode.OfKind(n, yaml.SequenceNode, path...)
	if err != nil || list != nil && !yamlnode.IsListOfMaps(list) {
		return nil, false
	}
	return list, true
}

// add reads one backend map, found at path; nil is none.
func (b *backendReader) add(backend *yaml.Node, path string) {
	if backend == nil {
		return
	}
	// service wins over serviceName only when it is a map.
	if svc := b.mapAt(backend, "service", path+".service"); svc != nil {
		b.addService(svc, path+".service")
		return
	}
	if name, _ := yamlnode.StringAt(backend, "serviceName"); name != "" {
		b.refs = append(b.refs, backendRef{Service: name, Port: portAt(backend, "servicePort", "servicePort")})
	}
}

// addService reads the networking.k8s.io/v1 shape,
// service: {name, port: {name|number}}, found at path.
func (b *backendReader) addService(svc *yaml.Node, path string) {
	ref := backendRef{}
	if port := b.mapAt(svc, "port", path+".port"); port != nil {
		ref.Port = portAt(port, "name", "number")
	}
	if ref.Service, _ = yamlnode.StringAt(svc, "name"); ref.Service != "" {
		b.refs = append(b.refs, ref)
	}
}

// portAt is a port as the map n names it: the string at nameKey, else the
// number at numberKey; "" for neither, and for 0, which names no port.
func portAt(n *yaml.Node, nameKey, numberKey string) string {
	if name, _ := yamlnode.StringAt(n, nameKey); name != "" {
		return name
	}
	if number, _, _ := yamlnode.IntAt(n, numberKey); number != 0 {
		return strconv.Itoa(number)
	}
	return ""
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
			refs = append(refs, backendRef{Service: g.ServiceName, Port: strings.Trim(string(g.ServicePort), `"`)})
		}
	}
	return refs, nil
}
