package transformers

import (
	"fmt"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/internal/yamlnode"
)

// replicaCount is how many pods a workload runs: a fixed number, or the
// range its HorizontalPodAutoscaler may scale it in.
type replicaCount struct {
	min, max   int
	written    bool           // spec.replicas is set
	autoscaler *fn.KubeObject // the HPA that decides, if any
	scaledBy   string         // its name
}

func (c replicaCount) describe() string {
	if c.autoscaler != nil {
		return fmt.Sprintf("%d to %d replicas, scaled by HorizontalPodAutoscaler %s", c.min, c.max, c.scaledBy)
	}
	if c.max == 1 {
		return "1 replica"
	}
	return fmt.Sprintf("%d replicas", c.max)
}

func (c replicaCount) describeMin() string {
	if c.autoscaler != nil {
		return fmt.Sprintf("%d replicas, the minimum of HorizontalPodAutoscaler %s", c.min, c.scaledBy)
	}
	return replicaCount{min: c.min, max: c.min}.describe()
}

// readReplicas reads spec.replicas (1 when absent, the API default). An HPA
// that targets the workload overrides it, since its controller rewrites
// spec.replicas: the workload then counts as 2+ when the HPA may scale it to
// 2 or more. At minReplicas 1 the budget's maxUnavailable still lets a drain
// evict the one pod (it never blocks), and once the HPA scales out the budget
// keeps the load balancer from losing every target at once.
func readReplicas(w *Workload, autoscalers map[string]*autoscaler, r *Report) (replicaCount, bool) {
	n, found, err := yamlnode.IntAt(w.root, "spec", "replicas")
	if err != nil {
		r.Invalid(w.Object, "spec.replicas", "must be an integer")
		return replicaCount{}, false
	}
	if hpa := autoscalers[autoscalerKey(w.Namespace, w.kind, w.name)]; hpa != nil {
		return replicaCount{min: hpa.min, max: hpa.max, written: found, autoscaler: hpa.object, scaledBy: r.view(hpa.object).name}, true
	}
	if !found {
		n = 1
	}
	return replicaCount{min: n, max: n, written: found}, true
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
func readAutoscalers(objects []*fn.KubeObject, r *Report) map[string]*autoscaler {
	index := map[string]*autoscaler{}
	for _, obj := range objects {
		v := r.view(obj)
		if v.gk != (groupKind{"autoscaling", "HorizontalPodAutoscaler"}) {
			continue
		}
		kind, _ := yamlnode.StringAt(v.root, "spec", "scaleTargetRef", "kind")
		name, _ := yamlnode.StringAt(v.root, "spec", "scaleTargetRef", "name")
		if kind == "" || name == "" {
			r.Invalid(obj, "spec.scaleTargetRef", "must name the kind and name of the workload it scales")
			continue
		}
		minReplicas, found, err := yamlnode.IntAt(v.root, "spec", "minReplicas")
		if err != nil {
			r.Invalid(obj, "spec.minReplicas", "must be an integer")
			continue
		}
		if !found {
			minReplicas = 1
		}
		maxReplicas, _, err := yamlnode.IntAt(v.root, "spec", "maxReplicas")
		if err != nil || maxReplicas < 1 {
			r.Invalid(obj, "spec.maxReplicas", "must be an integer of at least 1")
			continue
		}
		key := autoscalerKey(v.namespaceOrDefault(), kind, name)
		if index[key] == nil {
			index[key] = &autoscaler{object: obj, min: minReplicas, max: maxReplicas}
		}
	}
	return index
}
