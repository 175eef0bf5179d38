package model

import (
	"reflect"
	"strconv"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/internal/yamlnode"
	"github.com/lbguard/lbguard/transformers/annotations"
	"github.com/lbguard/lbguard/transformers/config"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// What the workload rules (R4–R8) share: which workloads they touch, the
// delay each must outlast, and its containers.

// podSpecPath is where every workload kind keeps its pod spec.
var PodSpecPath = []string{"spec", "template", "spec"}

// Fronts returns the backends through which load balancers lbguard may act
// on reach this workload (opted-out ones left out).
// The list is shared: read only.
func (w *Workload) Fronts() []*Backend {
	if w.FrontSet == nil {
		return nil
	}
	return w.FrontSet.InUse
}

// WorkloadsInScope lists the workloads the workload rules edit: not opted
// out, fronted by a load balancer (or any, when the scope is "all"), and not
// reached only through opted-out load balancers or Services.
func (inv *Inventory) WorkloadsInScope(cfg config.Config) []*Workload {
	var out []*Workload
	for _, w := range inv.Workloads {
		switch {
		case w.Skipped:
		case len(w.Backends) > 0 && len(w.Fronts()) == 0:
		case len(w.Backends) == 0 && cfg.Scope != config.ScopeAll:
		default:
			out = append(out, w)
		}
	}
	return out
}

// DeregistrationDelay is D for the workload: the largest effective delay
// among the load balancers in front of it. known is false when no front
// tells (a TargetGroupBinding only, or no load balancer at all).
func (w *Workload) DeregistrationDelay(cfg config.Config) (seconds int, known bool) {
	d := w.FrontDelays(cfg)
	return d.Longest, d.Known
}

// frontDelays is what the workload rules read of the delays of their
// fronts, worked out once for all the workloads behind the same ones: a
// hostile list can put N Services in front of N workloads.
type frontDelays struct {
	Longest   int  // the longest known D
	Known     bool // some front's D is known
	albNeed   int  // the longest known D + 15 s behind an ALB
	NonALB    bool // a front is not an ALB: an NLB may serve
	nonALBMax int  // the longest known D of those

	settled bool           // read after the delays phase
	tgb     map[string]int // the config's TargetGroupBindingDelays they were read with, before it
}

func (w *Workload) FrontDelays(cfg config.Config) *frontDelays {
	fs := w.FrontSet
	if fs == nil || len(fs.InUse) == 0 {
		return &frontDelays{}
	}
	// The delays phase settles every backend's D at once, after which
	// the config no longer matters; before it, D is read as written.
	settled := fs.InUse[0].Delay != nil
	for _, d := range fs.delays {
		if d.settled == settled && (settled || sameMap(d.tgb, cfg.TargetGroupBindingDelays)) {
			return d
		}
	}
	d := &frontDelays{settled: settled, tgb: cfg.TargetGroupBindingDelays}
	for _, b := range fs.InUse {
		if !b.LB.Kind.isALB() {
			d.NonALB = true
		}
		seconds, known := b.DeregistrationDelay(cfg)
		if !known {
			continue
		}
		if !d.Known || seconds > d.Longest {
			d.Longest = seconds
		}
		d.Known = true
		if b.LB.Kind.isALB() {
			d.albNeed = max(d.albNeed, seconds+albPropagationSeconds)
		} else {
			d.nonALBMax = max(d.nonALBMax, seconds)
		}
	}
	fs.delays = append(fs.delays, d)
	return d
}

// sameMap tells whether a and b are the same map (not merely equal).
func sameMap(a, b map[string]int) bool {
	return reflect.ValueOf(a).UnsafePointer() == reflect.ValueOf(b).UnsafePointer()
}

// albPropagationSeconds is how long an ALB may still route to a target after
// its deregistration begins (field reports: 5–30 s), added on top of D.
const albPropagationSeconds = 15

// PreStopSeconds is S for the workload: the annotation
// lbguard.dev/prestop-seconds, else the config's preStopSeconds, else the
// largest need of its load balancers: D + 15 s behind an ALB, at least the
// NLB floor (and D) behind anything an NLB may serve. source says which.
func (w *Workload) PreStopSeconds(cfg config.Config) (seconds int, source string, err error) {
	if n, found, err := secondsAnnotation(w.Root, annotations.PreStopSecondsAnnotation); found {
		if err != nil {
			return 0, "", err
		}
		return n, "the annotation " + annotations.PreStopSecondsAnnotation, nil
	}
	if cfg.PreStopSeconds != nil {
		return *cfg.PreStopSeconds, "the config's preStopSeconds", nil
	}
	if len(w.Fronts()) == 0 { // scope "all": no load balancer, the default delay stands for endpoint propagation
		return cfg.DeregistrationDelaySeconds + albPropagationSeconds, "the default deregistration delay + 15 s", nil
	}
	// The largest need of a front: D + 15 s behind an ALB, the NLB floor
	// or D behind the others.
	d := w.FrontDelays(cfg)
	seconds = d.albNeed
	if d.NonALB {
		seconds = max(seconds, cfg.NLBPreStopSeconds, d.nonALBMax)
	}
	return seconds, PreStopFromLoadBalancers, nil
}

// PreStopFromLoadBalancers is the source PreStopSeconds names when S is
// the need of the workload's load balancers, not a value a user set.
const PreStopFromLoadBalancers = "its load balancers"

// ShutdownSeconds is A for the workload: the annotation
// lbguard.dev/shutdown-seconds, else the config's shutdownSeconds.
func (w *Workload) ShutdownSeconds(cfg config.Config) (int, error) {
	n, found, err := secondsAnnotation(w.Root, annotations.ShutdownSecondsAnnotation)
	if !found {
		return cfg.ShutdownSeconds, nil
	}
	return n, err
}

// fieldError is a value lbguard cannot use, with its field path.
type FieldError struct{ Path, Problem string }

func (e FieldError) Error() string { return e.Path + " " + e.Problem }

// Container is one entry of spec.template.spec.containers.
type Container struct {
	*fn.SubObject
	Index   int
	Name    string
	Serving bool // it has ports, or it is the first container of a pod with none

	Node  *yaml.Node      // the container's map, to read fields with find
	ports []ContainerPort // read once: no rule edits them
}

// Path is the container's field path, for results.
func (c *Container) Path(rest string) string {
	p := "spec.template.spec.containers[" + strconv.Itoa(c.Index) + "]"
	if rest != "" {
		p += "." + rest
	}
	return p
}

// Containers returns the pod template's containers (not init containers:
// they end before the pod serves), read once when the inventory was built.
func (w *Workload) Containers() []*Container { return w.containers }

// readContainers reads and checks the pod template's containers, so that
// every rule can rely on their shape and a bad one is reported once. root is
// obj's root node.
func readContainers(obj *fn.KubeObject, root *yaml.Node) ([]*Container, error) {
	list, _, err := obj.NestedSlice(append(PodSpecPath, "containers")...)
	if err != nil {
		return nil, FieldError{"spec.template.spec.containers", "must be a list of containers"}
	}
	var nodes []*yaml.Node
	if len(list) > 0 { // the SDK has checked that it is a list of maps
		nodes = yamlnode.Find(root, "spec", "template", "spec", "containers").Content
	}
	containers := make([]*Container, len(list))
	anyPorts := false
	for i, c := range list {
		node := nodes[i]
		name, _ := yamlnode.StringAt(node, "name")
		containers[i] = &Container{SubObject: c, Index: i, Name: name, Node: node}
		ports, err := yamlnode.OfKind(node, yaml.SequenceNode, "ports")
		if err != nil || ports != nil && !yamlnode.IsListOfMaps(ports) {
			return nil, FieldError{containers[i].Path("ports"), "must be a list of ports"}
		}
		for _, p := range yamlnode.Items(ports) {
			name, _ := yamlnode.StringAt(p, "name")
			n, _, _ := yamlnode.IntAt(p, "containerPort")
			protocol, _ := yamlnode.StringAt(p, "protocol")
			containers[i].ports = append(containers[i].ports, ContainerPort{Name: name, Number: n, Protocol: protocol})
		}
		if len(containers[i].ports) > 0 {
			containers[i].Serving = true
			anyPorts = true
		}
	}
	if !anyPorts && len(containers) > 0 {
		containers[0].Serving = true
	}
	return containers, nil
}

// ContainerPort is one entry of a container's ports.
type ContainerPort struct {
	Name     string
	Number   int
	Protocol string // "" is TCP
}

// Ports lists the container's ports in order.
func (c *Container) Ports() []ContainerPort { return c.ports }
