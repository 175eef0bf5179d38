package cli

import (
	"testing"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// readSources reads each file, by path, as the command line does.
func readSources(t *testing.T, files ...[2]string) *inputs {
	t.Helper()
	var sources []*source
	for _, f := range files {
		src, err := parseSource(f[0], []byte(f[1]))
		if err != nil {
			t.Fatal(err)
		}
		sources = append(sources, src)
	}
	return newInputs(sources)
}

func mustObject(t *testing.T, s string) *fn.KubeObject {
	t.Helper()
	obj, err := fn.ParseKubeObject([]byte(s))
	if err != nil {
		t.Fatalf("%v\n%s", err, s)
	}
	return obj
}

func deployment(namespace, name, app string) string {
	return "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: " + name + "\n  namespace: " + namespace +
		"\nspec:\n  selector:\n    matchLabels:\n      app: " + app + "\n"
}

func budget(namespace, name, app string) string {
	return "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: " + name + "\n  namespace: " + namespace +
		"\nspec:\n  maxUnavailable: 1\n  selector:\n    matchLabels:\n      app: " + app + "\n"
}

// An added object goes to the file of the workload whose selector it
// copies, else of the workload it is named after, in its namespace; else to
// the first file of its namespace; else to the first file.
func TestHomeOfAnAddedObject(t *testing.T) {
	in := readSources(t,
		[2]string{"front.yaml", "apiVersion: v1\nkind: Service\nmetadata:\n  name: front\n"},
		[2]string{"settings.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: shop\n"},
		[2]string{"billing.yaml", deployment("billing", "web", "api")},
		[2]string{"web.yaml", deployment("shop", "web", "web")},
		[2]string{"api.yaml", deployment("shop", "api", "api")},
	)
	for _, c := range []struct{ what, obj, home string }{
		{"its selector, whatever its name", budget("shop", "web", "api"), "api.yaml"},
		{"its name, when no selector is the same", budget("shop", "web", "other"), "web.yaml"},
		{"its namespace, when no workload there is its", budget("shop", "cache", "cache"), "settings.yaml"},
		{"no namespace read: the first file", budget("audit", "web", "web"), "front.yaml"},
		{"no selector: its name", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n  namespace: shop\n", "web.yaml"},
	} {
		if got := homeOf(in, mustObject(t, c.obj)).path; got != c.home {
			t.Errorf("by %s: added to %s, want %s", c.what, got, c.home)
		}
	}
}

// An object the rules put in the place of a document's (the same
// apiVersion, kind, namespace and name) is that document changed, not an
// object added; another is added to its workload's file.
func TestFixedDocumentsOfAReplacedObject(t *testing.T) {
	in := readSources(t, [2]string{"web.yaml", deployment("shop", "web", "web")})
	d := in.sources[0].docs[0]
	replaced := d.obj.Copy()
	if err := replaced.SetNestedInt(2, "spec", "replicas"); err != nil {
		t.Fatal(err)
	}
	pdb := mustObject(t, budget("shop", "web", "web"))
	changed, added := fixedDocuments(in, fn.KubeObjects{replaced, pdb})
	if len(changed) != 1 || changed[d] == nil {
		t.Fatalf("changed %v, want the Deployment's document", changed)
	}
	got, err := yaml.String(changed[d])
	if err != nil {
		t.Fatal(err)
	}
	if want := deployment("shop", "web", "web") + "  replicas: 2\n"; got != want {
		t.Errorf("the document now reads:\n%s\nwant:\n%s", got, want)
	}
	if len(added) != 1 || len(added[in.sources[0]]) != 1 {
		t.Fatalf("added %v, want the budget in web.yaml", added)
	}
	if got, _ := yaml.String(added[in.sources[0]][0]); got != budget("shop", "web", "web") {
		t.Errorf("added:\n%s", got)
	}
}
