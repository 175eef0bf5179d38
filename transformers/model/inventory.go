package model

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/internal/yamlnode"
	"github.com/lbguard/lbguard/transformers/annotations"
	"github.com/lbguard/lbguard/transformers/config"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// LBKind is the kind of AWS load balancer in front of a backend Service.
type LBKind string

const (
	ALBIngress LBKind = "ALB"         // Ingress managed by the LBC
	LBCNLB     LBKind = "NLB"         // LoadBalancer Service owned by the LBC
	ClassicELB LBKind = "Classic ELB" // LoadBalancer Service with no type: in-tree Classic ELB, or LBC-adopted NLB
	InTreeNLB  LBKind = "in-tree NLB" // LoadBalancer Service of type "nlb", owned by the in-tree controller
	TGBinding  LBKind = "TargetGroupBinding"
	GatewayALB LBKind = "Gateway ALB" // an HTTPRoute or GRPCRoute of a Gateway the LBC makes an ALB
	GatewayNLB LBKind = "Gateway NLB" // a TCPRoute, UDPRoute or TLSRoute of a Gateway the LBC makes an NLB
)

// isALB is true of the kinds an ALB serves: S = D + 15 s, not the NLB floor.
func (k LBKind) isALB() bool { return k == ALBIngress || k == GatewayALB }

// isGateway is true of a Gateway API route: its target groups are set by
// TargetGroupConfigurations, never by annotations.
func (k LBKind) IsGateway() bool { return k == GatewayALB || k == GatewayNLB }

// Inventory is the ResourceList read once: its load balancers, the Services
// behind them, and the workloads those Services select.
type Inventory struct {
	LoadBalancers []*LoadBalancer
	Workloads     []*Workload
	Namespaces    map[string]*fn.KubeObject
	PDBs          []*fn.KubeObject
	NewObjects    []*fn.KubeObject // objects the rules add, such as PodDisruptionBudgets
	Others        []*fn.KubeObject // every other item, such as HorizontalPodAutoscalers

	services       map[objectKey]*fn.KubeObject
	IngressClasses map[string]*fn.KubeObject
	// IngressClassParams by "Kind.group/name": cluster-scoped, two groups
	IngressClassParams map[string]*fn.KubeObject
	FrontState         map[string]any                    // by front end name: what it keeps of the run beyond its load balancers
	podIndex           map[string]map[string][]*Workload // namespace → "key=value" of a pod label → workloads
	selections         map[selectionKey]*Selection       // the workloads of each selector, by namespace
	selectionOrder     []*Selection                      // in the order first used
	backendCount       int                               // backends that have a Service: each one's seq
	workloadsIn        map[string][]*Workload            // namespace → its workloads, in list order
	Claimed            map[string][]*fn.KubeObject       // by front end: the objects it makes load balancers of, in list order
	views              *ObjectViews                      // the report's: each object's root node and names
	timingIndex        *timingIndex                      // autoscalers and budgets, read once for the timing model
}

// view is obj's root node and names, read once per run.
func (inv *Inventory) view(obj *fn.KubeObject) *ObjectView { return inv.views.View(obj) }

// root is obj's root node, got from the SDK once per run.
func (inv *Inventory) Root(obj *fn.KubeObject) *yaml.Node { return inv.views.View(obj).Root }

// LoadBalancer is one object that makes AWS send traffic to pods: an ALB
// Ingress, a LoadBalancer Service, a TargetGroupBinding, or a route as one
// AWS Gateway serves it.
type LoadBalancer struct {
	Kind     LBKind
	Front    *Frontend // the front end that made it: what it gives its backends
	Object   *fn.KubeObject
	Backends []*Backend
	Skipped  bool // opted out with lbguard.dev/skip (a route: or its Gateway)
	AutoMode bool // EKS Auto Mode's ALB, NLB or TargetGroupBinding: ip by default, no readiness gates

	InstanceParams *fn.KubeObject // an Ingress's: the IngressClassParams of its class that pin instance

	FrontState any // its front end's own, such as a route's Gateway

	DelaySettings []delaySetting // the holders of its delay R2 settles, in order

	*ObjectView // Object's root node, to read its annotations, and its names
}

// Backend is one Service a load balancer sends traffic to.
type Backend struct {
	LB          *LoadBalancer
	Namespace   string
	ServiceName string
	Service     *fn.KubeObject // nil when the Service is not in the list
	Ports       []string       // the Service ports the load balancer uses (numbers or names); none: all
	Workloads   []*Workload    // shared by the backends whose Services have the same selector: read only

	Selection   *Selection    // the selection of its Service's selector; nil when it selects nothing
	seq         int           // the order in which the backend was read, among those with a Service
	skipped     bool          // its load balancer or Service is opted out (no rule writes the opt-out)
	ServiceView *ObjectView   // Service's root node, to read its annotations, and its names
	Delay       *SettledDelay // set by the delays phase, before the rules
	FrontState  any           // its front end's own, such as a route's target group and its settings
}

// Workload is a Deployment, StatefulSet, DaemonSet, ReplicaSet or Argo Rollout.
type Workload struct {
	Object    *fn.KubeObject
	Namespace string
	PodLabels map[string]string
	Backends  []*Backend // every backend that selects its pods, skipped ones included; shared: read only

	FrontSet   *FrontSet // Backends and what the rules read of them, shared by the workloads of the same Services
	containers []*Container
	Skipped    bool // opted out with lbguard.dev/skip (no rule writes it)

	*ObjectView // Object's root node, to read its fields, and its names
}

type objectKey struct{ Namespace, Name string }

// NewInventory indexes items. Objects it cannot read are reported as errors
// and left out of the inventory (they pass through unchanged). cfg names
// the Gateways and classes defined outside the list.
func NewInventory(items fn.KubeObjects, cfg config.Config, r *Report) *Inventory {
	if len(Frontends) == 0 {
		panic("model: no front end is registered: import github.com/lbguard/lbguard/transformers/frontends")
	}
	inv := &Inventory{
		Namespaces:         map[string]*fn.KubeObject{},
		services:           map[objectKey]*fn.KubeObject{},
		IngressClasses:     map[string]*fn.KubeObject{},
		IngressClassParams: map[string]*fn.KubeObject{},
		podIndex:           map[string]map[string][]*Workload{},
		selections:         map[selectionKey]*Selection{},
		workloadsIn:        map[string][]*Workload{},
		FrontState:         map[string]any{},
		Claimed:            map[string][]*fn.KubeObject{},
		views:              &r.views,
	}
	for _, obj := range items {
		v := inv.view(obj)
		switch gk := v.GroupKind; {
		case gk == GroupKind{"", "Namespace"}:
			inv.Namespaces[v.Name] = obj
		case gk == GroupKind{"", "Service"}:
			inv.services[v.key()] = obj // every front end's backends are Services
			inv.claim(obj, v)
		case gk == GroupKind{"policy", "PodDisruptionBudget"}:
			inv.PDBs = append(inv.PDBs, obj)
		case gk.IsWorkload():
			inv.addWorkload(obj, r)
		case !inv.claim(obj, v):
			inv.Others = append(inv.Others, obj)
		}
	}
	for _, f := range Frontends {
		f.Index(inv, cfg, r)
	}
	inv.linkWorkloads()
	return inv
}

// groupKind is an object's API group ("" is the core group) and kind: what
// tells kinds apart. fn.KubeObject.IsGVK lets an empty group on either side
// match any group, which takes a Knative Service for a core Service.
type GroupKind struct{ Group, kind string }

// The group and kind of a core Service and of an IngressClass.
var (
	ServiceGroupKind      = GroupKind{"", "Service"}
	IngressClassGroupKind = GroupKind{"networking.k8s.io", "IngressClass"}
)

func (gk GroupKind) IsIngress() bool {
	return gk == GroupKind{"networking.k8s.io", "Ingress"} || gk == GroupKind{"extensions", "Ingress"}
}

func (gk GroupKind) IsWorkload() bool {
	switch gk {
	case GroupKind{"apps", "Deployment"}, GroupKind{"apps", "StatefulSet"}, GroupKind{"apps", "DaemonSet"},
		GroupKind{"apps", "ReplicaSet"}, GroupKind{"argoproj.io", "Rollout"}:
		return true
	}
	return false
}

func (inv *Inventory) addWorkload(obj *fn.KubeObject, r *Report) {
	v := inv.view(obj)
	labels, err := yamlnode.StringMapAt(v.Root, "spec", "template", "metadata", "labels")
	if err != nil {
		r.Invalid(obj, "spec.template.metadata.labels", "must be a map of strings")
		return
	}
	containers, err := readContainers(obj, v.Root)
	if err != nil {
		r.InvalidField(obj, err)
		return
	}
	w := &Workload{Object: obj, Namespace: v.NamespaceOrDefault(), PodLabels: labels, containers: containers, Skipped: IsSkipped(v.Root), ObjectView: v}
	inv.Workloads = append(inv.Workloads, w)
	inv.workloadsIn[w.Namespace] = append(inv.workloadsIn[w.Namespace], w)
	byLabel := inv.podIndex[w.Namespace]
	if byLabel == nil {
		byLabel = map[string][]*Workload{}
		inv.podIndex[w.Namespace] = byLabel
	}
	for k, v := range labels {
		byLabel[k+"="+v] = append(byLabel[k+"="+v], w)
	}
}

// selected returns the workloads in namespace whose pod labels carry every
// pair of selector. An empty selector selects nothing: such a Service has
// hand-made endpoints.
func (inv *Inventory) selected(namespace string, selector map[string]string) []*Workload {
	if len(selector) == 0 {
		return nil
	}
	keys := make([]string, 0, len(selector))
	for k := range selector {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []*Workload
	for _, w := range inv.podIndex[namespace][keys[0]+"="+selector[keys[0]]] {
		if matches(w.PodLabels, selector) {
			out = append(out, w)
		}
	}
	return out
}

// mayMatch narrows the workloads of namespace to those selector may select:
// those whose pods carry one of its matchLabels pairs, in list order.
func (inv *Inventory) MayMatch(namespace string, selector *LabelSelector) []*Workload {
	if selector == nil || len(selector.matchLabels) == 0 {
		return inv.workloadsIn[namespace]
	}
	k := slices.Min(slices.Collect(maps.Keys(selector.matchLabels)))
	return inv.podIndex[namespace][k+"="+selector.matchLabels[k]]
}

func matches(labels, selector map[string]string) bool {
	for k, v := range selector {
		if got, ok := labels[k]; !ok || got != v {
			return false
		}
	}
	return true
}

// addBackend links lb to the Service namespace/name and the workloads it selects.
func (inv *Inventory) AddBackend(lb *LoadBalancer, namespace, name string, ports []string, r *Report) {
	for _, b := range lb.Backends {
		if b.ServiceName == name && b.Namespace == namespace {
			b.Ports = appendUnique(b.Ports, ports...)
			return
		}
	}
	b := &Backend{LB: lb, Namespace: namespace, ServiceName: name, Ports: ports}
	b.Service = inv.services[objectKey{namespace, name}]
	b.skipped = lb.Skipped
	if b.Service != nil {
		b.ServiceView = inv.view(b.Service)
		b.skipped = b.skipped || IsSkipped(b.ServiceView.Root)
		selector, err := yamlnode.StringMapAt(b.ServiceView.Root, "spec", "selector")
		if err != nil {
			r.Invalid(b.Service, "spec.selector", "must be a map of strings")
		}
		if sel := inv.selection(namespace, selector); sel != nil {
			b.Workloads, b.Selection = sel.workloads, sel
			b.seq = inv.backendCount
			inv.backendCount++
			sel.backends = append(sel.backends, b)
		}
	}
	lb.Backends = append(lb.Backends, b)
}

// selection is the workloads one selector picks in one namespace, and the
// backends whose Services have that selector. Services often share a
// selector (a hostile list may give N Services the one selector of N
// workloads): the workloads are looked up, and stored, once per selector.
type Selection struct {
	workloads []*Workload
	backends  []*Backend
}

type selectionKey struct{ namespace, selector string }

// selection is the selection of selector in namespace, made on first use;
// nil when selector is empty (it selects nothing).
func (inv *Inventory) selection(namespace string, selector map[string]string) *Selection {
	if len(selector) == 0 {
		return nil
	}
	keys := slices.Sorted(maps.Keys(selector))
	var b strings.Builder
	for _, k := range keys { // length-prefixed: any key or value is safe
		fmt.Fprintf(&b, "%d:%s%d:%s", len(k), k, len(selector[k]), selector[k])
	}
	key := selectionKey{namespace, b.String()}
	sel := inv.selections[key]
	if sel == nil {
		sel = &Selection{workloads: slices.Clip(inv.selected(namespace, selector))}
		inv.selections[key] = sel
		inv.selectionOrder = append(inv.selectionOrder, sel)
	}
	return sel
}

// frontSet is a workload's backends, shared by every workload that the same
// selections pick, and what the rules read of them, worked out once.
type FrontSet struct {
	backends []*Backend
	InUse    []*Backend // those not opted out
	delays   []*frontDelays
}

// linkWorkloads gives each workload the backends whose Services select it,
// in the order they were read. Workloads that the same selectors pick share
// one list, so that N workloads behind N Services of one selector cost N,
// not N².
func (inv *Inventory) linkWorkloads() {
	in := map[*Workload][]int{} // the selections that pick each workload, by index
	for i, sel := range inv.selectionOrder {
		if len(sel.backends) == 0 {
			continue
		}
		for _, w := range sel.workloads {
			in[w] = append(in[w], i)
		}
	}
	sets := map[string]*FrontSet{}
	for _, w := range inv.Workloads {
		selections := in[w]
		if len(selections) == 0 {
			continue
		}
		key := fmt.Sprint(selections)
		fs := sets[key]
		if fs == nil {
			fs = &FrontSet{}
			for _, i := range selections {
				fs.backends = append(fs.backends, inv.selectionOrder[i].backends...)
			}
			slices.SortFunc(fs.backends, func(a, b *Backend) int { return a.seq - b.seq })
			fs.backends = slices.Clip(fs.backends)
			for _, b := range fs.backends {
				if !b.Skipped() {
					fs.InUse = append(fs.InUse, b)
				}
			}
			fs.InUse = slices.Clip(fs.InUse)
			sets[key] = fs
		}
		w.Backends, w.FrontSet = fs.backends, fs
	}
}

func appendUnique(list []string, items ...string) []string {
	for _, item := range items {
		found := false
		for _, have := range list {
			found = found || have == item
		}
		if !found {
			list = append(list, item)
		}
	}
	return list
}

// isSkipped is true of the object whose root node is root when it is opted out.
func IsSkipped(root *yaml.Node) bool {
	return annotations.Value(root, annotations.SkipAnnotation) == "true"
}

func (inv *Inventory) NewLoadBalancer(kind LBKind, obj *fn.KubeObject) *LoadBalancer {
	v := inv.view(obj)
	return &LoadBalancer{Kind: kind, Front: frontendFor(kind), Object: obj, Skipped: IsSkipped(v.Root), ObjectView: v}
}
