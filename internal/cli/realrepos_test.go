package cli

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lbguard/lbguard/internal/report"
	"github.com/lbguard/lbguard/internal/testkit"
)

// lbguard audit . on real public repositories (testdata/realrepos), from
// local checkouts under $LBGUARD_REALREPOS when present: a report always
// (exit 0 or 1), no resource listed twice, every finding in its unit, and
// a summary that counts the findings.
func TestRealRepositories(t *testing.T) {
	dir := os.Getenv("LBGUARD_REALREPOS")
	if dir == "" {
		t.Skip("LBGUARD_REALREPOS names no directory of checkouts (testdata/realrepos/README.md)")
	}
	data, err := os.ReadFile(testkit.Path(t, "testdata", "realrepos", "repos.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	// The built binary, as a user runs it: Helm takes the Kubernetes
	// version it renders for from the binary's build information, which a
	// test binary lacks.
	bin := filepath.Join(t.TempDir(), "lbguard")
	build := exec.Command("go", "build", "-o", bin, "./fn")
	build.Dir = testkit.Path(t)
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	run := func(dir string, args ...string) cliRun {
		cmd := exec.Command(bin, args...)
		cmd.Dir = dir
		var stdout, stderr strings.Builder
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		status := 0
		if exit, ok := err.(*exec.ExitError); ok {
			status = exit.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return cliRun{stdout.String(), stderr.String(), status}
	}
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n")[1:] {
		name, _, _ := strings.Cut(line, "\t")
		checkout := filepath.Join(dir, strings.ReplaceAll(name, "/", "+"))
		t.Run(name, func(t *testing.T) {
			if _, err := os.Stat(checkout); err != nil {
				t.Skipf("no checkout at %s", checkout)
			}
			r := run(checkout, "audit", "--format", "json", ".")
			if r.status != 0 && r.status != 1 {
				t.Fatalf("exit %d:\n%s", r.status, r.stderr)
			}
			var rep report.JSONReport
			if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
				t.Fatal(err)
			}
			var errs, warnings int
			for _, f := range rep.Findings {
				if strings.Contains(f.Message, "listed twice") {
					t.Errorf("%s: %s", f.Unit, f.Message)
				}
				if f.Unit == "" {
					t.Errorf("a finding names no unit: %s", f.Message)
				}
				switch f.Severity {
				case "error":
					errs++
				case "warning":
					warnings++
				}
			}
			if rep.Summary.Errors != errs || rep.Summary.Warnings != warnings || rep.Summary.ExitStatus != r.status {
				t.Errorf("summary %+v, findings %d errors %d warnings, exit %d", rep.Summary, errs, warnings, r.status)
			}
			sarif := run(checkout, "audit", "--format", "sarif", ".")
			testkit.ValidateSARIF(t, testkit.SARIFSchema(t), name, sarif.stdout)
			t.Logf("%s: exit %d, %d errors, %d warnings, %d resources, %d units not checked",
				name, r.status, errs, warnings, rep.Summary.Resources, rep.Summary.Unchecked)
		})
	}
}
