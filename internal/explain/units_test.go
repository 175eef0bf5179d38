package explain

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/internal/cli"
	"github.com/lbguard/lbguard/internal/testkit"
)

// explain reads as audit does: one deployable unit at a time, each
// explained on its own, and a unit audit refuses is named, not explained.

// readUnit reads the one unit of path.
func readUnit(t *testing.T, path string) fn.KubeObjects {
	t.Helper()
	config := ""
	units, err := cli.ReadUnits([]string{path}, nil, &config, cli.InputFlags{})
	if err != nil {
		t.Fatal(err)
	}
	defer units.Close()
	if len(units.Units) != 1 || len(units.Problems) > 0 {
		t.Fatalf("%s: %d units, problems %q; want one", path, len(units.Units), units.Problems)
	}
	return units.Units[0].Objects
}

func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, text := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// e1Manifests are testdata/explain/e1-alb-defaults's: a Namespace, and a
// Deployment behind an ALB Ingress and its Service, in namespace shop.
func e1Manifests(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(testkit.Path(t, "testdata", "explain", "e1-alb-defaults", "manifests.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// overlays makes, in a new repository it makes the current directory, a
// kustomize base (E1's Deployment, Ingress and Service, in no namespace)
// and two overlays of it: dev (namespace dev) and prod (namespace prod,
// namePrefix prod-).
func overlays(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, ".git"), 0o755); err != nil { // the root of explain overlays/prod
		t.Fatal(err)
	}
	app := strings.SplitN(e1Manifests(t), "---\n", 2)[1] // without the Namespace
	app = strings.ReplaceAll(app, "  namespace: shop\n", "")
	writeTree(t, dir, map[string]string{
		"base/app.yaml":                     app,
		"base/kustomization.yaml":           "resources:\n- app.yaml\n",
		"overlays/dev/kustomization.yaml":   "namespace: dev\nresources:\n- ../../base\n",
		"overlays/prod/kustomization.yaml":  "namespace: prod\nnamePrefix: prod-\nresources:\n- ../../base\n",
		"overlays/prod/not-a-resource.yaml": "# read by no one\nkey: value\n",
	})
	t.Chdir(dir)
	return dir
}

// headings are the lines of a text report that name a unit or a finding.
func headings(text string) []string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(line, "== ") || strings.HasPrefix(line, "Deployment ") {
			out = append(out, line)
		}
	}
	return out
}

// Two overlays of one base are two units: each workload is explained once
// per overlay, under its overlay's name, as each overlay alone is.
func TestExplainOverlays(t *testing.T) {
	overlays(t)
	code, stdout, stderr := run(t, "", ".")
	if code != 0 || stderr != "" {
		t.Fatalf("explain .: exit %d, stderr %q", code, stderr)
	}
	_, dev, _ := run(t, "", "overlays/dev")
	_, prod, _ := run(t, "", "overlays/prod")
	if want := "== overlays/dev (kustomization)\n\n" + dev + "\n== overlays/prod (kustomization)\n\n" + prod; stdout != want {
		t.Errorf("explain .:\n%s\nwant:\n%s", stdout, want)
	}
	want := []string{
		"== overlays/dev (kustomization)",
		"Deployment dev/web behind ALB Ingress dev/web → Service web: ip targets, 3 replicas",
		"== overlays/prod (kustomization)",
		"Deployment prod/prod-web behind ALB Ingress prod/prod-web → Service prod-web: ip targets, 3 replicas",
	}
	if got := headings(stdout); !slices.Equal(got, want) {
		t.Errorf("headings %q, want %q", got, want)
	}
	if got := headings(dev); !slices.Equal(got, want[1:2]) {
		t.Errorf("one overlay: headings %q, want %q", got, want[1:2])
	}

	// JSON names each finding's unit; a single unit's JSON, as before, none.
	code, stdout, _ = run(t, "", "--format", "json", ".")
	var r struct {
		Findings []struct{ Unit, UnitKind, Alternative, Workload string }
	}
	if err := json.Unmarshal([]byte(stdout), &r); err != nil || code != 0 {
		t.Fatalf("--format json: exit %d, %v", code, err)
	}
	var units []string
	for _, f := range r.Findings {
		units = append(units, f.Unit+" | "+f.UnitKind+" | "+f.Alternative+" | "+f.Workload)
	}
	if want := []string{"overlays/dev | kustomization |  | dev/web", "overlays/prod | kustomization |  | prod/prod-web"}; !slices.Equal(units, want) {
		t.Errorf("JSON findings %q, want %q", units, want)
	}
	if _, single, _ := run(t, "", "--format", "json", "overlays/dev"); strings.Contains(single, `"unit`) {
		t.Errorf("one unit's JSON names it:\n%s", single)
	}

	// SVG: one timeline per finding, each naming its unit.
	_, stdout, _ = run(t, "", "--format", "svg", ".")
	docs := strings.SplitAfter(stdout, "</svg>\n")
	if len(docs) != 3 || docs[2] != "" {
		t.Fatalf("--format svg: %d documents, want 2", len(docs)-1)
	}
	for i, unit := range []string{"overlays/dev (kustomization)", "overlays/prod (kustomization)"} {
		checkSVG(t, docs[i])
		if !strings.Contains(docs[i], ">"+unit+"</text>") || !strings.Contains(docs[i], " — "+unit+": timeline of a rollout") {
			t.Errorf("timeline %d does not name %s", i, unit)
		}
	}
	if _, single, _ := run(t, "", "--format", "svg", "overlays/dev"); strings.Contains(single, "(kustomization)") {
		t.Errorf("one unit's timeline names it")
	}
}

// --out writes each unit's timelines under the unit's name, and the index
// lists the findings by unit.
func TestExplainOverlaysOutDir(t *testing.T) {
	overlays(t)
	out := filepath.Join(t.TempDir(), "timelines")
	code, stdout, stderr := run(t, "", "--out", out, ".")
	if code != 0 || stdout != "" || stderr != "lbguard explain: wrote 2 timelines and "+filepath.Join(out, "index.html")+"\n" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	entries, err := os.ReadDir(out)
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, e := range entries {
		files = append(files, e.Name())
	}
	want := []string{
		"index.html",
		"overlays_dev--deployment-dev-web-ingress-web-web.svg",
		"overlays_prod--deployment-prod-prod_web-ingress-prod_web-prod_web.svg",
	}
	if !slices.Equal(files, want) {
		t.Errorf("files %q, want %q", files, want)
	}
	index, err := os.ReadFile(filepath.Join(out, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{
		"<nav><ul>\n<li>overlays/dev (kustomization)<ul>\n" +
			`<li><a href="#overlays_dev--deployment-dev-web-ingress-web-web">Deployment dev/web behind ALB Ingress dev/web → Service web: ip targets, 3 replicas</a></li>` + "\n</ul></li>\n" +
			"<li>overlays/prod (kustomization)<ul>\n" +
			`<li><a href="#overlays_prod--deployment-prod-prod_web-ingress-prod_web-prod_web">Deployment prod/prod-web behind ALB Ingress prod/prod-web → Service prod-web: ip targets, 3 replicas</a></li>` + "\n</ul></li>\n</ul></nav>\n",
		`<h2 id="overlays_dev--deployment-dev-web-ingress-web-web">Deployment dev/web behind ALB Ingress dev/web → Service web: ip targets, 3 replicas — overlays/dev (kustomization)</h2>`,
		`<img src="overlays_prod--deployment-prod-prod_web-ingress-prod_web-prod_web.svg"`,
	} {
		if !strings.Contains(string(index), w) {
			t.Errorf("index.html lacks %q", w)
		}
	}
	for _, f := range files[1:] {
		data, err := os.ReadFile(filepath.Join(out, f))
		if err != nil {
			t.Fatal(err)
		}
		checkSVG(t, string(data))
	}
}

const listedTwice = "Deployment shop/web is listed twice (items[1] and items[4]): kustomize and kubectl refuse duplicated resources, and lbguard cannot tell which copy the cluster would get, so it changes nothing"

// A list audit refuses (a resource listed twice, a field lbguard cannot
// read) is not explained: its unit and the errors are named, the other
// units explained, and the exit status is 2.
func TestExplainRefusesWhatAuditRefuses(t *testing.T) {
	dir := t.TempDir()
	e1 := e1Manifests(t)
	deployment := strings.Split(e1, "---\n")[1]
	twice := e1 + "---\n" + deployment
	writeTree(t, dir, map[string]string{"bad/list.yaml": twice, "good/app.yaml": e1, "broken/bad.yaml": "kind: [\n"})
	t.Chdir(dir)
	_, good, _ := run(t, "", "good")
	for _, c := range []struct {
		stdin          string
		args           []string
		stdout, stderr string
	}{
		{"", []string{"bad"}, "", "lbguard explain: bad (manifests) not explained: " + listedTwice + "\n"},
		{"", []string{"bad", "good"}, "== good (manifests)\n\n" + good, "lbguard explain: bad (manifests) not explained: " + listedTwice + "\n"},
		{twice, []string{"-"}, "", "lbguard explain: stdin not explained: " + listedTwice + "\n"},
		{"", []string{"--format", "json", "bad"}, "", "lbguard explain: bad (manifests) not explained: " + listedTwice + "\n"},
		{strings.Replace(e1, "replicas: 3", `replicas: "three"`, 1), []string{"-"}, "",
			"lbguard explain: stdin not explained: Deployment web: spec.replicas must be an integer\n"},
		{"", []string{"broken", "good"}, good, // one unit read: no heading
			"lbguard explain: file broken/bad.yaml cannot be read: broken/bad.yaml: document at line 1 is not valid YAML: line 1: did not find expected node content\n"},
	} {
		code, stdout, stderr := run(t, c.stdin, c.args...)
		if code != 2 || stdout != c.stdout || stderr != c.stderr {
			t.Errorf("explain %v: exit %d\nstdout:\n%s\nstderr:\n%s\nwant exit 2\nstdout:\n%s\nstderr:\n%s", c.args, code, stdout, stderr, c.stdout, c.stderr)
		}
	}
	// Two files of one directory that define the same resource are
	// alternatives, each explained with the rest, not a list that repeats it.
	writeTree(t, dir, map[string]string{"alt/a.yaml": e1, "alt/b.yaml": strings.Replace(e1, "replicas: 3", "replicas: 4", 1)})
	code, stdout, stderr := run(t, "", "alt")
	want := []string{
		"== alt (manifests) — alternative alt/a.yaml",
		"Deployment shop/web behind ALB Ingress shop/web → Service web: ip targets, 3 replicas",
		"== alt (manifests) — alternative alt/b.yaml",
		"Deployment shop/web behind ALB Ingress shop/web → Service web: ip targets, 4 replicas",
	}
	if got := headings(stdout); code != 0 || stderr != "" || !slices.Equal(got, want) {
		t.Errorf("alternatives: exit %d, stderr %q, headings %q; want %q", code, stderr, got, want)
	}
}

// copyCharts copies testdata/cli/repo's chart and the values file kept
// beside the repository into a new directory it makes the current one.
func copyCharts(t *testing.T) {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(filepath.Join(dir, "charts"), os.DirFS(testkit.Path(t, "testdata", "cli", "repo", "charts"))); err != nil {
		t.Fatal(err)
	}
	values, err := os.ReadFile(testkit.Path(t, "testdata", "cli", "repo-prod-values.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	writeTree(t, dir, map[string]string{"prod-values.yaml": string(values)})
	t.Chdir(dir)
}

// --values, --set, --namespace and --release-name reach the chart, as in
// audit; --helm-skip leaves it alone and says so.
func TestExplainHelmFlags(t *testing.T) {
	copyCharts(t)
	for _, c := range []struct {
		args  []string
		title string
	}{
		{nil, "Deployment default/release-name-web behind ALB Ingress default/release-name-web → Service release-name-web: ip targets, 2 replicas"},
		{[]string{"--values", "prod-values.yaml"}, "Deployment default/release-name-web behind ALB Ingress default/release-name-web → Service release-name-web: ip targets, 3 replicas"},
		{[]string{"--values", "prod-values.yaml", "--set", "replicaCount=5"}, "Deployment default/release-name-web behind ALB Ingress default/release-name-web → Service release-name-web: ip targets, 5 replicas"},
		{[]string{"--namespace", "shop", "--release-name", "rel", "--set", "replicaCount=4"}, "Deployment shop/rel-web behind ALB Ingress shop/rel-web → Service rel-web: ip targets, 4 replicas"},
	} {
		code, stdout, stderr := run(t, "", append(c.args, "charts")...)
		if got := headings(stdout); code != 0 || stderr != "" || !slices.Equal(got, []string{c.title}) {
			t.Errorf("explain %v charts: exit %d, stderr %q, headings %q; want %q", c.args, code, stderr, got, c.title)
		}
	}
	code, stdout, stderr := run(t, "", "--helm-skip", "charts")
	if want := "lbguard explain: note: Helm chart charts/web left alone: Helm chart not rendered (--helm-skip)\n" +
		"lbguard explain: no Kubernetes resources in charts\n"; code != 2 || stdout != "" || stderr != want {
		t.Errorf("--helm-skip: exit %d, stdout %q, stderr %q; want 2 and %q", code, stdout, stderr, want)
	}
	code, _, stderr = run(t, "", "--values", "none.yaml", "charts")
	if want := "lbguard explain: Helm chart charts/web cannot be read: helm chart charts/web: --values: open none.yaml: no such file or directory\n"; code != 2 || stderr != want {
		t.Errorf("a missing values file: exit %d, stderr %q; want 2 and %q", code, stderr, want)
	}
}

// --exclude leaves a path out, and the repository config is read as audit
// reads it: its exclude, and its config, which is no resource.
func TestExplainExcludeAndRepositoryConfig(t *testing.T) {
	dir := overlays(t)
	_, prod, _ := run(t, "", "overlays/prod")
	code, stdout, stderr := run(t, "", "--exclude", "overlays/dev", ".")
	if code != 0 || stderr != "" || stdout != prod {
		t.Errorf("--exclude overlays/dev: exit %d, stderr %q\n%s\nwant overlays/prod alone:\n%s", code, stderr, stdout, prod)
	}

	config := "apiVersion: lbguard.dev/v1alpha1\nkind: LBGuard\nmetadata:\n  name: lbguard\nspec:\n  deregistrationDelaySeconds: 40\n"
	writeTree(t, dir, map[string]string{"ci/lbguard.yaml": config})
	_, configured, _ := run(t, "", "--config", "ci/lbguard.yaml", "overlays/prod")
	if configured == prod || !strings.Contains(prod, "  W3 (config): D = 30 s") || strings.Contains(configured, "  W3 (config)") {
		t.Fatalf("deregistrationDelaySeconds: 40 leaves W3 open:\n%s", configured)
	}
	writeTree(t, dir, map[string]string{".lbguard.yaml": "apiVersion: lbguard.dev/v1alpha1\nkind: Repository\nexclude: [overlays/dev, ci]\nconfig: ci/lbguard.yaml\n"})
	code, stdout, stderr = run(t, "", ".")
	if code != 0 || stderr != "" || stdout != configured {
		t.Errorf("with .lbguard.yaml: exit %d, stderr %q\n%s\nwant:\n%s", code, stderr, stdout, configured)
	}
	// --config wins over the repository config's.
	defaults := filepath.Join(t.TempDir(), "defaults.yaml")
	writeTree(t, filepath.Dir(defaults), map[string]string{"defaults.yaml": strings.Replace(config, "  deregistrationDelaySeconds: 40\n", "  deregistrationDelaySeconds: 30\n", 1)})
	if _, stdout, stderr = run(t, "", "--config", defaults, "."); stdout != prod {
		t.Errorf("--config over the repository config's: %s\n%s\nwant:\n%s", stderr, stdout, prod)
	}
	writeTree(t, dir, map[string]string{".lbguard.yaml": "apiVersion: lbguard.dev/v1alpha1\nkind: Repository\nconfigs: lbguard.yaml\n"})
	code, _, stderr = run(t, "", ".")
	if code != 2 || !strings.HasPrefix(stderr, "lbguard explain: repository config "+filepath.Join(dir, ".lbguard.yaml")+": ") || !strings.Contains(stderr, "configs") {
		t.Errorf("a bad repository config: exit %d, stderr %q", code, stderr)
	}
}
