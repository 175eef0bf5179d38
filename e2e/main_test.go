package e2e

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/lbguard/lbguard/internal/apiserver"
)

// kustomizeVersion is the kustomize CLI the examples are checked against; the
// Makefile installs the same one.
const kustomizeVersion = "v5.8.2"

var (
	// repoRoot is the directory holding go.mod.
	repoRoot    string
	repoRootErr error

	// buildDir holds the lbguard binary built once for the whole run.
	buildDir      string
	lbguardOnce   sync.Once
	lbguardPath   string
	lbguardErr    error
	kustomizeOnce sync.Once
	kustomizeBin  string
	kustomizeErr  error
)

func TestMain(m *testing.M) {
	repoRoot, repoRootErr = findRepoRoot()
	if repoRootErr == nil {
		registerInputs(repoRoot)
	}
	code := m.Run()
	apiserver.StopShared()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

func findRepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the test's directory")
		}
		dir = parent
	}
}

// registerInputs reads the files the binary and the examples are made of.
// The tests build lbguard and run kustomize and kpt as separate processes,
// whose reads `go test` cannot see; reading the files here makes the test
// cache notice when any of them changes.
func registerInputs(root string) {
	_ = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		if d.IsDir() {
			switch d.Name() {
			case ".git", "bin", "node_modules":
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(path, ".go") || rel == "go.mod" || rel == "go.sum" ||
			strings.HasPrefix(rel, "examples"+string(filepath.Separator)) {
			_, _ = os.ReadFile(path)
		}
		return nil
	})
	_, _ = os.Stat(filepath.Join(root, "bin", "kustomize"))
}

func requireRepoRoot(t *testing.T) string {
	t.Helper()
	if repoRootErr != nil {
		t.Fatalf("finding the repository: %v", repoRootErr)
	}
	return repoRoot
}

// lbguard builds the function from ./fn once per test run and returns the
// binary's path.
func lbguard(t *testing.T) string {
	t.Helper()
	root := requireRepoRoot(t)
	lbguardOnce.Do(func() {
		buildDir, lbguardErr = os.MkdirTemp("", "lbguard-e2e-")
		if lbguardErr != nil {
			return
		}
		lbguardPath = filepath.Join(buildDir, "lbguard")
		cmd := exec.Command("go", "build", "-trimpath", "-o", lbguardPath, "./fn")
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			lbguardErr = fmt.Errorf("go build ./fn: %v\n%s", err, out)
		}
	})
	if lbguardErr != nil {
		t.Fatal(lbguardErr)
	}
	return lbguardPath
}

// kustomizeCLI returns bin/kustomize, installing it there first when it is
// missing or another version.
func kustomizeCLI(t *testing.T) string {
	t.Helper()
	root := requireRepoRoot(t)
	kustomizeOnce.Do(func() {
		bin := filepath.Join(root, "bin")
		kustomizeBin = filepath.Join(bin, "kustomize")
		if out, err := exec.Command(kustomizeBin, "version").Output(); err == nil &&
			strings.TrimSpace(string(out)) == kustomizeVersion {
			return
		}
		cmd := exec.Command("go", "install", "sigs.k8s.io/kustomize/kustomize/v5@"+kustomizeVersion)
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "GOBIN="+bin, "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			kustomizeErr = fmt.Errorf("installing kustomize %s: %v\n%s", kustomizeVersion, err, out)
			return
		}
		out, err := exec.Command(kustomizeBin, "version").Output()
		if err != nil || strings.TrimSpace(string(out)) != kustomizeVersion {
			kustomizeErr = fmt.Errorf("%s version: got %q (%v), want %s", kustomizeBin, out, err, kustomizeVersion)
		}
	})
	if kustomizeErr != nil {
		t.Fatal(kustomizeErr)
	}
	return kustomizeBin
}

// kptCLI returns the path of kpt. When kpt is not installed it skips the
// test, or fails it where LBGUARD_REQUIRE_KPT is set (as .ci/run does).
func kptCLI(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("kpt")
	if err != nil {
		const why = "kpt is not on PATH: the kpt end-to-end tests need the kpt CLI (it is not in the Go or Debian registries)"
		if os.Getenv("LBGUARD_REQUIRE_KPT") != "" {
			t.Fatal(why + ", and LBGUARD_REQUIRE_KPT is set")
		}
		t.Skip(why + "; install it to run them")
	}
	return path
}

// workspace copies examples/<name> into a new temporary directory as
// <dir>/examples/<name>, next to <dir>/bin/lbguard, the layout of the
// repository. The examples' relative exec paths then work unchanged, and
// renders that rewrite files leave the repository alone.
func workspace(t *testing.T, name string) (dir string) {
	t.Helper()
	root := requireRepoRoot(t)
	bin := lbguard(t)
	dir = t.TempDir()
	if err := os.CopyFS(filepath.Join(dir, "examples", name), os.DirFS(filepath.Join(root, "examples", name))); err != nil {
		t.Fatalf("copying examples/%s: %v", name, err)
	}
	if err := os.Mkdir(filepath.Join(dir, "bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(bin, filepath.Join(dir, "bin", "lbguard")); err != nil {
		t.Fatal(err)
	}
	return dir
}

// run runs a command in dir and returns its standard output; a non-zero exit
// fails the test with the command's standard error.
func run(t *testing.T, dir, name string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\nstderr:\n%s", filepath.Base(name), strings.Join(args, " "), err, stderr.String())
	}
	return stdout.Bytes()
}
