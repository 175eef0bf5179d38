package function

import (
	"bytes"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/transformers/annotations"
	"github.com/lbguard/lbguard/transformers/config"
	"github.com/lbguard/lbguard/transformers/model"
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// sharedCorpusRoot is the shared corpus of real-world manifests, next to the repository.
const sharedCorpusRoot = "../../../shared/corpus"

// sharedCorpusSet is one directory of the corpus: its YAML files but kustomization.yaml.
type sharedCorpusSet struct {
	dir   string
	files []string
}

func sharedCorpusSets(t *testing.T) []sharedCorpusSet {
	t.Helper()
	if _, err := os.Stat(sharedCorpusRoot); err != nil {
		t.Skipf("no corpus at %s (%v): the property tests over real manifests need it", sharedCorpusRoot, err)
	}
	byDir := map[string][]string{}
	err := filepath.WalkDir(sharedCorpusRoot, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() || name == "kustomization.yaml" || !(strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml")) {
			return nil
		}
		byDir[filepath.Dir(path)] = append(byDir[filepath.Dir(path)], path)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var sets []sharedCorpusSet
	for dir, files := range byDir {
		sort.Strings(files)
		sets = append(sets, sharedCorpusSet{dir, files})
	}
	sort.Slice(sets, func(i, j int) bool { return sets[i].dir < sets[j].dir })
	if len(sets) == 0 {
		t.Fatalf("no YAML files under %s", sharedCorpusRoot)
	}
	return sets
}

// refusedCorpusSets are the sets lbguard refuses as they are, with the
// whole of stderr: real files that repeat a key (testdata/golden keeps a
// copy with the repeat taken out).
var refusedCorpusSets = map[string]string{
	"retail-store-sample-app": `lbguard: items[8] (ConfigMap carts): duplicate key "CARTS_DYNAMODB_CREATETABLE" in data at lines 241 and 242: ` +
		"lbguard cannot tell which value the cluster would get (two files joined without ---?)\n",
}

// corpusRefused checks that a refused set is refused, exit 1 and nothing
// on stdout, and says whether the set is one.
func corpusRefused(t *testing.T, name string, in []byte) bool {
	t.Helper()
	want, refused := refusedCorpusSets[name]
	if !refused {
		return false
	}
	var stdout, stderr bytes.Buffer
	if code := Run(bytes.NewReader(in), &stdout, &stderr, Process); code != 1 || stdout.Len() != 0 || stderr.String() != want {
		t.Errorf("exit status %d, %d bytes on stdout, stderr %q; want 1, none, %q", code, stdout.Len(), stderr.String(), want)
	}
	return true
}

// corpusItemID names a resource as kustomize compares them.
func corpusItemID(obj *fn.KubeObject) string {
	gvk := obj.GroupVersionKind()
	return gvk.Group + "/" + gvk.Kind + " " + obj.GetNamespace() + "/" + obj.GetName()
}

// corpusResourceList wraps the files' resources into a ResourceList the way
// kustomize and kpt hand it to a function (kyaml's ByteReader and ByteWriter).
func corpusResourceList(t *testing.T, files []string) []byte {
	t.Helper()
	var nodes []*yaml.RNode
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		read, err := (&kio.ByteReader{Reader: bytes.NewReader(data)}).Read()
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		nodes = append(nodes, read...)
	}
	var buf bytes.Buffer
	w := kio.ByteWriter{Writer: &buf, WrappingKind: kio.ResourceListKind, WrappingAPIVersion: kio.ResourceListAPIVersion}
	if err := w.Write(nodes); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// corpusRun runs lbguard as kpt and kustomize do: the ResourceList on
// stdin, the result on stdout. It returns stdout, its items read as kpt and
// kustomize read them (kyaml's ByteReader), and its results.
func corpusRun(t *testing.T, in []byte) ([]byte, fn.KubeObjects, fn.Results) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := Run(bytes.NewReader(in), &stdout, &stderr, Process)
	if code != 0 && code != 1 {
		t.Fatalf("exit status %d: %s", code, stderr.String())
	}
	rl, err := fn.ParseResourceList(stdout.Bytes())
	if err != nil {
		t.Fatalf("exit status %d, stdout is not a ResourceList: %v; stderr: %s", code, err, stderr.String())
	}
	return stdout.Bytes(), corpusReadItems(t, stdout.Bytes()), rl.Results
}

// corpusReadItems reads the items of a ResourceList with kyaml's ByteReader, as
// kpt and kustomize do. (Read back by the SDK instead, a comment at the foot
// of a document moves under the last map, which kpt does not show.)
func corpusReadItems(t *testing.T, resourceList []byte) fn.KubeObjects {
	t.Helper()
	nodes, err := (&kio.ByteReader{Reader: bytes.NewReader(resourceList), OmitReaderAnnotations: true}).Read()
	if err != nil {
		t.Fatalf("cannot read the ResourceList: %v", err)
	}
	items := make(fn.KubeObjects, len(nodes))
	for i, n := range nodes {
		items[i] = fn.MoveToKubeObject(n)
	}
	return items
}

// corpusYAML prints an item as kyaml does.
func corpusYAML(obj *fn.KubeObject) string {
	if obj == nil {
		return "(missing)"
	}
	return obj.CopyToResourceNode().MustString()
}

func corpusItemsByID(t *testing.T, items fn.KubeObjects) map[string]*fn.KubeObject {
	t.Helper()
	m := map[string]*fn.KubeObject{}
	for _, obj := range items {
		id := corpusItemID(obj)
		if m[id] != nil {
			t.Fatalf("two items are %s", id)
		}
		m[id] = obj
	}
	return m
}

// TestCorpusProperties runs the function over every set of the corpus and
// checks what must hold for any input.
func TestCorpusProperties(t *testing.T) {
	for _, set := range sharedCorpusSets(t) {
		name, _ := filepath.Rel(sharedCorpusRoot, set.dir)
		t.Run(name, func(t *testing.T) {
			in := corpusResourceList(t, set.files)
			if corpusRefused(t, name, in) {
				return
			}
			input := corpusReadItems(t, in)
			before := map[string]string{}
			for _, obj := range input {
				before[corpusItemID(obj)] = corpusYAML(obj)
			}
			out, firstItems, firstResults := corpusRun(t, in)

			// (a) Every input resource comes out, once, under the same id;
			// the only new ones are PodDisruptionBudgets.
			after := corpusItemsByID(t, firstItems)
			for id := range before {
				if after[id] == nil {
					t.Errorf("(a) %s is missing from the output", id)
				}
			}
			for id, obj := range after {
				if _, ok := before[id]; !ok && !corpusHasGroupKind(obj, "policy", "PodDisruptionBudget") {
					t.Errorf("(a) the output has a new %s", id)
				}
			}

			// (b) A second run changes nothing.
			_, secondItems, secondResults := corpusRun(t, out)
			again := corpusItemsByID(t, secondItems)
			if len(secondItems) != len(firstItems) {
				t.Errorf("(b) the second run returned %d items, the first %d", len(secondItems), len(firstItems))
			}
			for id, obj := range after {
				if got := again[id]; corpusYAML(got) != corpusYAML(obj) {
					t.Errorf("(b) the second run changed %s:\n%s\nafter the first run:\n%s", id, corpusYAML(got), corpusYAML(obj))
				}
			}
			for _, r := range secondResults[len(firstResults):] { // the first run's results come along
				if r.Tags[model.TagAction] == model.ActionChanged {
					t.Errorf("(b) the second run reports a change: %s", r.Message)
				}
			}

			// (c) Every comment line of the input survives. (kyaml's reader
			// already drops a file's leading comments before the first
			// document, such as a license header: that is logged, not failed.)
			inLines, outLines := corpusCommentLines(in), corpusCommentLines(out)
			for c, n := range inLines {
				if outLines[c] < n {
					t.Errorf("(c) the comment %q is lost (%d of %d left)", c, outLines[c], n)
				}
			}
			for _, file := range set.files {
				data, _ := os.ReadFile(file)
				for c := range corpusCommentLines(data) {
					if inLines[c] == 0 {
						t.Logf("the ResourceList reader drops %s's comment %q", filepath.Base(file), c)
					}
				}
			}

			// (d) A resource no load balancer fronts is not changed. The
			// inventory of the input tells which ones may change: load
			// balancers, their backend Services, the workloads they front,
			// and Namespaces.
			mayChange := map[string]bool{}
			inv := model.NewInventory(input, config.DefaultConfig(), &model.Report{})
			for _, lb := range inv.LoadBalancers {
				mayChange[corpusItemID(lb.Object)] = true
				for _, b := range lb.Backends {
					if b.Service != nil {
						mayChange[corpusItemID(b.Service)] = true
					}
					for _, w := range b.Workloads {
						mayChange[corpusItemID(w.Object)] = true
					}
				}
			}
			for _, ns := range inv.Namespaces {
				mayChange[corpusItemID(ns)] = true
			}
			for _, was := range input {
				id := corpusItemID(was)
				if obj := after[id]; obj != nil && !mayChange[id] && !corpusSameContent(was, obj) {
					t.Errorf("(d) %s is fronted by no load balancer but changed:\n%s\nwas:\n%s", id, corpusYAML(obj), corpusYAML(was))
				}
			}

			// (e) No R1-R3 violation is left.
			for _, v := range corpusViolations(firstItems) {
				t.Errorf("(e) %s", v)
			}

			// (f) No R4-R7 violation is left on a load-balanced workload.
			for _, v := range corpusWorkloadViolations(firstItems) {
				t.Errorf("(f) %s", v)
			}
		})
	}
}

// corpusSameContent reports whether two items hold the same YAML, style included,
// and the same comments. Where a comment sits may differ: the SDK sorts the
// output items, and a comment at the foot of a document that was last then
// reads as the foot of its last map (kpt puts it back when it restores the
// order, as the kpt fn eval of this corpus shows).
func corpusSameContent(a, b *fn.KubeObject) bool {
	ca, cb := a.CopyToResourceNode(), b.CopyToResourceNode()
	commentsA, commentsB := corpusTakeComments(ca.YNode()), corpusTakeComments(cb.YNode())
	sort.Strings(commentsA)
	sort.Strings(commentsB)
	return ca.MustString() == cb.MustString() && strings.Join(commentsA, "\n") == strings.Join(commentsB, "\n")
}

// corpusTakeComments removes every comment under n and returns their lines, trimmed.
func corpusTakeComments(n *yaml.Node) []string {
	var lines []string
	for _, c := range []*string{&n.HeadComment, &n.LineComment, &n.FootComment} {
		for _, l := range strings.Split(*c, "\n") {
			if l = strings.TrimSpace(l); l != "" {
				lines = append(lines, l)
			}
		}
		*c = ""
	}
	for _, child := range n.Content {
		lines = append(lines, corpusTakeComments(child)...)
	}
	return lines
}

// corpusCommentLines counts the comment lines of a YAML text, trimmed.
func corpusCommentLines(text []byte) map[string]int {
	lines := map[string]int{}
	for _, line := range strings.Split(string(text), "\n") {
		if l := strings.TrimSpace(line); strings.HasPrefix(l, "#") {
			lines[l]++
		}
	}
	return lines
}

func corpusHasGroupKind(obj *fn.KubeObject, group, kind string) bool {
	gvk := obj.GroupVersionKind()
	return gvk.Group == group && gvk.Kind == kind
}

// corpusViolations lists what R1-R3 leave wrong in items: an ALB
// Ingress or LBC-owned (or legacy) Service whose backends do not have the
// target type ip and an explicit deregistration delay (the in-tree NLB and
// TargetGroupBindings cannot be changed, and are exempt), and a Namespace of
// the list that holds ip targets without the readiness-gate label.
func corpusViolations(items fn.KubeObjects) []string {
	var out []string
	cfg := config.DefaultConfig()
	inv := model.NewInventory(items, cfg, &model.Report{})
	ipNamespaces := map[string]string{}
	for _, lb := range inv.LoadBalancers {
		if lb.Skipped {
			continue
		}
		var attributesKey string
		switch lb.Kind {
		case model.ALBIngress:
			attributesKey = "alb.ingress.kubernetes.io/target-group-attributes"
		case model.LBCNLB, model.ClassicELB:
			attributesKey = "service.beta.kubernetes.io/aws-load-balancer-target-group-attributes"
		}
		for _, b := range lb.Backends {
			if b.Skipped() {
				continue
			}
			if b.TargetType() == "ip" {
				ipNamespaces[b.Namespace] = corpusItemID(lb.Object)
			}
			if attributesKey == "" {
				continue
			}
			where := string(lb.Kind) + " " + corpusItemID(lb.Object) + " backend " + b.ServiceName
			if t := b.TargetType(); t != "ip" {
				out = append(out, where+": target type "+t+", want ip")
			}
			value, _, _ := b.Annotation(attributesKey)
			attrs, err := annotations.ParseStringMap(value)
			if err != nil {
				out = append(out, where+": "+attributesKey+": "+err.Error())
				continue
			}
			if _, ok := attrs.Get("deregistration_delay.timeout_seconds"); !ok {
				d, _ := b.DeregistrationDelay(cfg)
				out = append(out, where+": no deregistration delay set (effective "+strconv.Itoa(d)+" s)")
			}
			if lb.Kind == model.ClassicELB {
				annotations := lb.Object.GetAnnotations()
				if annotations["service.beta.kubernetes.io/aws-load-balancer-connection-draining-enabled"] != "true" ||
					annotations["service.beta.kubernetes.io/aws-load-balancer-connection-draining-timeout"] == "" {
					out = append(out, where+": Classic ELB connection draining not enabled with a timeout")
				}
			}
		}
	}
	for ns, lb := range ipNamespaces {
		obj := inv.Namespaces[ns]
		if obj == nil || obj.GetAnnotation("lbguard.dev/skip") == "true" {
			continue
		}
		if got := obj.GetLabel("elbv2.k8s.aws/pod-readiness-gate-inject"); got != "enabled" {
			out = append(out, "Namespace "+ns+" holds ip targets of "+lb+" but its readiness-gate label is "+corpusLabelValue(got))
		}
	}
	sort.Strings(out)
	return out
}

func corpusLabelValue(s string) string {
	if s == "" {
		return "not set"
	}
	return `"` + s + `"`
}

// TestCorpusViolationsSeesThem checks the checker of property (e) on an
// input that breaks each rule, so that a clean corpus run means something.
func TestCorpusViolationsSeesThem(t *testing.T) {
	items, err := fn.ParseKubeObjects([]byte(`
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: shop}
spec:
  ingressClassName: alb
  rules: [{http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}}]
---
apiVersion: v1
kind: Service
metadata:
  name: api
  namespace: shop
  annotations:
    service.beta.kubernetes.io/aws-load-balancer-type: external
    service.beta.kubernetes.io/aws-load-balancer-nlb-target-type: ip
spec: {type: LoadBalancer, selector: {app: api}}
---
apiVersion: v1
kind: Service
metadata: {name: legacy, namespace: shop}
spec: {type: LoadBalancer, selector: {app: legacy}}
`))
	if err != nil {
		t.Fatal(err)
	}
	got := corpusViolations(items)
	want := []string{
		"ALB networking.k8s.io/Ingress shop/web backend web: no deregistration delay set (effective 300 s)",
		"ALB networking.k8s.io/Ingress shop/web backend web: target type instance, want ip",
		"Classic ELB /Service shop/legacy backend legacy: Classic ELB connection draining not enabled with a timeout",
		"Classic ELB /Service shop/legacy backend legacy: no deregistration delay set (effective 300 s)",
		"Classic ELB /Service shop/legacy backend legacy: target type instance, want ip",
		"NLB /Service shop/api backend api: no deregistration delay set (effective 300 s)",
		"Namespace shop holds ip targets of /Service shop/api but its readiness-gate label is not set",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("violations:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// After the function, none is left.
	rl := &fn.ResourceList{Items: items, FunctionConfig: fn.NewEmptyKubeObject()}
	processList(t, rl)
	if left := corpusViolations(rl.Items); len(left) != 0 {
		t.Errorf("violations left after one run:\n%s", strings.Join(left, "\n"))
	}
}
