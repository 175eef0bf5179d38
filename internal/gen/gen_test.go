package gen

import (
	"bytes"
	"testing"

	"github.com/kptdev/krm-functions-sdk/go/fn"
)

func TestResourceList(t *testing.T) {
	for _, n := range []int{1, 20, 1000} {
		list := ResourceList(n, DefaultSeed)
		rl, err := fn.ParseResourceList(list.YAML)
		if err != nil {
			t.Fatalf("%d resources: %v", n, err)
		}
		if len(rl.Items) != n || list.Resources != n {
			t.Errorf("asked for %d resources, got %d items (List says %d)", n, len(rl.Items), list.Resources)
		}
		kinds := map[string]int{}
		for _, obj := range rl.Items {
			kinds[obj.GetKind()]++
		}
		for kind, count := range list.Kinds {
			if kinds[kind] != count {
				t.Errorf("%d resources: %d of kind %s, List says %d", n, kinds[kind], kind, count)
			}
		}
		if !rl.FunctionConfig.IsGVK("lbguard.dev", "v1alpha1", "LBGuard") {
			t.Errorf("functionConfig is %s", rl.FunctionConfig.GetKind())
		}
	}
}

// The benchmarks need every kind of the mix at 1 000 resources, and a
// list of 50 000 that lbguard reads (it refuses more than 64 MiB).
func TestMix(t *testing.T) {
	list := ResourceList(1000, DefaultSeed)
	for _, kind := range []string{"Namespace", "ConfigMap", "Deployment", "StatefulSet", "Service", "Ingress", "HorizontalPodAutoscaler", "PodDisruptionBudget"} {
		if list.Kinds[kind] == 0 {
			t.Errorf("no %s among 1000 resources", kind)
		}
	}
	fronts := map[string]int{}
	sidecars := 0
	for _, w := range list.Workloads {
		fronts[w.Front]++
		if len(w.Serving) > 1 {
			sidecars++
		}
	}
	if fronts["alb"] < 50 || fronts["nlb"] < 20 || fronts[""] < 20 || sidecars < 20 {
		t.Errorf("fronts %v, %d workloads with a serving sidecar: not the promised mix", fronts, sidecars)
	}
	if comments := bytes.Count(list.YAML, []byte("# ")); comments < 1000 {
		t.Errorf("%d comments in 1000 resources", comments)
	}
	if perResource := len(list.YAML) / 1000; perResource*50000 > 60<<20 {
		t.Errorf("%d bytes a resource: a list of 50 000 would be over 60 MiB", perResource)
	}
}

func TestDeterministic(t *testing.T) {
	if a, b := ResourceList(300, DefaultSeed), ResourceList(300, DefaultSeed); !bytes.Equal(a.YAML, b.YAML) {
		t.Error("the same size and seed gave different lists")
	}
	if a, b := ResourceList(300, 1), ResourceList(300, 2); bytes.Equal(a.YAML, b.YAML) {
		t.Error("different seeds gave the same list")
	}
}

func TestSharedSelector(t *testing.T) {
	for _, n := range []int{1, 2, 20, 301} {
		list := SharedSelector(n)
		rl, err := fn.ParseResourceList(list.YAML)
		if err != nil {
			t.Fatalf("%d resources: %v", n, err)
		}
		if len(rl.Items) != n || list.Resources != n {
			t.Errorf("asked for %d resources, got %d items (List says %d)", n, len(rl.Items), list.Resources)
		}
		for _, obj := range rl.Items {
			switch obj.GetKind() {
			case "Service":
				if got, _, _ := obj.NestedString("spec", "selector", "app"); got != "web" {
					t.Errorf("Service %s selects app: %q", obj.GetName(), got)
				}
			case "Deployment", "StatefulSet":
				if got, _, _ := obj.NestedString("spec", "template", "metadata", "labels", "app"); got != "web" {
					t.Errorf("%s %s has pods labelled app: %q", obj.GetKind(), obj.GetName(), got)
				}
			}
		}
	}
	list := SharedSelector(301)
	if list.Kinds["Service"] != len(list.Workloads) || list.Kinds["Ingress"] == 0 || list.Kinds["StatefulSet"] == 0 {
		t.Errorf("kinds %v for %d workloads", list.Kinds, len(list.Workloads))
	}
}
