package cli

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/lbguard/lbguard/internal/testkit"
)

// testdata/repository holds every shape of a real repository (its README
// says which): audit from its root gives exactly the goldens of
// testdata/repository/expected, in text, JSON and SARIF: each unit judged
// on its own, the units that cannot be read named with the reason and what
// to do, the run going on past them, exit status 1.
func TestRepositoryShapes(t *testing.T) {
	dir := testkit.Path(t, "testdata", "repository")
	for _, format := range []string{"text", "json", "sarif"} {
		t.Run(format, func(t *testing.T) {
			r := runLBGuard(t, dir, nil, "audit", "--root", ".", "--format", format, ".")
			r.want(t, "audit --format "+format, 1)
			testkit.CompareGolden(t, filepath.Join(dir, "expected", "audit."+map[string]string{"text": "txt", "json": "json", "sarif": "sarif"}[format]), r.stdout)
			if format == "sarif" {
				testkit.ValidateSARIF(t, testkit.SARIFSchema(t), "the repository's SARIF", r.stdout)
			}
			if format != "text" && !strings.HasPrefix(r.stderr, "lbguard audit: 32 errors, 5 warnings in 6 workloads") {
				t.Errorf("summary on stderr: %q", r.stderr)
			}
		})
	}
}
