package function

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
	"testing"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/internal/gen"
)

// The in-process benchmarks: lbguard and the identity baseline, the same
// Run (read, parse, process, sort, write) over the generated lists
// of internal/gen. `make bench` runs them, and bench/ prints the whole-process
// table (time and peak memory against the baseline). For profiles:
//
//	go test ./internal/function -run '^$' -bench 'Function/lbguard/resources=10000$' -benchtime 5x -cpuprofile cpu.out -memprofile mem.out
//	go tool pprof -top -nodecount 25 function.test cpu.out

var benchSizes = []int{100, 1000, 10000, 50000}

func BenchmarkFunction(b *testing.B) {
	processors := []struct {
		name string
		p    Processor
	}{{"identity", Identity}, {"lbguard", Process}}
	lists := map[int]*gen.List{} // generated once, when a benchmark first needs it
	for _, n := range benchSizes {
		for _, p := range processors {
			b.Run(p.name+"/resources="+strconv.Itoa(n), func(b *testing.B) {
				if lists[n] == nil {
					lists[n] = gen.ResourceList(n, gen.DefaultSeed)
				}
				list := lists[n]
				b.ReportAllocs()
				b.SetBytes(int64(len(list.YAML)))
				for b.Loop() {
					if status := Run(bytes.NewReader(list.YAML), io.Discard, io.Discard, p.p); status != 0 {
						b.Fatalf("exit status %d", status)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*n), "µs/resource")
			})
		}
	}
}

// TestGeneratedList runs lbguard as kustomize does over a small generated
// list: it must accept it, report no error, and leave every load-balanced
// workload with a preStop on each serving container and a grace period that
// covers it, every fronted namespace labelled for readiness gates, and every
// load balancer with a deregistration delay.
func TestGeneratedList(t *testing.T) {
	list := gen.ResourceList(400, gen.DefaultSeed)
	if list.Resources != 400 {
		t.Fatalf("generated %d resources, want 400", list.Resources)
	}
	var stdout, stderr bytes.Buffer
	if status := Run(bytes.NewReader(list.YAML), &stdout, &stderr, Process); status != 0 {
		t.Fatalf("exit status %d: %s", status, stderr.String())
	}
	out, err := fn.ParseResourceList(stdout.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range out.Results {
		if r.Severity == fn.Error {
			t.Errorf("error result: %s", r.Message)
		}
	}
	byID := map[string]*fn.KubeObject{}
	for _, obj := range out.Items {
		byID[obj.GetKind()+" "+obj.GetNamespace()+"/"+obj.GetName()] = obj
	}
	if len(out.Items) < list.Resources {
		t.Fatalf("%d items out, %d in", len(out.Items), list.Resources)
	}

	fronted, unfronted := 0, 0
	for _, w := range list.Workloads {
		id := w.Kind + " " + w.Namespace + "/" + w.Name
		obj := byID[id]
		if obj == nil {
			t.Fatalf("%s is missing from the output", id)
		}
		grace, _, _ := obj.NestedInt("spec", "template", "spec", "terminationGracePeriodSeconds")
		containers, _, _ := obj.NestedSlice("spec", "template", "spec", "containers")
		if w.Front == "" {
			unfronted++
			for _, c := range containers {
				if _, found, _ := c.NestedSubObject("lifecycle", "preStop"); found && c.GetString("name") != w.Name {
					t.Errorf("%s is not load-balanced, yet its container %s got a preStop", id, c.GetString("name"))
				}
			}
			continue
		}
		fronted++
		for _, name := range w.Serving {
			var c *fn.SubObject
			for _, candidate := range containers {
				if candidate.GetString("name") == name {
					c = candidate
				}
			}
			if c == nil {
				t.Fatalf("%s has no container %s", id, name)
			}
			seconds, found, _ := c.NestedInt("lifecycle", "preStop", "sleep", "seconds")
			floor := 180 // behind an NLB
			if w.Front == "alb" {
				// the deregistration delay, which the generator sets on some Ingresses and lbguard on the rest
				attributes := byID["Ingress "+w.Namespace+"/"+w.Name].GetAnnotation("alb.ingress.kubernetes.io/target-group-attributes")
				_, delay, _ := strings.Cut(attributes, "deregistration_delay.timeout_seconds=")
				floor, _ = strconv.Atoi(delay)
			}
			switch {
			case !found:
				t.Errorf("%s container %s has no preStop sleep", id, name)
			case floor == 0 || seconds < floor:
				t.Errorf("%s container %s: preStop sleep of %d s, shorter than the %d s its load balancer needs", id, name, seconds, floor)
			}
			if grace < seconds+20 {
				t.Errorf("%s: grace period %d s does not cover preStop %d s + shutdown 20 s", id, grace, seconds)
			}
		}
		ns := byID["Namespace /"+w.Namespace]
		if got := ns.GetLabels()["elbv2.k8s.aws/pod-readiness-gate-inject"]; got != "enabled" {
			t.Errorf("Namespace %s of %s is not labelled for readiness gates", w.Namespace, id)
		}
	}
	if fronted < 60 || unfronted < 10 {
		t.Errorf("%d load-balanced and %d other workloads: the mix is not what the generator promises", fronted, unfronted)
	}

	for _, obj := range out.Items {
		var key string
		switch {
		case obj.GetKind() == "Ingress":
			key = "alb.ingress.kubernetes.io/target-group-attributes"
		case obj.GetKind() == "Service" && obj.GetAnnotation("service.beta.kubernetes.io/aws-load-balancer-type") == "external":
			key = "service.beta.kubernetes.io/aws-load-balancer-target-group-attributes"
		default:
			continue
		}
		if !strings.Contains(obj.GetAnnotation(key), "deregistration_delay.timeout_seconds=") {
			t.Errorf("%s %s/%s: no deregistration delay in %s", obj.GetKind(), obj.GetNamespace(), obj.GetName(), key)
		}
	}
	for _, comment := range []string{"# the app itself", "# pinned by the release pipeline", "# production baseline"} {
		if in, got := bytes.Count(list.YAML, []byte(comment)), bytes.Count(stdout.Bytes(), []byte(comment)); got != in {
			t.Errorf("comment %q: %d in the input, %d in the output", comment, in, got)
		}
	}
	if testing.Verbose() {
		fmt.Println(stderr.String())
	}
}
