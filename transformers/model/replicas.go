package model

import (
	"fmt"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/internal/yamlnode"
)

// replicaCount is how many pods a workload runs: a fixed number, or the
// range its HorizontalPodAutoscaler may scale it in.
type ReplicaCount struct {
	Min, Max   int
	Written    bool           // spec.replicas is set
	Autoscaler *fn.KubeObject // the HPA that decides, if any
	ScaledBy   string         // its name
}

func (c ReplicaCount) Describe() string {
	if c.Autoscaler != nil {
		return fmt.Sprintf("%d to %d replicas, scaled by HorizontalPodAutoscaler %s", c.Min, c.Max, c.ScaledBy)
	}
	if c.Max == 1 {
		return "1 replica"
	}
	return fmt.Sprintf("%d replicas", c.Max)
}

func (c ReplicaCount) DescribeMin() string {
	if c.Autoscaler != nil {
		return fmt.Sprintf("%d replicas, the minimum of HorizontalPodAutoscaler %s", c.Min, c.ScaledBy)
	}
	return ReplicaCount{Min: c.Min, Max: c.Min}.Describe()
}

// readReplicas reads spec.replicas (1 when absent, the API default). An HPA
// that targets the workload overrides it, since its controller rewrites
// spec.replicas: the workload then counts as 2+ when the HPA may scale it to
// 2 or more. At minReplicas 1 the budget's maxUnavailable still lets a drain
// evict the one pod (it never blocks), and once the HPA scales out the budget
// keeps the load balancer from losing every target at once.
func ReadReplicas(w *Workload, autoscalers map[string]*autoscaler, r *Report) (ReplicaCount, bool) {
	n, found, err := yamlnode.IntAt(w.Root, "spec", "replicas")
	if err != nil {
		r.Invalid(w.Object, "spec.replicas", "must be an integer")
		return ReplicaCount{}, false
	}
	if hpa := autoscalers[autoscalerKey(w.Namespace, w.KindName, w.Name)]; hpa != nil {
		return ReplicaCount{Min: hpa.min, Max: hpa.max, Written: found, Autoscaler: hpa.object, ScaledBy: r.View(hpa.object).Name}, true
	}
	if !found {
		n = 1
	}
	return ReplicaCount{Min: n, Max: n, Written: found}, true
}

// autoscaler is a HorizontalPodAutoscaler (any autoscaling version: the
// fields lbguard reads are the same in each).
type autoscaler struct {
	object   *fn.KubeObject
	min, max int
}

func autoscalerKey(namespace, kind, name string) string {
	return namespace + "/" + kind + "/" + name
}

// readAutoscalers indexes the HPAs of the list by the workload they scale.
func ReadAutoscalers(objects []*fn.KubeObject, r *Report) map[string]*autoscaler {
	index := map[string]*autoscaler{}
	for _, obj := range objects {
		v := r.View(obj)
		if v.GroupKind != (GroupKind{"autoscaling", "HorizontalPodAutoscaler"}) {
			continue
		}
		kind, _ := yamlnode.StringAt(v.Root, "spec", "scaleTargetRef", "kind")
		name, _ := yamlnode.StringAt(v.Root, "spec", "scaleTargetRef", "name")
		if kind == "" || name == "" {
			r.Invalid(obj, "spec.scaleTargetRef", "must name the kind and name of the workload it scales")
			continue
		}
		minReplicas, found, err := yamlnode.IntAt(v.Root, "spec", "minReplicas")
		if err != nil {
			r.Invalid(obj, "spec.minReplicas", "must be an integer")
			continue
		}
		if !found {
			minReplicas = 1
		}
		maxReplicas, _, err := yamlnode.IntAt(v.Root, "spec", "maxReplicas")
		if err != nil || maxReplicas < 1 {
			r.Invalid(obj, "spec.maxReplicas", "must be an integer of at least 1")
			continue
		}
		key := autoscalerKey(v.NamespaceOrDefault(), kind, name)
		if index[key] == nil {
			index[key] = &autoscaler{object: obj, min: minReplicas, max: maxReplicas}
		}
	}
	return index
}
