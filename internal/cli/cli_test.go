package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/lbguard/lbguard/internal/render"
	"github.com/lbguard/lbguard/internal/report"
	"github.com/lbguard/lbguard/internal/testkit"
	"github.com/lbguard/lbguard/internal/yamlnode"
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// These tests run the command line in process, as the binary does: in a
// directory, with standard input, and the exit status it returns.

type cliRun struct {
	stdout, stderr string
	status         int
}

// testVersion is the version the reports name in these tests.
const testVersion = "v0.0.0-test"

// runLBGuard runs `lbguard COMMAND ARGS...` in dir with stdin (nil: none).
func runLBGuard(t testing.TB, dir string, stdin []byte, args ...string) cliRun {
	t.Helper()
	back, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := os.Chdir(back); err != nil {
			t.Fatal(err)
		}
	}()
	var stdout, stderr bytes.Buffer
	status := Run(args[0], args[1:], testVersion, bytes.NewReader(stdin), &stdout, &stderr)
	return cliRun{stdout.String(), stderr.String(), status}
}

func (r cliRun) want(t *testing.T, what string, status int) {
	t.Helper()
	if r.status != status {
		t.Fatalf("%s: exit status %d, want %d\nstdout:\n%s\nstderr:\n%s", what, r.status, status, r.stdout, r.stderr)
	}
}

const corpusDir = "../../testdata/cli/corpus"

// refusedCorpusSets are the sets lbguard refuses as they are, with the
// whole of stderr: real files that repeat a key.
var refusedCorpusSets = map[string]string{
	"retail-store-sample-app": `retail-store-sample-app/deploy.yaml: document at line 240 (v1 ConfigMap carts): ` +
		`duplicate key "CARTS_DYNAMODB_CREATETABLE" in data at lines 248 and 249: ` +
		"lbguard cannot tell which value the cluster would get (two files joined without ---?)\n",
}

// refusedCorpusSet checks that audit and fix --in-place refuse a refused
// set (exit 2, nothing written) and says whether set is one.
func refusedCorpusSet(t *testing.T, dir, set string) bool {
	t.Helper()
	want, refused := refusedCorpusSets[set]
	if !refused {
		return false
	}
	before := readTree(t, dir)
	for _, command := range []string{"audit", "fix"} {
		r := runLBGuard(t, dir, nil, command, "--in-place", set)
		if command == "audit" {
			r = runLBGuard(t, dir, nil, command, set)
		}
		r.want(t, command+" "+set, exitUsage)
		if r.stdout != "" || r.stderr != "lbguard "+command+": "+want {
			t.Errorf("%s %s: stdout %q, stderr %q; want none and %q", command, set, r.stdout, r.stderr, want)
		}
	}
	if !reflect.DeepEqual(readTree(t, dir), before) {
		t.Errorf("%s: a refused set was written", set)
	}
	return true
}

// cliCorpusSets are the corpus's top-level directories.
func cliCorpusSets(t *testing.T) []string {
	t.Helper()
	sets := testkit.Subdirs(t, corpusDir)
	if len(sets) < 10 {
		t.Fatalf("the corpus has %d sets, want 10", len(sets))
	}
	return sets
}

// copyCorpus copies the corpus, or one set of it, into a new directory.
func copyCorpus(t *testing.T, set string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(filepath.Join(dir, set), os.DirFS(filepath.Join(corpusDir, set))); err != nil {
		t.Fatal(err)
	}
	return dir
}

// readTree returns every file under dir by its relative path.
func readTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		rel, _ := filepath.Rel(dir, path)
		files[filepath.ToSlash(rel)] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestCLIUsage(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		args   []string
		status int
		stdout string // a part of it
		stderr string
	}{
		{[]string{"audit", "--help"}, 0, "--format FORMAT", ""},
		{[]string{"fix", "-h"}, 0, "--in-place", ""},
		{[]string{"audit"}, 2, "", "no PATH given"},
		{[]string{"fix"}, 2, "", "no PATH given"},
		{[]string{"audit", "--format", "xml", "."}, 2, "", `--format must be text, json or sarif, not "xml"`},
		{[]string{"audit", "--in-place", "."}, 2, "", "flag provided but not defined: -in-place"},
		{[]string{"fix", "--format", "json", "."}, 2, "", "flag provided but not defined: -format"},
		{[]string{"fix", "--in-place", "-"}, 2, "", "--in-place rewrites files: standard input (-) has none"},
		{[]string{"audit", "no-such-dir"}, 2, "", "cannot read no-such-dir: no such file or directory"},
		{[]string{"audit", "."}, 2, "", "no Kubernetes resources in ."},
		{[]string{"audit", "--config", "missing.yaml", "."}, 2, "", "cannot read the config missing.yaml"},
	} {
		r := runLBGuard(t, dir, nil, c.args...)
		what := "lbguard " + strings.Join(c.args, " ")
		r.want(t, what, c.status)
		if !strings.Contains(r.stdout, c.stdout) {
			t.Errorf("%s: stdout does not contain %q:\n%s", what, c.stdout, r.stdout)
		}
		if !strings.Contains(r.stderr, c.stderr) {
			t.Errorf("%s: stderr does not contain %q:\n%s", what, c.stderr, r.stderr)
		}
		if c.status == 2 && r.stdout != "" {
			t.Errorf("%s: bad usage printed on stdout:\n%s", what, r.stdout)
		}
	}
}

func TestCLIUnreadableInput(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("broken.yaml", "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: [b\n")
	r := runLBGuard(t, dir, nil, "audit", "broken.yaml")
	r.want(t, "audit of invalid YAML", 2)
	if want := "broken.yaml: document at line 6 is not valid YAML"; !strings.Contains(r.stderr, want) {
		t.Errorf("stderr does not name the file and the document's line %q:\n%s", want, r.stderr)
	}
	r = runLBGuard(t, dir, []byte("kind: [\n"), "fix", "-")
	r.want(t, "fix of invalid YAML on stdin", 2)
	if r.stdout != "" {
		t.Errorf("fix printed on stdout despite unreadable input:\n%s", r.stdout)
	}

	write("config.yaml", "apiVersion: lbguard.dev/v1alpha1\nkind: LBGuard\nmetadata:\n  name: c\nspec:\n  deregistrationDelaySeconds: 9999\n")
	write("svc.yaml", "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n")
	r = runLBGuard(t, dir, nil, "audit", "--config", "config.yaml", ".")
	r.want(t, "audit with a bad config", 2)
	if want := "spec.deregistrationDelaySeconds: must be a whole number of seconds from 0 to 3600"; !strings.Contains(r.stderr, want) {
		t.Errorf("stderr does not name the bad key %q:\n%s", want, r.stderr)
	}
}

// auditJSON runs `lbguard audit --format json` and decodes the report.
func auditJSON(t *testing.T, dir string, stdin []byte, paths ...string) (report.JSONReport, cliRun) {
	t.Helper()
	r := runLBGuard(t, dir, stdin, append([]string{"audit", "--format", "json"}, paths...)...)
	var rep report.JSONReport
	if r.status != 2 {
		if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
			t.Fatalf("audit --format json: %v\n%s", err, r.stdout)
		}
	}
	return rep, r
}

// TestCLIAuditAgreesWithFixOnCorpus is the definition of done: on
// every set of the corpus, audit fails listing as errors exactly what fix
// changes (every changed field is under an error's field, every error's
// field changed to its proposed value), and the fixed output audits clean.
func TestCLIAuditAgreesWithFixOnCorpus(t *testing.T) {
	for _, set := range cliCorpusSets(t) {
		t.Run(set, func(t *testing.T) {
			dir := copyCorpus(t, set)
			if refusedCorpusSet(t, dir, set) {
				return
			}
			rep, r := auditJSON(t, dir, nil, set)
			var errs []report.JSONFinding
			for _, f := range rep.Findings {
				if f.Severity == "error" {
					errs = append(errs, f)
				}
			}
			wantStatus := 0
			if len(errs) > 0 {
				wantStatus = 1
			}
			r.want(t, "audit", wantStatus)
			if rep.Summary.Errors != len(errs) || rep.Summary.ExitStatus != wantStatus {
				t.Errorf("summary %+v does not match %d errors", rep.Summary, len(errs))
			}

			fixed := runLBGuard(t, dir, nil, "fix", set)
			fixed.want(t, "fix", 0)
			changes := fmt.Sprintf("%d changes", len(errs))
			if len(errs) == 1 {
				changes = "1 change"
			}
			if want := "lbguard fix: " + changes + ", 0 errors"; !strings.Contains(fixed.stderr, want) {
				t.Errorf("fix does not report %q, as many changes as audit has errors:\n%s", want, fixed.stderr)
			}
			in := readObjectsUnder(t, filepath.Join(dir, set))
			out := parseStream(t, fixed.stdout)
			checkAgreement(t, in, out, errs)

			// The fixed stream is one list: audited as one unit, it agrees
			// only for a set that is one unit (units.go: no rule sees
			// across units, so a set of several may hold an Ingress in one
			// unit in front of a Deployment of another).
			units := map[string]bool{}
			for _, f := range rep.Findings {
				units[f.Unit] = true
			}
			if len(units) > 1 {
				t.Logf("%s: %d units; the fixed stream is not audited as one", set, len(units))
				return
			}
			again, r2 := auditJSON(t, dir, []byte(fixed.stdout), "-")
			r2.want(t, "audit of the fixed output", 0)
			if again.Summary.Errors != 0 {
				t.Errorf("the fixed output still has %d errors", again.Summary.Errors)
			}
			t.Logf("%s: audit %d errors, %d warnings (exit %d); fix changed %d fields; fixed output: %d errors (exit %d)",
				set, len(errs), rep.Summary.Warnings, r.status, len(errs), again.Summary.Errors, r2.status)
		})
	}
}

type objectKey struct{ apiVersion, kind, namespace, name string }

func keyOf(n *yaml.RNode) objectKey {
	return objectKey{n.GetApiVersion(), n.GetKind(), n.GetNamespace(), n.GetName()}
}

// readObjectsUnder reads the resources under dir as the command does
// (internal/render: kustomizations built, Lists expanded).
func readObjectsUnder(t *testing.T, dir string) map[objectKey]*yaml.RNode {
	t.Helper()
	set, err := render.Load([]string{dir}, render.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return resources(set)
}

// parseStream reads a stream's resources, Lists item by item.
func parseStream(t *testing.T, s string) map[objectKey]*yaml.RNode {
	t.Helper()
	set, err := render.Parse("-", []byte(s))
	if err != nil {
		t.Fatalf("parsing: %v\n%s", err, s)
	}
	return resources(set)
}

// resources are the resources of set lbguard checks, by their keys.
func resources(set *render.Set) map[objectKey]*yaml.RNode {
	objs := map[objectKey]*yaml.RNode{}
	for _, d := range set.Documents {
		if why, _ := nonResource(d.Object.YNode()); why == "" {
			objs[keyOf(d.Object)] = d.Object
		}
	}
	return objs
}

// checkAgreement compares the fixed objects with the input: each changed
// leaf must lie under the field of an error on that resource, each new
// object must have an error, and each error's field must have changed (to
// its proposed value, where that is a plain value).
func checkAgreement(t *testing.T, in, out map[objectKey]*yaml.RNode, errs []report.JSONFinding) {
	t.Helper()
	byResource := map[objectKey][]report.JSONFinding{}
	for _, f := range errs {
		if f.Resource == nil || f.Field == nil {
			t.Errorf("error without resource or field: %+v", f)
			continue
		}
		k := objectKey{f.Resource.APIVersion, f.Resource.Kind, f.Resource.Namespace, f.Resource.Name}
		byResource[k] = append(byResource[k], f)
	}
	for k := range in {
		if _, ok := out[k]; !ok {
			t.Errorf("%v is missing from the fixed output", k)
		}
	}
	covered := map[*report.JSONFinding]bool{}
	for k, after := range out {
		findings := byResource[k]
		before, existed := in[k]
		if !existed {
			if len(findings) == 0 {
				t.Errorf("fix added %v, which audit does not report", k)
			}
			for i := range findings {
				covered[&byResource[k][i]] = true
			}
			continue
		}
		for _, leaf := range changedLeaves("", before.YNode(), after.YNode()) {
			ok := false
			for i, f := range findings {
				if underPath(leaf, f.Field.Path) || underPath(f.Field.Path, leaf) {
					ok = true
					covered[&byResource[k][i]] = true
				}
			}
			if !ok {
				t.Errorf("fix changed %v %s, which audit does not report (errors on it: %v)", k, leaf, fieldsOf(findings))
			}
		}
	}
	for k, findings := range byResource {
		for i, f := range findings {
			if !covered[&byResource[k][i]] {
				t.Errorf("audit reports %v %s (%s), which fix does not change", k, f.Field.Path, f.Rule)
				continue
			}
			after, ok := out[k]
			if !ok {
				continue
			}
			if want, plain := plainValue(f.Field.Proposed); plain {
				got := nodeAt(after.YNode(), parseFieldPath(f.Field.Path))
				if got == nil || got.Kind == yaml.ScalarNode && got.Value != want {
					t.Errorf("%v %s: fixed to %v, audit proposed %q", k, f.Field.Path, describe(got), want)
				}
			}
		}
	}
}

// underPath reports whether path is base or a field under it.
func underPath(path, base string) bool {
	return path == base || strings.HasPrefix(path, base+".") || strings.HasPrefix(path, base+"[")
}

func fieldsOf(fs []report.JSONFinding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Field.Path)
	}
	return out
}

func plainValue(v any) (string, bool) {
	switch v := v.(type) {
	case string:
		return v, true
	case float64:
		return fmt.Sprint(v), true
	case bool:
		return fmt.Sprint(v), true
	}
	return "", false
}

func describe(n *yaml.Node) string {
	if n == nil {
		return "nothing"
	}
	s, _ := yaml.String(n)
	return strings.TrimSpace(s)
}

// nodeAt follows a field path; nil when it is not there.
func nodeAt(n *yaml.Node, steps []pathStep) *yaml.Node {
	for _, s := range steps {
		switch {
		case s.index >= 0 && n.Kind == yaml.SequenceNode && s.index < len(n.Content):
			n = n.Content[s.index]
		case s.index < 0 && s.match == "":
			n = yamlnode.Child(n, s.key)
		default:
			return nil
		}
		if n == nil {
			return nil
		}
	}
	return n
}

// changedLeaves lists the paths, in the results' format, where b differs
// from a.
func changedLeaves(path string, a, b *yaml.Node) []string {
	if equalNodes(a, b) {
		return nil
	}
	if a == nil || b == nil || a.Kind != b.Kind || a.Kind == yaml.ScalarNode {
		return []string{path}
	}
	var out []string
	switch a.Kind {
	case yaml.MappingNode:
		keys := map[string]bool{}
		for i := 0; i+1 < len(a.Content); i += 2 {
			keys[a.Content[i].Value] = true
		}
		for i := 0; i+1 < len(b.Content); i += 2 {
			keys[b.Content[i].Value] = true
		}
		sorted := make([]string, 0, len(keys))
		for k := range keys {
			sorted = append(sorted, k)
		}
		sort.Strings(sorted)
		for _, k := range sorted {
			sub := path + "." + k
			if strings.ContainsAny(k, "./") {
				sub = path + "[" + k + "]"
			}
			out = append(out, changedLeaves(strings.TrimPrefix(sub, "."), yamlnode.Child(a, k), yamlnode.Child(b, k))...)
		}
	case yaml.SequenceNode:
		for i := 0; i < max(len(a.Content), len(b.Content)); i++ {
			var x, y *yaml.Node
			if i < len(a.Content) {
				x = a.Content[i]
			}
			if i < len(b.Content) {
				y = b.Content[i]
			}
			out = append(out, changedLeaves(fmt.Sprintf("%s[%d]", path, i), x, y)...)
		}
	}
	return out
}

// TestCLIInPlace fixes copies of each set of the corpus in place: only the
// files with findings change, in them every original line and comment stays
// (but for a replaced value); a second fix changes nothing; the fixed files
// audit clean; and whole files match the expected ones.
func TestCLIInPlace(t *testing.T) {
	dir := copyCorpus(t, ".")
	before := readTree(t, dir)
	for _, set := range cliCorpusSets(t) {
		if refusedCorpusSet(t, dir, set) {
			continue
		}
		rep, r := auditJSON(t, dir, nil, set)
		filesWithErrors := map[string]bool{}
		inFiles, rendered := 0, 0 // the changes fix makes in files, and in charts and kustomizations
		for _, f := range rep.Findings {
			if f.Severity == "error" {
				filesWithErrors[f.File] = true
			}
			switch {
			case f.Action != "changed":
			case f.Origin == "":
				inFiles++
			default:
				rendered++
			}
		}
		// A run whose every change is in a chart or kustomization writes
		// nothing, and says so with exit status 1.
		status := func(inFiles int) int {
			if inFiles == 0 && rendered > 0 {
				return 1
			}
			return 0
		}
		fix := runLBGuard(t, dir, nil, "fix", "--in-place", set)
		fix.want(t, "fix --in-place "+set, status(inFiles))
		if nothing := "lbguard fix: nothing written: "; strings.Contains(fix.stderr, nothing) != (status(inFiles) == 1) {
			t.Errorf("%s: exit status %d, and stderr says %q %v times:\n%s", set, fix.status, nothing, strings.Count(fix.stderr, nothing), fix.stderr)
		}
		if fix.stdout != "" {
			t.Errorf("%s: fix --in-place printed on stdout:\n%s", set, fix.stdout)
		}
		if strings.Contains(fix.stderr, "printed anew") {
			t.Errorf("%s: some documents could not be patched in place:\n%s", set, fix.stderr)
		}
		after := readTree(t, dir)
		for name, old := range before {
			if !strings.HasPrefix(name, set+"/") || after[name] == old {
				continue
			}
			if !filesWithErrors[name] && !strings.Contains(fix.stderr, "added to "+name) {
				t.Errorf("%s changed, but audit found no error in it", name)
			}
			if !strings.Contains(fix.stderr, "wrote "+name+"\n") {
				t.Errorf("%s changed, but fix did not say it wrote it", name)
			}
			checkOnlyAdditionsAndFixedLines(t, name, old, after[name])
		}
		for name := range after {
			if _, ok := before[name]; !ok {
				t.Errorf("fix --in-place created %s", name)
			}
		}
		again := runLBGuard(t, dir, nil, "fix", "--in-place", set)
		again.want(t, "second fix --in-place "+set, status(0))
		if strings.Contains(again.stderr, "wrote ") {
			t.Errorf("%s: the second fix rewrote files:\n%s", set, again.stderr)
		}
		// What is left is in kustomizations, whose builds are not written
		// back: fix says where lbguard goes instead.
		left, _ := auditJSON(t, dir, nil, set)
		for _, f := range left.Findings {
			if f.Severity == "error" && f.Origin == "" {
				t.Errorf("%s: an error left after fix --in-place in a file: %+v", set, f)
			}
		}
		if left.Summary.Errors > 0 && !strings.Contains(fix.stderr, "is a kustomization: its build is not written back; list lbguard under `transformers:` there") {
			t.Errorf("%s: errors left in kustomizations, and fix does not say how to add lbguard there:\n%s", set, fix.stderr)
		}
		t.Logf("%s: audit exit %d with %d errors; fix --in-place rewrote %d files", set, r.status, rep.Summary.Errors, strings.Count(fix.stderr, "lbguard fix: wrote "))
	}
	after := readTree(t, dir)
	for _, name := range []string{"aws-lbc/2048/2048_full.yaml", "containers-blog/tgb-black/black-app.yaml", "microservices-demo/kubernetes-manifests.yaml"} {
		testkit.CompareGolden(t, filepath.Join("../../testdata/cli/expected", name), after[name])
	}
}

// checkOnlyAdditionsAndFixedLines checks a fixed file against the original:
// every original line is still there in order, except lines whose value a
// fix replaced (which keep their key and indentation), and every comment.
func checkOnlyAdditionsAndFixedLines(t *testing.T, name, old, now string) {
	t.Helper()
	oldLines := strings.Split(old, "\n")
	newLines := strings.Split(now, "\n")
	j := 0
	replaced := 0
	for _, l := range oldLines {
		for j < len(newLines) && newLines[j] != l {
			j++
		}
		if j < len(newLines) {
			j++
			continue
		}
		// Not found in order: a replaced value, which must keep its key.
		replaced++
		key, _, ok := strings.Cut(l, ":")
		if !ok || strings.HasPrefix(strings.TrimSpace(l), "#") || !strings.Contains(now, key+":") {
			t.Errorf("%s: line %q is gone", name, l)
		}
		j = 0
	}
	if replaced > 3 {
		t.Errorf("%s: %d original lines replaced; fixes add lines and replace few values\n%s", name, replaced, now)
	}
}

// The CLI reads standard input as one stream: what kustomize build prints.
func TestCLIStdin(t *testing.T) {
	dir := t.TempDir()
	data, err := os.ReadFile(filepath.Join(corpusDir, "aws-lbc/2048/2048_full.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	rep, r := auditJSON(t, dir, data, "-")
	r.want(t, "audit -", 1)
	var got []string
	for _, f := range rep.Findings {
		if f.Severity == "error" {
			got = append(got, fmt.Sprintf("%s %s %s:%d %s", f.Rule, f.Resource.Kind, f.File, f.Line, f.Field.Path))
		}
	}
	want := []string{
		"R2 Ingress -:48 metadata.annotations[alb.ingress.kubernetes.io/target-group-attributes]",
		"R3 Namespace -:4 metadata.labels[elbv2.k8s.aws/pod-readiness-gate-inject]",
		"R4 Deployment -:23 spec.template.spec.containers[0].readinessProbe",
		"R5 Deployment -:23 spec.template.spec.containers[0].lifecycle.preStop.sleep.seconds",
		"R6 Deployment -:21 spec.template.spec.terminationGracePeriodSeconds",
		"R7 PodDisruptionBudget -:13 spec",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("audit - errors:\n got %q\nwant %q", got, want)
	}
	text := runLBGuard(t, dir, data, "audit", "-")
	text.want(t, "audit - (text)", 1)
	if !strings.Contains(text.stdout, "(stdin:23)") {
		t.Errorf("the text report does not place findings on stdin's lines:\n%s", text.stdout)
	}

	// fix - prints the same stream as fix of the file.
	fromStdin := runLBGuard(t, dir, data, "fix", "-")
	fromStdin.want(t, "fix -", 0)
	fromFile := runLBGuard(t, filepath.Join(corpusDir, "aws-lbc/2048"), nil, "fix", "2048_full.yaml")
	fromFile.want(t, "fix FILE", 0)
	if fromStdin.stdout != fromFile.stdout {
		t.Errorf("fix - and fix FILE differ:\n%s", testkit.LineDiff(fromFile.stdout, fromStdin.stdout))
	}
	runLBGuard(t, dir, []byte(fromStdin.stdout), "audit", "-").want(t, "audit of fix -", 0)
}

// Directories are read recursively; kustomization files and hidden
// directories are left out; a file and its directory count once.
func TestCLIDirectories(t *testing.T) {
	dir := copyCorpus(t, "eks-workshop-v2")
	hidden := filepath.Join(dir, "eks-workshop-v2", ".github")
	if err := os.MkdirAll(hidden, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(hidden, "broken.yaml"), []byte("{{ not yaml"), 0o644); err != nil {
		t.Fatal(err)
	}
	ui := "eks-workshop-v2/manifests/base-application/ui"
	rep, r := auditJSON(t, dir, nil, "eks-workshop-v2", ui+"/namespace.yaml", ui)
	r.want(t, "audit of a directory tree", 1)
	// 28 files: 6 kustomizations built (their 19 files read by kustomize
	// alone), 2 files read, the ui kustomization once though named twice
	// more (a file of it stands for it).
	if rep.Summary.Files != 2 || rep.Summary.Overlays != 6 {
		t.Errorf("files read: %d, overlays %d; want 2 and 6 (.github left out, nothing twice)", rep.Summary.Files, rep.Summary.Overlays)
	}
	seen := map[string]bool{}
	for _, f := range rep.Findings {
		if strings.Contains(f.File, "kustomization") || strings.Contains(f.File, ".github") {
			t.Errorf("finding in a file that is no resource: %+v", f)
		}
		if f.Severity == "error" {
			k := f.Rule + f.Resource.Name + f.Field.Path
			if seen[k] {
				t.Errorf("finding twice: %+v", f)
			}
			seen[k] = true
		}
	}
}

// lbguard.dev/audit: warn turns a resource's errors into warnings; a bad
// value is an error that names the annotation.
func TestCLIAuditWarnAnnotation(t *testing.T) {
	dir := t.TempDir()
	data, err := os.ReadFile(filepath.Join(corpusDir, "aws-lbc/2048/2048_full.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	// Annotate the Deployment only: its R4–R7 findings (the new
	// PodDisruptionBudget named after it included) become warnings; the
	// Ingress and Namespace findings stay errors.
	deployment := strings.Replace(string(data), "  name: deployment-2048\n", "  name: deployment-2048\n  annotations:\n    lbguard.dev/audit: warn\n", 1)
	if deployment == string(data) {
		t.Fatal("the corpus file changed: its Deployment's name line is not found")
	}
	rep, r := auditJSON(t, dir, []byte(deployment), "-")
	r.want(t, "audit with the Deployment on warn", 1)
	bySeverity := map[string][]string{}
	for _, f := range rep.Findings {
		if f.Action == "changed" {
			bySeverity[f.Severity] = append(bySeverity[f.Severity], f.Rule)
		}
	}
	if want := map[string][]string{"error": {"R2", "R3"}, "warning": {"R4", "R5", "R6", "R7"}}; !reflect.DeepEqual(bySeverity, want) {
		t.Errorf("severities: got %v, want %v", bySeverity, want)
	}
	for _, f := range rep.Findings {
		if f.Severity == "warning" && f.Action == "changed" && !strings.HasSuffix(f.Message, "(a warning, not an error: lbguard.dev/audit: warn)") {
			t.Errorf("a downgraded finding does not say why: %q", f.Message)
		}
	}

	// Every resource on warn: the audit passes, and still lists everything.
	nodes, err := kio.FromBytes(data)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range nodes {
		if _, err := n.Pipe(yaml.SetAnnotation("lbguard.dev/audit", "warn")); err != nil {
			t.Fatal(err)
		}
	}
	all, err := kio.StringAll(nodes)
	if err != nil {
		t.Fatal(err)
	}
	rep, r = auditJSON(t, dir, []byte(all), "-")
	r.want(t, "audit with every resource on warn", 0)
	if rep.Summary.Errors != 0 || rep.Summary.Warnings < 6 {
		t.Errorf("summary %+v: want no error and the six findings as warnings", rep.Summary)
	}

	bad := strings.Replace(string(data), "  name: deployment-2048\n", "  name: deployment-2048\n  annotations:\n    lbguard.dev/audit: warning\n", 1)
	rep, r = auditJSON(t, dir, []byte(bad), "-")
	r.want(t, "audit with a bad lbguard.dev/audit value", 1)
	found := false
	for _, f := range rep.Findings {
		if f.Action == "invalid" && f.Field.Path == "metadata.annotations[lbguard.dev/audit]" && strings.Contains(f.Message, `must be warn or error, not "warning"`) {
			found = true
		}
	}
	if !found {
		t.Errorf("no error names the bad annotation value: %+v", rep.Findings)
	}
}

// fix writes nothing when a resource cannot be read.
func TestCLIFixWritesNothingOnError(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "app.yaml")
	data, err := os.ReadFile(filepath.Join(corpusDir, "aws-lbc/2048/2048_full.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	bad := strings.Replace(string(data), "alb.ingress.kubernetes.io/scheme: internet-facing\n",
		"alb.ingress.kubernetes.io/scheme: internet-facing\n    alb.ingress.kubernetes.io/target-group-attributes: \"deregistration_delay.timeout_seconds=soon\"\n", 1)
	if err := os.WriteFile(file, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	r := runLBGuard(t, dir, nil, "fix", "--in-place", "app.yaml")
	r.want(t, "fix --in-place with an unreadable delay", 1)
	if got, _ := os.ReadFile(file); string(got) != bad {
		t.Errorf("fix rewrote the file despite the error")
	}
	if !strings.Contains(r.stderr, "nothing written") {
		t.Errorf("fix does not say it wrote nothing:\n%s", r.stderr)
	}
	r = runLBGuard(t, dir, nil, "fix", "app.yaml")
	r.want(t, "fix with an unreadable delay", 1)
	if r.stdout != "" {
		t.Errorf("fix printed a stream despite the error")
	}
}

// The text report groups findings by workload and says what, why and the fix.
func TestCLIAuditText(t *testing.T) {
	r := runLBGuard(t, filepath.Join(corpusDir, "aws-lbc"), nil, "audit", "2048")
	r.want(t, "audit 2048", 1)
	for _, want := range []string{
		"Deployment game-2048/deployment-2048  (2048/2048_full.yaml:11)\n",
		"  ERROR R2 deregistration delay · Ingress game-2048/ingress-2048\n" +
			"      field: metadata.annotations[alb.ingress.kubernetes.io/target-group-attributes]  (2048/2048_full.yaml:48)\n" +
			"      now:   (not set)\n" +
			"      wants: deregistration_delay.timeout_seconds=30\n" +
			"      fix:   Ingress ingress-2048: deregistration delay set to 30 s",
		"  ERROR R5 preStop delay\n" +
			"      field: spec.template.spec.containers[0].lifecycle.preStop.sleep.seconds  (2048/2048_full.yaml:23)\n" +
			"      now:   (not set)\n" +
			"      wants: 45\n",
		"      why:   The kubelet sends SIGTERM at the same time as the ELB starts deregistering the pod",
		"lbguard audit: 6 errors, 0 warnings in 1 workload (4 resources, 1 file read); exit status 1\n",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("the report lacks\n%s\n--- report:\n%s", want, r.stdout)
		}
	}
}

// A stream whose resources name their files (kpt fn source, by the legacy
// or the current annotations) keeps those names in the findings, without
// lines, and fix leaves the annotations as they came.
func TestCLIStdinWithPathAnnotations(t *testing.T) {
	for _, prefix := range []string{"config.kubernetes.io", "internal.config.kubernetes.io"} {
		t.Run(prefix, func(t *testing.T) {
			stream := strings.ReplaceAll(`apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  namespace: shop
  annotations:
    PREFIX/path: shop/ingress.yaml
    PREFIX/index: "0"
    alb.ingress.kubernetes.io/target-type: ip
spec:
  ingressClassName: alb
  defaultBackend:
    service:
      name: web
      port:
        number: 80
`, "PREFIX", prefix)
			dir := t.TempDir()
			rep, r := auditJSON(t, dir, []byte(stream), "-")
			r.want(t, "audit of a kpt stream", 1)
			found := false
			for _, f := range rep.Findings {
				if f.Rule == "R2" && f.Severity == "error" {
					found = true
					if f.File != "shop/ingress.yaml" || f.Line != 0 {
						t.Errorf("R2 placed at %s:%d, want shop/ingress.yaml without a line", f.File, f.Line)
					}
				}
			}
			if !found {
				t.Fatalf("no R2 error: %+v", rep.Findings)
			}
			fixed := runLBGuard(t, dir, []byte(stream), "fix", "-")
			fixed.want(t, "fix of a kpt stream", 0)
			want := strings.Replace(stream, "    alb.ingress.kubernetes.io/target-type: ip\n",
				"    alb.ingress.kubernetes.io/target-type: ip\n    alb.ingress.kubernetes.io/target-group-attributes: deregistration_delay.timeout_seconds=30\n", 1)
			if fixed.stdout != want {
				t.Errorf("fix - of a kpt stream:\n%s", testkit.LineDiff(want, fixed.stdout))
			}
		})
	}
}
