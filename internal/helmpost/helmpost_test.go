package helmpost

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/lbguard/lbguard/internal/testkit"
)

// The post-renderer in process, on the streams Helm sends: Helm 4's, every
// object annotated with its template and hooks included, and Helm 3's, each
// document after its "# Source:" comment.

type postRender struct {
	stdout, stderr string
	status         int
}

func runPostRender(t *testing.T, stdin []byte, args ...string) postRender {
	t.Helper()
	var stdout, stderr bytes.Buffer
	status := Run(args, "v0.0.0-test", bytes.NewReader(stdin), &stdout, &stderr)
	return postRender{stdout.String(), stderr.String(), status}
}

func (r postRender) want(t *testing.T, status int) {
	t.Helper()
	if r.status != status {
		t.Fatalf("exit status %d, want %d\nstdout:\n%s\nstderr:\n%s", r.status, status, r.stdout, r.stderr)
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

const summaryFixed = "lbguard fix: 6 changes, 0 errors, 1 warning in 1 workload (3 resources, stdin read); exit status 0\n"

func TestHelm4Stream(t *testing.T) {
	t.Setenv(ReportEnv, "")
	in := readFile(t, "testdata/helm4.yaml")
	r := runPostRender(t, in, "--namespace", "shop")
	r.want(t, 0)
	testkit.CompareGolden(t, "testdata/helm4.fixed.yaml", r.stdout)
	if r.stderr != summaryFixed {
		t.Errorf("stderr = %q, want the summary %q", r.stderr, summaryFixed)
	}
	docs := strings.Split(r.stdout, "\n---\n")
	if len(docs) != 5 {
		t.Fatalf("%d documents out, want the 4 in and a PodDisruptionBudget", len(docs))
	}
	// The hook comes out byte for byte, though the Service selects its pods.
	hook := strings.Split(string(in), "\n---\n")[0]
	if docs[0] != hook {
		t.Errorf("the hook changed:\n%s\nwant:\n%s", docs[0], hook)
	}
	for i, d := range docs[:4] {
		if !strings.Contains(d, "postrenderer.helm.sh/postrender-filename: 'shop/templates/") {
			t.Errorf("document %d lost its template's annotation:\n%s", i, d)
		}
	}
	// The budget names no file, so Helm 4 gives it one of its own, and no
	// namespace, as its Deployment: Helm installs both into -n shop.
	pdb := docs[4]
	if !strings.HasPrefix(pdb, "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: rel-web\n") ||
		strings.Contains(pdb, "postrender-filename") || strings.Contains(pdb, "namespace") {
		t.Errorf("added budget:\n%s", pdb)
	}
}

func TestHelm3Stream(t *testing.T) {
	t.Setenv(ReportEnv, "")
	r := runPostRender(t, readFile(t, "testdata/helm3.yaml"))
	r.want(t, 0)
	testkit.CompareGolden(t, "testdata/helm3.fixed.yaml", r.stdout)
	for _, source := range []string{"service", "deployment", "ingress"} {
		if want := "---\n# Source: shop/templates/" + source + ".yaml\n"; !strings.Contains(r.stdout, want) {
			t.Errorf("output lost %q", want)
		}
	}
}

func TestIncludeHooks(t *testing.T) {
	t.Setenv(ReportEnv, "")
	r := runPostRender(t, readFile(t, "testdata/helm4.yaml"), "--include-hooks")
	r.want(t, 0)
	hook := strings.Split(r.stdout, "\n---\n")[0]
	if !strings.Contains(hook, "name: rel-canary") || !strings.Contains(hook, "preStop:") {
		t.Errorf("with --include-hooks the canary hook gets a preStop:\n%s", hook)
	}
}

func TestAudit(t *testing.T) {
	t.Setenv(ReportEnv, "")
	r := runPostRender(t, readFile(t, "testdata/helm4.yaml"), "--audit")
	r.want(t, 1)
	if r.stdout != "" {
		t.Errorf("a failing audit wrote:\n%s", r.stdout)
	}
	for _, want := range []string{
		"Deployment rel-web",
		"lbguard audit: 6 errors, 1 warning in 1 workload (3 resources, stdin read); exit status 1\n",
		"lbguard helm-post-render: nothing written, the release fails\n",
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	// What fix wrote passes the audit, unchanged.
	fixed := readFile(t, "testdata/helm4.fixed.yaml")
	r = runPostRender(t, fixed, "--audit", "--namespace", "shop")
	r.want(t, 0)
	if r.stdout != string(fixed) {
		t.Errorf("a clean audit changed the stream:\n%s", r.stdout)
	}
	if want := "lbguard audit: 0 errors, 1 warning in 1 workload (4 resources, stdin read); exit status 0\n"; r.stderr != want {
		t.Errorf("stderr = %q, want %q", r.stderr, want)
	}
}

func TestReportFile(t *testing.T) {
	dir := t.TempDir()
	in := readFile(t, "testdata/helm4.yaml")

	text := filepath.Join(dir, "report.txt")
	t.Setenv(ReportEnv, text)
	runPostRender(t, in, "--audit").want(t, 1)
	if got := string(readFile(t, text)); !strings.Contains(got, "Deployment rel-web") ||
		!strings.HasSuffix(got, "annotate a resource lbguard.dev/audit: warn to report its findings as warnings while you roll out.\n") {
		t.Errorf("$%s report:\n%s", ReportEnv, got)
	}

	sarif := filepath.Join(dir, "report.sarif")
	runPostRender(t, in, "--report", sarif, "--report-format", "sarif").want(t, 0)
	var log struct {
		Runs []struct {
			Results []struct{ RuleID string }
		}
	}
	if err := json.Unmarshal(readFile(t, sarif), &log); err != nil {
		t.Fatalf("--report-format sarif: %v", err)
	}
	if len(log.Runs) != 1 || len(log.Runs[0].Results) != 1 || log.Runs[0].Results[0].RuleID != "R3" {
		t.Errorf("SARIF results after fixing: %+v, want the one R3 warning", log.Runs)
	}
}

func TestFailures(t *testing.T) {
	t.Setenv(ReportEnv, "")
	dir := t.TempDir()
	badConfig := filepath.Join(dir, "lbguard.yaml")
	if err := os.WriteFile(badConfig, []byte("apiVersion: lbguard.dev/v1alpha1\nkind: LBGuard\nmetadata:\n  name: lbguard\nspec:\n  drainSeconds: 30\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	unreadable := strings.Replace(string(readFile(t, "testdata/helm3.yaml")), "replicas: 3", `replicas: "three"`, 1)
	reportFile := filepath.Join(dir, "report.txt")
	for _, c := range []struct {
		name   string
		stdin  string
		args   []string
		status int
		stderr string
	}{
		{"bad config", "", []string{"--config", badConfig, "--report", reportFile}, 2,
			"lbguard helm-post-render: the config is not valid; nothing written, the release fails\n"},
		{"unreadable field", unreadable, nil, 1, "spec.replicas must be an integer"},
		{"not YAML", "kind: [", nil, 2, "stdin: document at line 1 is not valid YAML"},
		{"an argument", "", []string{"fix"}, 2, `unexpected argument "fix": the manifests come on standard input`},
		{"a report format", "", []string{"--report-format", "xml"}, 2, `--report-format must be text, json or sarif, not "xml"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := runPostRender(t, []byte(c.stdin), c.args...)
			r.want(t, c.status)
			if r.stdout != "" {
				t.Errorf("stdout:\n%s", r.stdout)
			}
			if !strings.Contains(r.stderr, c.stderr) {
				t.Errorf("stderr lacks %q:\n%s", c.stderr, r.stderr)
			}
		})
	}
	if got, want := string(readFile(t, reportFile)), "lbguard: config "+badConfig+": spec.drainSeconds: unknown key; known keys: deregistrationDelaySeconds, gatewayClasses, gateways, kubernetesVersion, maxUnavailable, mode, nlbPreStopSeconds, preStopSeconds, scope, shutdownSeconds, sidecarPreStop, targetGroupBindingDelays\n"+
		"lbguard helm-post-render: the config is not valid; nothing written, the release fails\n"; got != want {
		t.Errorf("report file after a bad config: %q", got)
	}
}

// A chart whose manifests are all hooks renders nothing else: the stream
// goes back as it came.
func TestOnlyHooks(t *testing.T) {
	t.Setenv(ReportEnv, "")
	hook := strings.Split(string(readFile(t, "testdata/helm4.yaml")), "\n---\n")[0] + "\n"
	r := runPostRender(t, []byte(hook))
	r.want(t, 0)
	if r.stdout != hook {
		t.Errorf("stdout:\n%s\nwant the hook as it came", r.stdout)
	}
}

// --root and --repo-config give the post-renderer lbguard's config from the
// repository config (.lbguard.yaml), as audit takes it, unless --config.
func TestRepositoryConfig(t *testing.T) {
	t.Setenv(ReportEnv, "")
	dir := t.TempDir()
	config := func(preStop int) string {
		return "apiVersion: lbguard.dev/v1alpha1\nkind: LBGuard\nmetadata:\n  name: lbguard\nspec:\n  preStopSeconds: " + strconv.Itoa(preStop) + "\n"
	}
	files := map[string]string{
		".lbguard.yaml":     "apiVersion: lbguard.dev/v1alpha1\nkind: Repository\nconfig: ci/lbguard.yaml\nnamespace: other\n",
		"ci/lbguard.yaml":   config(42),
		"ci/other.yaml":     config(50),
		"ci/repo.yaml":      "apiVersion: lbguard.dev/v1alpha1\nkind: Repository\nconfig: ci/other.yaml\n",
		"bad/.lbguard.yaml": "apiVersion: lbguard.dev/v1alpha1\nkind: Repository\nconfigs: lbguard.yaml\n",
	}
	for name, text := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	in := readFile(t, "testdata/helm3.yaml")
	fixed := string(readFile(t, "testdata/helm3.fixed.yaml"))
	with := func(preStop int) string { // the stream fixed with that config, as --config gives it
		t.Helper()
		r := runPostRender(t, in, "--config", filepath.Join(dir, "ci", map[int]string{42: "lbguard.yaml", 50: "other.yaml"}[preStop]))
		r.want(t, 0)
		if !strings.Contains(r.stdout, "            preStop:\n              sleep:\n                seconds: "+strconv.Itoa(preStop)+"\n") {
			t.Fatalf("preStopSeconds: %d: no preStop of %d s:\n%s", preStop, preStop, r.stdout)
		}
		return r.stdout
	}
	for _, c := range []struct {
		args   []string
		stdout string
	}{
		{nil, fixed}, // no repository config read
		{[]string{"--root", dir}, with(42)},
		{[]string{"--repo-config", filepath.Join(dir, ".lbguard.yaml")}, with(42)},
		{[]string{"--root", dir, "--repo-config", filepath.Join(dir, "ci", "repo.yaml")}, with(50)}, // its config: is relative to the root
		{[]string{"--root", dir, "--config", filepath.Join(dir, "ci", "other.yaml")}, with(50)},
		{[]string{"--root", filepath.Join(dir, "ci")}, fixed}, // no .lbguard.yaml there
	} {
		r := runPostRender(t, in, c.args...)
		r.want(t, 0)
		if r.stdout != c.stdout {
			t.Errorf("%v:\n%s\nwant:\n%s", c.args, r.stdout, c.stdout)
		}
		if r.stderr != summaryFixed {
			t.Errorf("%v: stderr %q, want %q", c.args, r.stderr, summaryFixed)
		}
	}
	for _, c := range []struct {
		args   []string
		stderr string
	}{
		{[]string{"--repo-config", filepath.Join(dir, "none.yaml")},
			"lbguard helm-post-render: cannot read " + filepath.Join(dir, "none.yaml") + ": no such file or directory; nothing written, the release fails\n"},
		{[]string{"--root", filepath.Join(dir, "ci"), "--repo-config", filepath.Join(dir, ".lbguard.yaml")},
			"lbguard helm-post-render: " + filepath.Join(dir, ".lbguard.yaml") + " lies outside the repository root " + filepath.Join(dir, "ci") + ", and lbguard reads nothing outside it: give --root DIR, a directory that holds every PATH; nothing written, the release fails\n"},
		{[]string{"--root", filepath.Join(dir, "bad")},
			"lbguard helm-post-render: repository config " + filepath.Join(dir, "bad", ".lbguard.yaml") + ": "},
	} {
		r := runPostRender(t, in, c.args...)
		r.want(t, 2)
		if r.stdout != "" || !strings.HasPrefix(r.stderr, c.stderr) {
			t.Errorf("%v: stdout %q, stderr %q; want %q", c.args, r.stdout, r.stderr, c.stderr)
		}
	}
}
