package report_test

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lbguard/lbguard/internal/cli"
	"github.com/lbguard/lbguard/internal/render"
	"github.com/lbguard/lbguard/internal/report"
	"github.com/lbguard/lbguard/internal/testkit"
)

// The reports of one small run, pinned whole. testdata/shop.yaml is a
// Deployment (2 replicas, its app under `sh -c`) behind a Service and an ALB
// Ingress with instance targets and a deregistration delay of 60 s set by
// the user, in Namespace shop, which is not in the input. docs/rules.md's rules
// find:
//
//	R1 error    the Ingress's target type instance, to become ip
//	R2 note     the user's delay of 60 s, kept
//	R3 warning  Namespace shop cannot be labelled: it is not in the input
//	R4 error    no readiness probe: tcpSocket on the container's port 8080
//	R5 error    no preStop delay: sleep 75 s (D 60 + 15 for an ALB)
//	R6 error    the default grace period of 30 s: 95 s (S 75 + A 20)
//	R7 error    no PodDisruptionBudget: web, maxUnavailable 1
//	R8 warning  the shell wrapper without exec swallows SIGTERM
//
// The expected reports are testdata/shop.*; WRITE_GOLDEN_OUTPUT=1 rewrites
// them (then read the diff).

const version = "v1.2.3"

type run struct {
	stdout, stderr string
	status         int
}

// lbguard runs `lbguard COMMAND ARGS...` in testdata, stdin its input.
func lbguard(t *testing.T, stdin string, args ...string) run {
	t.Helper()
	t.Chdir("testdata")
	var stdout, stderr bytes.Buffer
	status := cli.Run(args[0], args[1:], version, strings.NewReader(stdin), &stdout, &stderr)
	return run{stdout.String(), stderr.String(), status}
}

func (r run) want(t *testing.T, status int, stderr string) {
	t.Helper()
	if r.status != status {
		t.Errorf("exit status %d, want %d\nstderr:\n%s", r.status, status, r.stderr)
	}
	if r.stderr != stderr {
		t.Errorf("stderr:\n%s\nwant:\n%s", r.stderr, stderr)
	}
}

const auditSummary = "lbguard audit: 5 errors, 2 warnings in 1 workload (3 resources, 1 file read); exit status 1\n"

func TestTextReport(t *testing.T) {
	r := lbguard(t, "", "audit", "shop.yaml")
	r.want(t, 1, "")
	testkit.CompareGolden(t, "shop.audit.txt", r.stdout)
}

// In fix, the text report goes to standard error and says what was done;
// the fixed stream goes to standard output.
func TestFixReport(t *testing.T) {
	r := lbguard(t, "", "fix", "shop.yaml")
	if r.status != 0 {
		t.Fatalf("exit status %d\n%s", r.status, r.stderr)
	}
	testkit.CompareGolden(t, "shop.fix.txt", r.stderr)
	testkit.CompareGolden(t, "shop.fixed.yaml", r.stdout)
}

// The machine formats print the summary line on standard error.
func TestJSONReport(t *testing.T) {
	r := lbguard(t, "", "audit", "--format", "json", "shop.yaml")
	r.want(t, 1, auditSummary)
	testkit.CompareGolden(t, "shop.audit.json", r.stdout)
}

func TestSARIFReport(t *testing.T) {
	r := lbguard(t, "", "audit", "--format", "sarif", "--root", ".", "shop.yaml")
	r.want(t, 1, auditSummary)
	testkit.ValidateSARIF(t, testkit.SARIFSchema(t), "shop.yaml", r.stdout)
	testkit.CompareGolden(t, "shop.audit.sarif", r.stdout)
}

// What was read is named in the summary: here a file and standard input.
func TestSummaryOfFileAndStdin(t *testing.T) {
	configMap := "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: shop\n"
	r := lbguard(t, configMap, "audit", "--format", "json", "shop.yaml", "-")
	r.want(t, 1, "lbguard audit: 5 errors, 2 warnings in 1 workload (4 resources, 1 file and stdin read); exit status 1\n")
}

// A file named by its absolute path is written, like any other, relative to
// the repository root: here the git work tree that holds the tests.
func TestSARIFAbsolutePath(t *testing.T) {
	abs, err := filepath.Abs(filepath.Join("testdata", "shop.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	root, err := render.FindRoot(abs)
	if err != nil {
		t.Fatal(err)
	}
	rel, err := filepath.Rel(root, abs)
	if err != nil {
		t.Fatal(err)
	}
	r := lbguard(t, "", "audit", "--format", "sarif", abs)
	r.want(t, 1, auditSummary)
	var log report.SARIFLog
	if err := json.Unmarshal([]byte(r.stdout), &log); err != nil {
		t.Fatal(err)
	}
	results := log.Runs[0].Results
	if len(results) != 7 {
		t.Fatalf("%d results, want the 5 errors and 2 warnings", len(results))
	}
	want := report.SARIFArtifactLocation{URI: filepath.ToSlash(rel), URIBaseID: "%SRCROOT%"}
	for _, res := range results {
		if got := res.Locations[0].PhysicalLocation.ArtifactLocation; got != want {
			t.Errorf("%s: artifact %+v, want %+v", res.RuleID, got, want)
		}
	}
}
