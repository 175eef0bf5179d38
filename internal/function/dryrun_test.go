package function

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/kptdev/krm-functions-sdk/go/fn/testhelpers"
	"github.com/lbguard/lbguard/internal/apiserver"
	"github.com/lbguard/lbguard/internal/testkit"
	"sigs.k8s.io/yaml"
)

// These tests send lbguard's output, object by object, to a real
// kube-apiserver as server-side dry-run creates with strict field validation
// (internal/apiserver). They catch what only the server's own validation
// knows: a preStop sleep longer than the grace period, a probe with two
// handlers, a PodDisruptionBudget with both minAvailable and maxUnavailable,
// an unknown or duplicated field. They skip, saying why, where etcd or
// kube-apiserver cannot be had (LBGUARD_REQUIRE_APISERVER=1 fails instead).
//
// The test binary shares one server; TestMain stops it.

// TestGoldenOutputsDryRun dry-runs every output item of every golden case.
func TestGoldenOutputsDryRun(t *testing.T) {
	s := apiserver.Shared(t)
	var total dryRunTally
	for _, name := range testkit.GoldenCases(t) {
		t.Run(name, func(t *testing.T) {
			rl := testkit.GoldenInput(t, filepath.Join(testkit.GoldenDir(t), name))
			total.add(dryRunOutput(t, s, rl))
		})
	}
	t.Logf("golden outputs: %s", total)
}

// TestCorpusOutputsDryRun dry-runs every output item of lbguard (default
// config) run over each set of the shared corpus: the YAML files of one
// directory, kustomization.yaml left out (sharedCorpusSets, corpus_test.go).
func TestCorpusOutputsDryRun(t *testing.T) {
	sets := sharedCorpusSets(t)
	s := apiserver.Shared(t)
	var total dryRunTally
	for _, set := range sets {
		name, _ := filepath.Rel(sharedCorpusRoot, set.dir)
		t.Run(name, func(t *testing.T) {
			if _, refused := refusedCorpusSets[name]; refused {
				t.Skip("refused as it is (TestCorpusProperties): nothing to dry-run")
			}
			rl := corpusSetInput(t, set)
			total.add(dryRunOutput(t, s, rl))
		})
	}
	t.Logf("corpus outputs (%d sets): %s", len(sets), total)
}

// dryRunTally counts what happened to the output items of a run.
type dryRunTally struct {
	sent, accepted, notServed, inputRejected, rejected int
}

func (d *dryRunTally) add(o dryRunTally) {
	d.sent += o.sent
	d.accepted += o.accepted
	d.notServed += o.notServed
	d.inputRejected += o.inputRejected
	d.rejected += o.rejected
}

func (d dryRunTally) String() string {
	return fmt.Sprintf("%d objects dry-run: %d accepted, %d rejected as their input was, %d rejected; %d not served (skipped)",
		d.sent, d.accepted, d.inputRejected, d.rejected, d.notServed)
}

// dryRunDoc is one object to dry-run and its id: apiVersion, kind,
// namespace and name.
type dryRunDoc struct {
	id  string
	doc string
}

// dryRunDocs splits an item into the objects the server is sent: the item
// itself, or the items of a List (as kubectl apply unpacks it).
func dryRunDocs(t *testing.T, o *fn.KubeObject) []dryRunDoc {
	t.Helper()
	if !strings.HasSuffix(o.GetKind(), "List") {
		return []dryRunDoc{{docID(o.GetAPIVersion(), o.GetKind(), o.GetNamespace(), o.GetName()), o.String()}}
	}
	objs, err := apiserver.SplitObjects([]byte(o.String()))
	if err != nil {
		t.Fatalf("%s %s: %v", o.GetKind(), o.GetName(), err)
	}
	var docs []dryRunDoc
	for _, j := range objs {
		var m struct {
			APIVersion string `json:"apiVersion"`
			Kind       string `json:"kind"`
			Metadata   struct {
				Name, Namespace string
			} `json:"metadata"`
		}
		if err := yaml.Unmarshal(j, &m); err != nil {
			t.Fatalf("an item of %s %s: %v", o.GetKind(), o.GetName(), err)
		}
		docs = append(docs, dryRunDoc{docID(m.APIVersion, m.Kind, m.Metadata.Namespace, m.Metadata.Name), string(j)})
	}
	return docs
}

func docID(apiVersion, kind, namespace, name string) string {
	if namespace != "" {
		name = namespace + "/" + name
	}
	return apiVersion + " " + kind + " " + name
}

// dryRunOutput runs lbguard over rl in-process and dry-runs every output
// item. An output the server does not serve (ErrNotServed: lbguard's own
// config kinds, EKS Auto Mode's TargetGroupBinding, removed API versions) is
// logged and skipped. A rejected output fails the test, unless its input (the item of
// the same id before lbguard ran) is rejected with the very same message:
// then the input itself is invalid, and lbguard added no rejection of its own.
func dryRunOutput(t *testing.T, s *apiserver.Server, rl *fn.ResourceList) dryRunTally {
	t.Helper()
	inputs := map[string][]string{}
	for _, it := range rl.Items {
		for _, d := range dryRunDocs(t, it) {
			inputs[d.id] = append(inputs[d.id], d.doc)
		}
	}
	processList(t, rl)
	var n dryRunTally
	for _, it := range rl.Items {
		for _, d := range dryRunDocs(t, it) {
			n.add(dryRunOne(t, s, d, inputs[d.id]))
		}
	}
	return n
}

// dryRunOne dry-runs one output object; inputs are the objects of its id
// before lbguard ran.
func dryRunOne(t *testing.T, s *apiserver.Server, d dryRunDoc, inputs []string) dryRunTally {
	t.Helper()
	err := s.DryRun([]byte(d.doc))
	if err == nil {
		return dryRunTally{sent: 1, accepted: 1}
	}
	if errors.Is(err, apiserver.ErrNotServed) {
		t.Logf("skipped %s: %v", d.id, err)
		return dryRunTally{notServed: 1}
	}
	var rej *apiserver.RejectedError
	if !errors.As(err, &rej) {
		t.Fatalf("dry-run %s: %v", d.id, err)
	}
	if msg := sameInputRejection(t, s, inputs, rej); msg != "" {
		t.Logf("%s: rejected, as its input is: %s", d.id, msg)
		return dryRunTally{sent: 1, inputRejected: 1}
	}
	t.Errorf("lbguard's output %s is rejected by kube-apiserver:\n%v\n--- object ---\n%s", d.id, err, d.doc)
	return dryRunTally{sent: 1, rejected: 1}
}

// sameInputRejection dry-runs the inputs of an output's id and returns the
// server's message when one of them is rejected with the output's message;
// "" when the input is accepted, rejected otherwise, or missing (an object
// lbguard made).
func sameInputRejection(t *testing.T, s *apiserver.Server, inputs []string, out *apiserver.RejectedError) string {
	t.Helper()
	for _, in := range inputs {
		err := s.DryRun([]byte(in))
		var rej *apiserver.RejectedError
		if !errors.As(err, &rej) {
			continue
		}
		if rej.Message == out.Message {
			return rej.Message
		}
		t.Logf("the input is rejected too, with another message: %s", rej.Message)
	}
	return ""
}

// corpusSetInput reads the files of a set of the shared corpus
// (sharedCorpusSets, corpus_test.go) into a ResourceList with an empty config
// (every default).
func corpusSetInput(t *testing.T, set sharedCorpusSet) *fn.ResourceList {
	t.Helper()
	rl := &fn.ResourceList{FunctionConfig: fn.NewEmptyKubeObject()}
	for _, f := range set.files {
		objects, err := fn.ParseKubeObjects(testhelpers.MustReadFile(t, f))
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		rl.Items = append(rl.Items, objects...)
	}
	return rl
}

// TestDryRunCatchesBrokenOutput proves that the dry-run check can fail: a
// real lbguard output (golden case r1-missing) is accepted as it is, and
// rejected, with the server's message, once broken in each of the ways the
// API server's validation, and no unit test of lbguard, knows about.
func TestDryRunCatchesBrokenOutput(t *testing.T) {
	s := apiserver.Shared(t)
	rl := testkit.GoldenInput(t, filepath.Join(testkit.GoldenDir(t), "r1-missing"))
	processList(t, rl)
	item := func(kind string) map[string]any {
		t.Helper()
		for _, it := range rl.Items {
			if it.GetKind() == kind {
				var m map[string]any
				if err := yaml.Unmarshal([]byte(it.String()), &m); err != nil {
					t.Fatal(err)
				}
				return m
			}
		}
		t.Fatalf("r1-missing: no %s in lbguard's output", kind)
		return nil
	}
	podSpec := func(m map[string]any) map[string]any {
		return m["spec"].(map[string]any)["template"].(map[string]any)["spec"].(map[string]any)
	}
	container := func(m map[string]any) map[string]any {
		return podSpec(m)["containers"].([]any)[0].(map[string]any)
	}

	cases := []struct {
		name   string
		kind   string
		breakF func(m map[string]any) // nil: lbguard's output as it is
		reject []string               // fragments of the server's message; nil: accepted
	}{
		{name: "Deployment as lbguard wrote it", kind: "Deployment"},
		{name: "PodDisruptionBudget as lbguard wrote it", kind: "PodDisruptionBudget"},
		{
			name: "preStop sleep longer than the grace period", kind: "Deployment",
			breakF: func(m map[string]any) {
				// lbguard wrote sleep 180 s and a grace period of 200 s.
				podSpec(m)["terminationGracePeriodSeconds"] = 60
			},
			reject: []string{"lifecycle.preStop.sleep: Invalid value: 180", "less than terminationGracePeriodSeconds (60)"},
		},
		{
			name: "readiness probe with two handlers", kind: "Deployment",
			breakF: func(m map[string]any) {
				probe := container(m)["readinessProbe"].(map[string]any)
				probe["tcpSocket"] = map[string]any{"port": 8080}
			},
			reject: []string{"readinessProbe.tcpSocket", "may not specify more than 1 handler type"},
		},
		{
			name: "PodDisruptionBudget with both minAvailable and maxUnavailable", kind: "PodDisruptionBudget",
			breakF: func(m map[string]any) {
				m["spec"].(map[string]any)["minAvailable"] = 1
			},
			reject: []string{"minAvailable and maxUnavailable cannot be both set"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := item(c.kind)
			if c.breakF != nil {
				c.breakF(m)
			}
			obj, err := yaml.Marshal(m)
			if err != nil {
				t.Fatal(err)
			}
			err = s.DryRun(obj)
			if c.reject == nil {
				if err != nil {
					t.Fatalf("lbguard's output is rejected: %v\n%s", err, obj)
				}
				return
			}
			var rej *apiserver.RejectedError
			if !errors.As(err, &rej) {
				t.Fatalf("want a rejection, got %v\n%s", err, obj)
			}
			t.Logf("rejected as expected: %v", rej)
			for _, f := range c.reject {
				if !strings.Contains(rej.Message, f) {
					t.Errorf("the server's message lacks %q: %s", f, rej.Message)
				}
			}
		})
	}
}
