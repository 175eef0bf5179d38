// Package ingress is the Ingress front end: the Ingresses of the AWS Load
// Balancer Controller's classes and of EKS Auto Mode's (an ALB), with their
// IngressClass and IngressClassParams. It registers itself with
// model.Register.
package ingress

import (
	"encoding/json"
	"sort"
	"strconv"
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/internal/yamlnode"
	"github.com/lbguard/lbguard/transformers/annotations"
	"github.com/lbguard/lbguard/transformers/config"
	"github.com/lbguard/lbguard/transformers/model"
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
func ingressController(inv *model.Inventory, ing *fn.KubeObject) (ingressClassKind, *fn.KubeObject) {
	if name, ok := annotations.Get(inv.Root(ing), annotations.LegacyIngressClass); ok {
		class := inv.IngressClasses[name]
		if name == annotations.LBCDefaultIngressClass {
			return byLBC, class
		}
		return classController(inv, class), class
	}
	if name, _ := yamlnode.StringAt(inv.Root(ing), "spec", "ingressClassName"); name != "" {
		if class, ok := inv.IngressClasses[name]; ok {
			return classController(inv, class), class
		}
		if name == annotations.LBCDefaultIngressClass {
			return byLBC, nil // the chart's class, installed with the controller
		}
		return notLBC, nil
	}
	// Several default classes: the API server's pick cannot be known here, so
	// they must agree. Walk them in name order: the answer must not depend on
	// map order.
	names := make([]string, 0, len(inv.IngressClasses))
	for name := range inv.IngressClasses {
		names = append(names, name)
	}
	sort.Strings(names)
	kind, found := notLBC, false
	var chosen *fn.KubeObject
	for _, name := range names {
		class := inv.IngressClasses[name]
		if annotations.Value(inv.Root(class), annotations.DefaultIngressClass) != "true" {
			continue
		}
		k := classController(inv, class)
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

func classController(inv *model.Inventory, class *fn.KubeObject) ingressClassKind {
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

func addIngress(inv *model.Inventory, ing *fn.KubeObject, r *model.Report) {
	controller, class := ingressController(inv, ing)
	if controller == notLBC {
		return
	}
	lb := inv.NewLoadBalancer(model.ALBIngress, ing)
	lb.AutoMode = controller == byAutoMode
	lb.InstanceParams = inv.InstanceParams(class)
	inv.LoadBalancers = append(inv.LoadBalancers, lb)
	namespace := lb.NamespaceOrDefault()
	for _, ref := range IngressBackends(ing, r) {
		if ref.Port == "use-annotation" {
			addActionBackends(inv, lb, namespace, ref.Service, r)
			continue
		}
		inv.AddBackend(lb, namespace, ref.Service, []string{ref.Port}, r)
	}
}

// addActionBackends adds the Services that the action named by a
// use-annotation backend forwards to.
func addActionBackends(inv *model.Inventory, lb *model.LoadBalancer, namespace, action string, r *model.Report) {
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
		r.Risk(model.IPTargetTypeID, lb.Object, annotations.Path(key), value,
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
	r       *model.Report
	refs    []backendRef
	invalid bool // a field that must be a map is not
}

// ingressBackends lists spec.defaultBackend, spec.backend and every path
// backend, in that order, in the networking.k8s.io/v1 shape and the old
// extensions/v1beta1 one.
func IngressBackends(ing *fn.KubeObject, r *model.Report) []backendRef {
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

// What the Ingress front end does for R1: ip targets on the Ingress, or on
// the backend Services that override it; a class whose IngressClassParams
// pin instance targets is only reported.

// claimIngress claims Ingresses, to index once the classes are read, and
// indexes IngressClasses and IngressClassParams by name.
func claimIngress(inv *model.Inventory, obj *fn.KubeObject, v *model.ObjectView) bool {
	switch gk := v.GroupKind; {
	case gk == model.IngressClassGroupKind:
		inv.IngressClasses[v.Name] = obj
	case gk.IsIngress():
		return inv.AddClaimed("ingress", obj)
	case gk.IsIngressClassParams():
		inv.IngressClassParams[gk.String()+"/"+v.Name] = obj
	default:
		return false
	}
	return true
}

// indexIngresses makes the Ingresses of the LBC's and Auto Mode's classes
// load balancers.
func indexIngresses(inv *model.Inventory, _ config.Config, r *model.Report) {
	for _, ing := range inv.Claimed["ingress"] {
		addIngress(inv, ing, r)
	}
}

// ingressTargetType: the class's IngressClassParams, else the annotation
// (the backend Service's over the Ingress's), else Auto Mode's ip.
func ingressTargetType(b *model.Backend) string {
	if b.LB.InstanceParams != nil {
		return "instance" // the class's params override the annotation
	}
	if t, _, ok := b.Annotation(annotations.ALBTargetType); ok {
		return t
	}
	if b.LB.AutoMode {
		return "ip"
	}
	return "instance"
}

// ingressHealthCheck reads the ALB's health-check annotations.
func ingressHealthCheck(b *model.Backend) model.HealthCheck {
	var hc model.HealthCheck
	hc.Path, _, _ = b.Annotation(annotations.ALBHealthCheckPath)
	hc.Port, _, _ = b.Annotation(annotations.ALBHealthCheckPort)
	hc.Protocol, _, _ = b.Annotation(annotations.ALBBackendProtocol)
	if v, _, ok := b.Annotation(annotations.ALBHealthCheckProtocol); ok {
		hc.Protocol = v
	}
	if v, _, _ := b.Annotation(annotations.ALBBackendProtocolVersion); strings.EqualFold(v, "GRPC") {
		hc.Protocol = "GRPC" // the check is a gRPC call, whatever the protocol says
	}
	hc.Protocol = strings.ToUpper(hc.Protocol) // the LBC reads it in any case
	return hc
}

// ingressIPTargets is the Ingress front end's SetIPTargets.
func ingressIPTargets(lb *model.LoadBalancer, r *model.Report) {
	if lb.InstanceParams != nil {
		instanceParamsRisk(lb, r)
		return
	}
	albTargetTypeIP(lb, r)
}

// albTargetTypeIP writes target-type ip where each backend's effective value
// lives: on a backend Service that carries its own, else on the Ingress.
func albTargetTypeIP(lb *model.LoadBalancer, r *model.Report) {
	ingressValueUsed := false
	for _, b := range lb.Backends {
		if b.Skipped() {
			continue
		}
		if _, holder, ok := b.Annotation(annotations.ALBTargetType); ok && holder == b.Service {
			model.SetTargetTypeIP(b.Service, annotations.ALBTargetType, lb.AutoMode, r)
		} else {
			ingressValueUsed = true
		}
	}
	if ingressValueUsed {
		model.SetTargetTypeIP(lb.Object, annotations.ALBTargetType, lb.AutoMode, r)
	}
}

// instanceParamsRisk warns that the Ingress's class pins instance targets
// in its IngressClassParams, which no annotation overrides. The class and
// its params serve other teams' Ingresses: lbguard edits neither.
func instanceParamsRisk(lb *model.LoadBalancer, r *model.Report) {
	params := r.View(lb.InstanceParams)
	r.Risk(model.IPTargetTypeID, lb.Object, "spec.ingressClassName", nil,
		"Ingress %s: its IngressClass takes IngressClassParams %s (%s), which sets targetType instance; that overrides the Ingress's %s annotation (LBC v2.13 and later), so the ELB sends to NodePorts. lbguard edits neither the class nor its params, which serve every Ingress of the class: set targetType ip there, or use a class without it",
		lb.Name, params.Name, params.APIVersion, annotations.ALBTargetType)
}

// The Ingress front end: Ingresses of the LBC's and Auto Mode's classes.
func init() {
	model.Register(model.Frontend{Name: "ingress", Order: 1, Kinds: []model.LBKind{model.ALBIngress},
		Claim: claimIngress, Index: indexIngresses,
		TargetType: ingressTargetType, HealthCheck: ingressHealthCheck,
		AttributesKey: func(*model.Backend) string { return annotations.ALBTargetGroupAttributes },
		Delay:         model.DelayFromAttributes, PlanDelays: model.SettleALB,
		SetIPTargets: ingressIPTargets})
}
