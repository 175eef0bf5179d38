package explain

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lbguard/lbguard/internal/testkit"
)

// The cases of testdata/explain: manifests.yaml, the flags in args, and the
// reports lbguard prints for them (WRITE_GOLDEN_OUTPUT=1 rewrites them).

func explainCases(t *testing.T) []string {
	t.Helper()
	return testkit.Subdirs(t, testkit.Path(t, "testdata", "explain"))
}

// explainOutput runs `lbguard explain` on a case with its flags and more.
func explainOutput(t *testing.T, name string, extra ...string) string {
	t.Helper()
	dir := testkit.Path(t, "testdata", "explain", name)
	args, err := os.ReadFile(filepath.Join(dir, "args"))
	if err != nil {
		t.Fatal(err)
	}
	argv := append(strings.Fields(string(args)), extra...)
	argv = append(argv, filepath.Join(dir, "manifests.yaml"))
	var stdout, stderr bytes.Buffer
	if code := Command(argv, strings.NewReader(""), &stdout, &stderr); code != 0 {
		t.Fatalf("explain %v: exit status %d: %s", argv, code, stderr.String())
	}
	return stdout.String()
}

// timelineCases also pin their SVG timeline.
var timelineCases = map[string]bool{"e1-alb-defaults": true, "e3-nlb-defaults": true, "e4-nlb-seed-values": true}

// readmeCases are the timelines the README shows, from docs/; their PNGs
// are rendered by TestBrowserRendersReport's chromium (README: Development).
var readmeCases = map[string]bool{"e1-alb-defaults": true, "e3-nlb-defaults": true}

func TestExplainGolden(t *testing.T) {
	for _, name := range explainCases(t) {
		t.Run(name, func(t *testing.T) {
			dir := testkit.Path(t, "testdata", "explain", name)
			testkit.CompareGolden(t, filepath.Join(dir, "explain.txt"), explainOutput(t, name))
			testkit.CompareGolden(t, filepath.Join(dir, "explain.json"), explainOutput(t, name, "--format", "json"))
			if timelineCases[name] {
				testkit.CompareGolden(t, filepath.Join(dir, "timeline.svg"), explainOutput(t, name, "--format", "svg"))
			}
			if readmeCases[name] {
				testkit.CompareGolden(t, testkit.Path(t, "docs", "explain-"+name+".svg"), explainOutput(t, name, "--format", "svg"))
			}
		})
	}
}
