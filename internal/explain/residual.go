package explain

import (
	"fmt"

	"github.com/lbguard/lbguard/timing"
	"github.com/lbguard/lbguard/transformers/annotations"
	"github.com/lbguard/lbguard/transformers/model"
)

// Residual is a window still open after lbguard's fix, and why no rule
// closes it.
type Residual struct {
	Window string
	Class  Class
	Reason string
}

// Class sorts what stays open after the fix by who can close it.
type Class string

const (
	// The platform ends pods or nodes whatever the manifests say: Spot
	// under an NLB, node removal behind instance targets.
	ClassPlatform Class = "platform"
	// EKS Auto Mode has no readiness gates.
	ClassAutoMode Class = "auto-mode"
	// The Namespace is not among the manifests: R3 cannot label it.
	ClassNamespaceNotListed Class = "namespace-not-listed"
	// A value the user set, which the rules keep.
	ClassUserValue Class = "user-value"
	// A value of lbguard's config below the model's worst case.
	ClassConfig Class = "config"
	// The workload, its load balancer or Service is opted out.
	ClassOptedOut Class = "opted-out"
	// A TargetGroupBinding's target group is managed outside Kubernetes.
	ClassOutsideKubernetes Class = "outside-kubernetes"
	// Nothing above explains it: a rule should have closed the window.
	ClassUnexplained Class = "unexplained"
)

// open lists the windows with seconds above zero, static checks left out.
func open(x timing.Explanation) []timing.Window {
	var out []timing.Window
	for _, w := range x.Windows {
		if !w.Static && (w.Seconds.Typical > 0 || w.Seconds.Worst > 0) {
			out = append(out, w)
		}
	}
	return out
}

func residuals(f Finding) []Residual {
	var out []Residual
	for _, w := range open(f.AfterX) {
		class, reason := why(f, w)
		out = append(out, Residual{Window: w.ID, Class: class, Reason: reason})
	}
	return out
}

// latency is the row of x's latency table for symbol.
func latency(x timing.Explanation, symbol string) timing.Latency {
	for _, l := range x.Latencies {
		if l.Symbol == symbol {
			return l
		}
	}
	return timing.Latency{}
}

func why(f Finding, w timing.Window) (Class, string) {
	a := f.After.Facts
	if a.OptedOut {
		return ClassOptedOut, "opted out with lbguard.dev/skip: no rule touches it"
	}
	switch w.ID {
	case "W1", "W7", "W7b":
		return closedListener(f)
	case "W2":
		if c, reason := closedListener(f); c != ClassUnexplained {
			return c, reason
		}
		return shutdown(f)
	case "W3":
		return drainingCut(f)
	case "W5", "W6":
		return noGate(f)
	case "W8":
		return ClassPlatform, "node removal behind instance targets: closed by removing nodes through Cluster Autoscaler, Karpenter or a managed node group (--platform), which exclude the node from the load balancer first"
	case "W9":
		if f.After.Input.LoadBalancer.Kind == timing.NLB && f.After.Input.Platform.Spot {
			return ClassPlatform, "Spot under an NLB: the NLB routes new connections for longer than a Spot node lives after its notice; no preStop closes it (on-demand nodes, or a preStop that fails the health check first)"
		}
		return ClassPlatform, "a platform cut ends the pod before the load balancer stops routing to it"
	}
	return ClassUnexplained, ""
}

// closedListener says why S stays below L after the fix.
func closedListener(f Finding) (Class, string) {
	a := f.After.Facts
	l := latency(f.AfterX, "L")
	lb := f.After.Input.LoadBalancer
	nlbFloor := fmt.Sprintf("S = %d s, the config's nlbPreStopSeconds, is below L = %s s worst: raise nlbPreStopSeconds to %s (L worst + 15 s)", a.PreStop, seconds(l.Worst), seconds(l.Worst+15))
	switch {
	case a.CustomPreStop:
		return ClassUserValue, "a serving container's preStop is a command of its own, kept: lbguard cannot tell how long it waits"
	case lb.Front == timing.FrontTargetGroupBinding && lb.DeregistrationDelay == nil && float64(a.PreStop) < l.Worst:
		return ClassConfig, nlbFloor
	case float64(a.PreStop) >= l.Worst:
		return ClassUnexplained, ""
	case a.PreStopSource != model.PreStopFromLoadBalancers:
		return ClassUserValue, fmt.Sprintf("S = %d s, from %s, is below L = %s s worst", a.PreStop, a.PreStopSource, seconds(l.Worst))
	case lb.Kind != timing.ALB:
		return ClassConfig, nlbFloor
	case f.Now.Facts.DelaySet:
		return ClassUserValue, fmt.Sprintf("S = D + 15 = %d s follows the user's deregistration delay D = %d s, below L = %s s worst", a.PreStop, f.Now.Facts.Delay, seconds(l.Worst))
	}
	return ClassConfig, fmt.Sprintf("S = D + 15 = %d s follows the config's deregistrationDelaySeconds, below L = %s s worst", a.PreStop, seconds(l.Worst))
}

// shutdown says why the app still exits before its last requests end.
func shutdown(f Finding) (Class, string) {
	a := f.After.Facts
	r := f.AfterX.Parameters.RequestSeconds
	if float64(a.Shutdown) >= r {
		return ClassUnexplained, ""
	}
	source := "the config's shutdownSeconds"
	class := ClassConfig
	if a.ShutdownSet {
		source, class = "the annotation "+annotations.ShutdownSecondsAnnotation, ClassUserValue
	}
	return class, fmt.Sprintf("A = %d s, from %s, is shorter than the requests (R = %s s): the app exits before they end", a.Shutdown, source, seconds(r))
}

// drainingCut says why D stays below P + R after the fix.
func drainingCut(f Finding) (Class, string) {
	a := f.After.Facts
	p := latency(f.AfterX, "P")
	need := seconds(p.Worst + f.AfterX.Parameters.RequestSeconds)
	if f.Now.Facts.DelaySet {
		return ClassUserValue, fmt.Sprintf("the user's deregistration delay D = %d s, kept, is below P + R = %s s worst", f.Now.Facts.Delay, need)
	}
	if f.After.LBKind == model.TGBinding {
		return ClassOutsideKubernetes, "the target group's deregistration delay is set where the target group is managed"
	}
	return ClassConfig, fmt.Sprintf("D = %d s, the config's deregistrationDelaySeconds, is below P + R = %s s worst: raise it to %s, or keep requests under D − P", a.Delay, need, need)
}

// noGate says why no readiness gate holds the rollout after the fix.
func noGate(f Finding) (Class, string) {
	a := f.After.Facts
	lb := f.After.Input.LoadBalancer
	switch {
	case lb.AutoMode:
		return ClassAutoMode, "EKS Auto Mode has no readiness gates (aws/containers-roadmap#2511): set minReadySeconds to cover registration and the first health check"
	case !a.NamespaceListed:
		return ClassNamespaceNotListed, fmt.Sprintf("Namespace %s is not among the manifests, so R3 cannot label it: label it %s=enabled", namespaceOf(f.After.Workload), annotations.ReadinessGateLabel)
	case a.GateLabel != "enabled" && f.Now.Facts.GateLabel == a.GateLabel && a.GateLabel != "":
		return ClassUserValue, fmt.Sprintf("Namespace %s sets %s=%q, kept", namespaceOf(f.After.Workload), annotations.ReadinessGateLabel, a.GateLabel)
	case f.AfterX.Parameters.Target != timing.TargetIP && f.After.LBKind == model.TGBinding:
		return ClassOutsideKubernetes, "the TargetGroupBinding's targetType is not ip and cannot change: gates hold only ip targets"
	}
	return ClassUnexplained, ""
}

func namespaceOf(id model.ResourceID) string {
	if id.Namespace == "" {
		return "default"
	}
	return id.Namespace
}

// requestSeconds is R as the model takes it when the options leave it unset.
func requestSeconds(t timing.Traffic) float64 {
	if t.RequestSeconds > 0 {
		return t.RequestSeconds
	}
	return 5
}
