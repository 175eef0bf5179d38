package explain

import (
	"strconv"
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/timing"
	"github.com/lbguard/lbguard/transformers"
)

// Options are what the manifests do not hold: the traffic, the platform and
// the user's own measurements.
type Options struct {
	Traffic  timing.Traffic
	Platform timing.Platform
	// AutoMode: every load balancer is EKS Auto Mode's, which has no
	// readiness gates (those of an Auto Mode class are known from the manifests).
	AutoMode bool
	// AppStart is T_app, pod creation until the app serves; 0 means 10.
	AppStart    float64
	Calibration map[string]timing.Pair
}

// Subject is one workload behind one load balancer, as the model takes it,
// with the facts that say why a window stays open.
type Subject struct {
	Workload transformers.ResourceID
	LB       transformers.ResourceID
	LBKind   transformers.LBKind
	Service  string
	Input    timing.Input
	Facts    Facts
}

// Facts are what the manifests say about the values the rules set or keep.
type Facts struct {
	OptedOut      bool   // the workload, its load balancer or its Service carries lbguard.dev/skip
	PreStop       int    // S the rules derive for the workload
	PreStopSource string // where S comes from (transformers.Workload.PreStopSeconds)
	CustomPreStop bool   // a serving container's preStop is a command of unknown length
	Shutdown      int    // A
	ShutdownSet   bool   // A comes from the workload's annotation
	DelaySet      bool   // D is written on the load balancer or Service
	Delay         int
	// GateLabel is the Namespace's readiness-gate label; NamespaceListed is
	// false when the Namespace is not among the manifests.
	GateLabel       string
	NamespaceListed bool
}

func (s Subject) key() string {
	return idString(s.Workload) + "|" + idString(s.LB) + "|" + s.Service
}

func idString(id transformers.ResourceID) string {
	return id.Kind + " " + qualified(id.Namespace, id.Name)
}

func qualified(namespace, name string) string {
	if namespace == "" {
		namespace = "default"
	}
	return namespace + "/" + name
}

// Subjects reads every workload behind every load balancer of items.
func Subjects(items fn.KubeObjects, cfg transformers.Config, opts Options) []Subject {
	inv := transformers.NewInventory(items, cfg, &transformers.Report{})
	var out []Subject
	for _, w := range inv.Workloads {
		for _, b := range w.Backends {
			out = append(out, subject(inv, w, b, cfg, opts))
		}
	}
	return out
}

func subject(inv *transformers.Inventory, w *transformers.Workload, b *transformers.Backend, cfg transformers.Config, opts Options) Subject {
	s := Subject{Workload: w.ID(), LB: b.LB.ID(), LBKind: b.LB.Kind, Service: b.ServiceName}
	s.Input = timing.Input{
		LoadBalancer: loadBalancer(inv, b, cfg, opts),
		Workload:     workload(inv, w, cfg, opts),
		Traffic:      opts.Traffic,
		Platform:     opts.Platform,
		Calibration:  opts.Calibration,
	}
	s.Facts = facts(inv, w, b, cfg)
	return s
}

// kinds maps lbguard's load balancers onto the model's.
var kinds = map[transformers.LBKind]struct {
	kind  timing.Kind
	front timing.Front
}{
	transformers.ALBIngress: {timing.ALB, timing.FrontIngress},
	transformers.LBCNLB:     {timing.NLB, timing.FrontService},
	// With no type annotation the in-tree controller makes a Classic ELB
	// of node targets, unless the LBC adopted it at creation.
	transformers.ClassicELB: {timing.Classic, timing.FrontService},
	transformers.InTreeNLB:  {timing.NLB, timing.FrontService},
	// A target group made outside Kubernetes may be either; the NLB's
	// latencies are the longer, as the rules' NLB preStop floor assumes.
	transformers.TGBinding:  {timing.NLB, timing.FrontTargetGroupBinding},
	transformers.GatewayALB: {timing.ALB, timing.FrontGatewayRoute},
	transformers.GatewayNLB: {timing.NLB, timing.FrontGatewayRoute},
}

// The LBC's health-check annotations, on an Ingress (or its Service) and on
// a Service.
var healthCheckKeys = map[timing.Front][4]string{
	timing.FrontIngress: {
		"alb.ingress.kubernetes.io/healthcheck-interval-seconds",
		"alb.ingress.kubernetes.io/healthcheck-timeout-seconds",
		"alb.ingress.kubernetes.io/healthy-threshold-count",
		"alb.ingress.kubernetes.io/unhealthy-threshold-count",
	},
	timing.FrontService: {
		"service.beta.kubernetes.io/aws-load-balancer-healthcheck-interval",
		"service.beta.kubernetes.io/aws-load-balancer-healthcheck-timeout",
		"service.beta.kubernetes.io/aws-load-balancer-healthcheck-healthy-threshold",
		"service.beta.kubernetes.io/aws-load-balancer-healthcheck-unhealthy-threshold",
	},
}

const connectionTermination = "deregistration_delay.connection_termination.enabled"

func loadBalancer(inv *transformers.Inventory, b *transformers.Backend, cfg transformers.Config, opts Options) timing.LoadBalancer {
	k := kinds[b.LB.Kind]
	lb := timing.LoadBalancer{
		Kind: k.kind, Front: k.front,
		TargetType: timing.TargetType(b.TargetType()),
		AutoMode:   opts.AutoMode || b.LB.AutoMode,
	}
	if b.LB.Kind == transformers.InTreeNLB {
		lb.TargetType = timing.TargetInstance
	}
	if d, known := b.DeregistrationDelay(cfg); known {
		seconds := float64(d)
		lb.DeregistrationDelay = &seconds
	}
	if attrs := b.TargetGroupAttributes(); attrs != nil {
		v, _ := attrs.Get(connectionTermination)
		lb.ConnectionTermination = strings.EqualFold(v, "true")
	}
	if keys, ok := healthCheckKeys[k.front]; ok {
		number := func(key string) float64 {
			v, _, _ := b.Annotation(key)
			n, _ := strconv.ParseFloat(strings.TrimSpace(v), 64)
			return n
		}
		lb.HealthCheck = timing.HealthCheck{
			Interval: number(keys[0]), Timeout: number(keys[1]),
			HealthyThreshold: int(number(keys[2])), UnhealthyThreshold: int(number(keys[3])),
		}
	}
	if b.Service != nil {
		policy, _, _ := b.Service.NestedString("spec", "externalTrafficPolicy")
		lb.ExternalTrafficPolicyLocal = policy == "Local"
	}
	label, _ := gateLabel(inv, b.Namespace)
	lb.ReadinessGate = label == "enabled"
	return lb
}

// gateLabel is the Namespace's readiness-gate label; listed is false when
// the Namespace is not among the manifests.
func gateLabel(inv *transformers.Inventory, namespace string) (label string, listed bool) {
	ns := inv.Namespaces[namespace]
	if ns == nil {
		return "", false
	}
	return ns.GetLabels()[transformers.ReadinessGateLabel], true
}

func workload(inv *transformers.Inventory, w *transformers.Workload, cfg transformers.Config, opts Options) timing.Workload {
	obj := w.Object
	tw := timing.Workload{
		Replicas: inv.Replicas(w),
		Strategy: strategy(obj),
		AppStart: opts.AppStart,
	}
	if u, found := inv.BudgetMaxUnavailable(w, tw.Replicas); found {
		tw.Budget = &timing.Budget{MaxUnavailable: timing.IntOrPercent{Value: u}}
	}
	if g, found, err := obj.NestedInt("spec", "template", "spec", "terminationGracePeriodSeconds"); found && err == nil {
		grace := float64(g)
		tw.Grace = &grace
	}
	if a, err := w.ShutdownSeconds(cfg); err == nil {
		shutdown := float64(a)
		tw.AppShutdown = &shutdown
	}
	for _, c := range w.Containers() {
		if !c.Serving {
			continue
		}
		// The grace period runs the longest preStop of the pod.
		if s, _ := c.PreStopSleep(); float64(s) > tw.PreStop {
			tw.PreStop = float64(s)
		}
		if tw.Probe == nil {
			tw.Probe = readinessProbe(c)
		}
	}
	return tw
}

// readinessProbe is the container's readiness probe timing; nil without one.
func readinessProbe(c *transformers.Container) *timing.Probe {
	probe, found, err := c.NestedSubObject("readinessProbe")
	if !found || err != nil {
		return nil
	}
	number := func(field string) int {
		n, _, _ := probe.NestedInt(field)
		return n
	}
	return &timing.Probe{
		InitialDelay: float64(number("initialDelaySeconds")), Period: float64(number("periodSeconds")),
		Timeout: float64(number("timeoutSeconds")), FailureThreshold: number("failureThreshold"),
		SuccessThreshold: number("successThreshold"),
	}
}

// strategy reads a rolling update: a Deployment's or Rollout's maxSurge and
// maxUnavailable; a StatefulSet replaces one pod at a time, and a DaemonSet
// by its own maxSurge (default 0) and maxUnavailable (default 1).
func strategy(obj *fn.KubeObject) timing.Strategy {
	var st timing.Strategy
	minReady, _, _ := obj.NestedInt("spec", "minReadySeconds")
	deadline, _, _ := obj.NestedInt("spec", "progressDeadlineSeconds")
	st.MinReadySeconds, st.ProgressDeadline = float64(minReady), float64(deadline)
	zero, one := &timing.IntOrPercent{}, &timing.IntOrPercent{Value: 1}
	switch obj.GetKind() {
	case "StatefulSet":
		st.MaxSurge, st.MaxUnavailable = zero, one
	case "DaemonSet":
		st.MaxSurge, st.MaxUnavailable = zero, one
		if v := intOrPercent(obj, "spec", "updateStrategy", "rollingUpdate", "maxSurge"); v != nil {
			st.MaxSurge = v
		}
		if v := intOrPercent(obj, "spec", "updateStrategy", "rollingUpdate", "maxUnavailable"); v != nil {
			st.MaxUnavailable = v
		}
	case "Rollout":
		st.MaxSurge = intOrPercent(obj, "spec", "strategy", "canary", "maxSurge")
		st.MaxUnavailable = intOrPercent(obj, "spec", "strategy", "canary", "maxUnavailable")
	default:
		st.MaxSurge = intOrPercent(obj, "spec", "strategy", "rollingUpdate", "maxSurge")
		st.MaxUnavailable = intOrPercent(obj, "spec", "strategy", "rollingUpdate", "maxUnavailable")
	}
	return st
}

// intOrPercent reads an IntOrString: a count or "N%"; nil when unset or unreadable.
func intOrPercent(obj *fn.KubeObject, path ...string) *timing.IntOrPercent {
	if n, found, err := obj.NestedInt(path...); found && err == nil {
		return &timing.IntOrPercent{Value: n}
	}
	text, found, err := obj.NestedString(path...)
	if !found || err != nil {
		return nil
	}
	digits, percent := strings.CutSuffix(strings.TrimSpace(text), "%")
	n, err := strconv.Atoi(digits)
	if err != nil || n < 0 {
		return nil
	}
	return &timing.IntOrPercent{Value: n, Percent: percent}
}

func facts(inv *transformers.Inventory, w *transformers.Workload, b *transformers.Backend, cfg transformers.Config) Facts {
	f := Facts{OptedOut: w.OptedOut() || b.Skipped()}
	f.PreStop, f.PreStopSource, _ = w.PreStopSeconds(cfg)
	for _, c := range w.Containers() {
		if _, plain := c.PreStopSleep(); c.Serving && !plain {
			f.CustomPreStop = true
		}
	}
	f.Shutdown, _ = w.ShutdownSeconds(cfg)
	_, f.ShutdownSet = w.Object.GetAnnotations()["lbguard.dev/shutdown-seconds"]
	if attrs := b.TargetGroupAttributes(); attrs != nil {
		if v, ok := attrs.Get("deregistration_delay.timeout_seconds"); ok {
			f.DelaySet = true
			f.Delay, _ = strconv.Atoi(strings.TrimSpace(v))
		}
	}
	if !f.DelaySet {
		f.Delay, _ = b.DeregistrationDelay(cfg)
	}
	f.GateLabel, f.NamespaceListed = gateLabel(inv, b.Namespace)
	return f
}
