package explain

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

func run(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = Command(args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestCommandBadUsage(t *testing.T) {
	e1 := testkit.Path(t, "testdata", "explain", "e1-alb-defaults", "manifests.yaml")
	for _, c := range []struct {
		args   []string
		stderr string
	}{
		{[]string{"--format", "sarif", e1}, `--format must be text, json, svg or html, not "sarif"`},
		{[]string{"--rps", "-1", e1}, `invalid value "-1" for flag -rps: must be a number above 0`},
		{[]string{"--request-seconds", "0", e1}, `flag -request-seconds: must be a number above 0`},
		{[]string{"--platform", "fargate", e1}, `unknown platform "fargate"`},
		{[]string{"--latency", "X=1", e1}, `SYM one of P, Reg, e, q, k, Q, lag_nlb`},
		{[]string{"--latency", "P=30/10", e1}, `P: the worst value 10 is below the typical 30`},
		{[]string{"--pods-per-node", "0", e1}, `must be a whole number from 1 to 1000`},
		{[]string{"no/such/file.yaml"}, `cannot read no/such/file.yaml`},
		{[]string{}, `no PATH given`},
	} {
		code, stdout, stderr := run(t, "", c.args...)
		if code != 2 || stdout != "" || !strings.Contains(stderr, c.stderr) {
			t.Errorf("explain %v: exit %d, stdout %q, stderr %q; want 2 and %q", c.args, code, stdout, stderr, c.stderr)
		}
	}
	if code, _, stderr := run(t, "kind: [", "-"); code != 2 || !strings.Contains(stderr, "is not valid YAML") {
		t.Errorf("bad YAML on stdin: exit %d, %q", code, stderr)
	}
}

// A measurement of one's own replaces the model's latency: an ALB that
// stops routing 5 s after DeregisterTargets (8 s worst) makes E1's W1
// δ + P = 7 s (10 s worst).
func TestCommandCalibration(t *testing.T) {
	var r jsonReport
	out := explainOutput(t, "e1-alb-defaults", "--format", "json", "--latency", "P=5/8")
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	if got := windowSeconds(r.Findings[0].Now, "W1"); got != (jsonPair{7, 10}) {
		t.Errorf("W1 with P = 5/8: %v, want 7 (10 worst)", got)
	}
}

func TestCommandOutDir(t *testing.T) {
	dir := t.TempDir()
	code, stdout, stderr := run(t, "", "--out", dir, testkit.Path(t, "testdata", "golden", "r2-missing"))
	if code != 0 || stdout != "" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var svgs int
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".svg") {
			svgs++
			data, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			checkSVG(t, string(data))
		}
	}
	index, err := os.ReadFile(filepath.Join(dir, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	// One timeline per workload and load balancer of the retail store.
	if want := strings.Count(string(index), "<img src="); svgs != want || svgs < 2 || !strings.Contains(stderr, "wrote "+strconv.Itoa(svgs)+" timelines") {
		t.Errorf("%d SVG files and %d images in index.html: %s", svgs, want, stderr)
	}
}

func TestCommandStdinAndText(t *testing.T) {
	data, err := os.ReadFile(testkit.Path(t, "testdata", "explain", "e1-alb-defaults", "manifests.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	code, stdout, _ := run(t, string(data), "-")
	if code != 0 || !strings.Contains(stdout, "W1 new requests refused") {
		t.Errorf("exit %d:\n%s", code, stdout)
	}
	code, stdout, _ = run(t, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n", "-")
	if code != 0 || stdout != "lbguard explain: no workload behind an AWS load balancer\n" {
		t.Errorf("no load balancer: exit %d, %q", code, stdout)
	}
}
