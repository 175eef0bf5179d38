// Package timinginput is explain's adapter: it reads the manifests of the
// inventory into the timing model's input (docs/timing.md §5.2). The rules ask
// it, through LoadBalancer and Workload, for the window a change closes.
package timinginput

import (
	"strconv"
	"strings"

	"github.com/lbguard/lbguard/internal/yamlnode"
	"github.com/lbguard/lbguard/timing"
	"github.com/lbguard/lbguard/transformers/annotations"
	"github.com/lbguard/lbguard/transformers/config"
	"github.com/lbguard/lbguard/transformers/model"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// The manifests as the timing model reads them (docs/timing.md §5.2): one
// workload behind one load balancer, as written, with the config's A. What
// the manifests do not hold (traffic, platform, calibration) the caller adds.

// Input is the model's input for workload w behind backend b.
func Input(inv *model.Inventory, w *model.Workload, b *model.Backend, cfg config.Config) timing.Input {
	return timing.Input{LoadBalancer: LoadBalancer(inv, b, cfg), Workload: Workload(inv, w, cfg)}
}

// timingKinds maps lbguard's load balancers onto the model's.
var timingKinds = map[model.LBKind]struct {
	kind  timing.Kind
	front timing.Front
}{model.ALBIngress: {timing.ALB, timing.FrontIngress}, model.LBCNLB: {timing.NLB, timing.FrontService}, model.
	// With no type annotation the in-tree controller makes a Classic ELB
	// of node targets, unless the LBC adopted it at creation.
	ClassicELB: {timing.Classic, timing.FrontService}, model.InTreeNLB: {timing.NLB, timing.FrontService}, model.
	// A target group made outside Kubernetes may be either; the NLB's
	// latencies are the longer, as the rules' NLB preStop floor assumes.
	TGBinding: {timing.NLB, timing.FrontTargetGroupBinding}, model.GatewayALB: {timing.ALB, timing.FrontGatewayRoute}, model.GatewayNLB: {timing.NLB, timing.FrontGatewayRoute},
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

func LoadBalancer(inv *model.Inventory, b *model.Backend, cfg config.Config) timing.LoadBalancer {
	k := timingKinds[b.LB.Kind]
	lb := timing.LoadBalancer{
		Kind: k.kind, Front: k.front,
		TargetType: timing.TargetType(b.TargetType()),
		AutoMode:   b.LB.AutoMode,
	}
	if b.LB.Kind == model.InTreeNLB {
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
		policy, _ := yamlnode.StringAt(b.ServiceView.Root, "spec", "externalTrafficPolicy")
		lb.ExternalTrafficPolicyLocal = policy == "Local"
	}
	if ns := inv.Namespaces[b.Namespace]; ns != nil {
		gate, _ := annotations.Label(inv.Root(ns), annotations.ReadinessGateLabel)
		lb.ReadinessGate = gate == "enabled"
	}
	return lb
}

func Workload(inv *model.Inventory, w *model.Workload, cfg config.Config) timing.Workload {
	tw := timing.Workload{
		Replicas: inv.Replicas(w),
		Strategy: strategy(w.Root, w.KindName),
	}
	if u, found := inv.BudgetMaxUnavailable(w, tw.Replicas); found {
		tw.Budget = &timing.Budget{MaxUnavailable: timing.IntOrPercent{Value: u}}
	}
	if g, found, err := yamlnode.IntAt(w.Root, append(model.PodSpecPath, "terminationGracePeriodSeconds")...); found && err == nil {
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
func readinessProbe(c *model.Container) *timing.Probe {
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
func strategy(root *yaml.Node, kind string) timing.Strategy {
	var st timing.Strategy
	minReady, _, _ := yamlnode.IntAt(root, "spec", "minReadySeconds")
	deadline, _, _ := yamlnode.IntAt(root, "spec", "progressDeadlineSeconds")
	st.MinReadySeconds, st.ProgressDeadline = float64(minReady), float64(deadline)
	zero, one := &timing.IntOrPercent{}, &timing.IntOrPercent{Value: 1}
	switch kind {
	case "StatefulSet":
		st.MaxSurge, st.MaxUnavailable = zero, one
	case "DaemonSet":
		st.MaxSurge, st.MaxUnavailable = zero, one
		if v := rollingBound(root, "spec", "updateStrategy", "rollingUpdate", "maxSurge"); v != nil {
			st.MaxSurge = v
		}
		if v := rollingBound(root, "spec", "updateStrategy", "rollingUpdate", "maxUnavailable"); v != nil {
			st.MaxUnavailable = v
		}
	case "Rollout":
		st.MaxSurge = rollingBound(root, "spec", "strategy", "canary", "maxSurge")
		st.MaxUnavailable = rollingBound(root, "spec", "strategy", "canary", "maxUnavailable")
	default:
		st.MaxSurge = rollingBound(root, "spec", "strategy", "rollingUpdate", "maxSurge")
		st.MaxUnavailable = rollingBound(root, "spec", "strategy", "rollingUpdate", "maxUnavailable")
	}
	return st
}

// rollingBound reads maxSurge or maxUnavailable; nil when unset or unreadable.
func rollingBound(root *yaml.Node, path ...string) *timing.IntOrPercent {
	v, err := model.IntOrPercentAt(root, path...)
	if v == nil || err != nil {
		return nil
	}
	return &timing.IntOrPercent{Value: v.Number, Percent: v.Percent}
}
