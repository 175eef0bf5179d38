package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The deploy tools the integration tests run lbguard under are installed by
// scripts/integration-tools.sh (make integration-tools), pinned: Helm 4 and 3
// and actionlint into bin/, the SARIF multitool into bin/sarif-multitool/,
// pre-commit from Debian. Where one is missing its tests skip, saying so, or
// fail where LBGUARD_REQUIRE_INTEGRATIONS is set (as .ci/run does).

const requireIntegrations = "LBGUARD_REQUIRE_INTEGRATIONS"

func missingTool(t *testing.T, why string) {
	t.Helper()
	if os.Getenv(requireIntegrations) != "" {
		t.Fatalf("%s, and %s is set", why, requireIntegrations)
	}
	t.Skipf("%s; make integration-tools installs it", why)
}

// binTool is bin/NAME of the repository, or skips the test.
func binTool(t *testing.T, name string) string {
	t.Helper()
	path := filepath.Join(requireRepoRoot(t), "bin", name)
	if _, err := os.Stat(path); err != nil {
		missingTool(t, "bin/"+name+" is not installed")
	}
	return path
}

// pathTool is NAME on PATH, or skips the test.
func pathTool(t *testing.T, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		missingTool(t, name+" is not on PATH")
	}
	return path
}

// runCommand runs cmd and returns what it printed and its exit status; a
// command that cannot start fails the test.
func runCommand(t *testing.T, cmd *exec.Cmd) shellRun {
	t.Helper()
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	status := 0
	if err := cmd.Run(); err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatal(err)
		}
		status = ee.ExitCode()
	}
	return shellRun{stdout.String(), stderr.String(), status}
}
