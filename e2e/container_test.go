//go:build linux

package e2e

// lbguard as a container function: the image built from the Dockerfile's `test` stage (a binary
// built on the host with the release build's flags, packed with the release image's user, entry
// point and /etc/passwd), run by a real container engine (podman; kustomize reaches it through a
// `docker` shim), in kustomize and in kpt.
//
// Each container result is compared with the exec-mode result of the same package and the same
// binary, so these tests prove the packaging, not the rules: they hold whatever the rules do
// today. The commands are the ones docs/container.md shows, run in a private copy of the
// repository's layout (Dockerfile, bin/lbguard, examples/), so that nothing in the work tree is
// written and concurrent runs cannot swap binaries under each other; a lock serialises the runs
// that share the machine's podman image store.
//
// They skip, saying why, where podman is not installed (scripts/podman-env.sh installs it). With
// LBGUARD_REQUIRE_CONTAINER=1, as .ci/run sets, that skip is a failure instead, so that CI cannot
// pass without running them.

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

const (
	// containerTestImage is what `make test-image` builds and the tests run.
	containerTestImage = "localhost/lbguard:test"
	// containerFunctionAnnotation marks a kustomize transformer config as a KRM function.
	containerFunctionAnnotation = "config.kubernetes.io/function"
	// containerRequireEnv turns the skip for a missing podman into a failure.
	containerRequireEnv = "LBGUARD_REQUIRE_CONTAINER"
	// containerVersion is stamped into the test binary and the image's version label.
	containerVersion = "e2e"
	// containerCommandTimeout bounds each command; an image build here takes seconds.
	containerCommandTimeout = 5 * time.Minute
)

// TestContainer builds the test image and runs it: alone under the strictest constraints, in
// kustomize, and in kpt (render and eval).
func TestContainer(t *testing.T) {
	root := requireRepoRoot(t)
	if _, err := exec.LookPath("podman"); err != nil {
		const why = "podman is not installed " +
			"(scripts/podman-env.sh installs it with apt-get when run as root; .ci/run does)"
		if os.Getenv(containerRequireEnv) == "1" {
			t.Fatalf("container e2e cannot run: %s, and %s=1 forbids skipping", why, containerRequireEnv)
		}
		t.Skip("container e2e skipped: " + why)
	}
	env := containerPodmanEnv(t, root)
	containerLock(t)

	// The repository's layout in miniature: what `podman build` needs, and the examples.
	work := t.TempDir()
	for _, p := range []string{"Dockerfile", ".dockerignore", "testdata/container", "examples/kustomize", "examples/kpt"} {
		containerCopy(t, filepath.Join(root, p), filepath.Join(work, p))
	}
	// The binary contract; `make build` writes the same binary to the repository's bin/.
	start := time.Now()
	if _, err := containerRun(root, append(env, "CGO_ENABLED=0"), nil, "go", "build", "-trimpath",
		"-ldflags", "-s -w -X main.version="+containerVersion, "-o", filepath.Join(work, "bin", "lbguard"), "./fn"); err != nil {
		t.Fatal(err)
	}
	t.Logf("go build ./fn (%s)", time.Since(start).Round(time.Millisecond))
	previous, _ := containerRun(work, env, nil, "podman", "image", "inspect", "--format", "{{.Id}}", containerTestImage)
	containerMust(t, work, env, "podman", "build", "--target", "test", "--build-arg", "VERSION="+containerVersion,
		"--tag", containerTestImage, ".")
	// The image this build replaced, if any, is garbage now: remove it (and its own layers).
	if id := strings.TrimSpace(previous.stdout); id != "" {
		if current, err := containerRun(work, env, nil, "podman", "image", "inspect", "--format", "{{.Id}}", containerTestImage); err == nil &&
			strings.TrimSpace(current.stdout) != id {
			_, _ = containerRun(work, env, nil, "podman", "rmi", id)
		}
	}

	t.Run("locked down", func(t *testing.T) { containerTestLockedDown(t, work, env) })
	t.Run("image config", func(t *testing.T) { containerTestImageConfig(t, root, work, env) })
	t.Run("kustomize", func(t *testing.T) { containerTestKustomize(t, work, env) })
	t.Run("kpt fn render", func(t *testing.T) { containerTestKptRender(t, work, env) })
	t.Run("kpt fn eval", func(t *testing.T) { containerTestKptEval(t, work, env) })
	t.Run("release stages", func(t *testing.T) { containerTestRelease(t, root, work, env) })
}

// containerPodmanEnv runs the set-up of docs/container.md, eval "$(scripts/podman-env.sh)"
// (without installing: that is .ci/run's job; the script checks that podman runs), and returns
// the environment it exports.
func containerPodmanEnv(t *testing.T, root string) []string {
	t.Helper()
	out, err := containerRun(root, os.Environ(), nil, "bash", "scripts/podman-env.sh", "--no-install")
	if err != nil {
		t.Fatal(err)
	}
	env, err := containerApplyExports(os.Environ(), out.stdout)
	if err != nil {
		t.Fatal(err)
	}
	// Reading the configuration also keys `go test`'s cache on it: the script rewrites it on each
	// run (.ci/run runs it before `make test`), so a CI run never reports a cached result here.
	for _, kv := range env {
		if conf, ok := strings.CutPrefix(kv, "CONTAINERS_CONF="); ok {
			data, err := os.ReadFile(conf)
			if err != nil || !bytes.Contains(data, []byte(`runtime = "runc"`)) {
				t.Fatalf("%s: %v\n%s", conf, err, data)
			}
		}
	}
	return env
}

// containerLock holds, until the test ends, a lock that serialises the runs of these tests on the
// machine: they all tag the same image in podman's one store.
func containerLock(t *testing.T) {
	t.Helper()
	f, err := os.OpenFile(filepath.Join(os.TempDir(), "lbguard-container-e2e.lock"), os.O_CREATE|os.O_RDWR, 0o666)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		t.Fatalf("locking %s: %v", f.Name(), err)
	}
	if waited := time.Since(start); waited > time.Second {
		t.Logf("waited %s for another run of the container tests", waited.Round(time.Millisecond))
	}
	t.Cleanup(func() { f.Close() }) // closing releases the lock
}

// containerCopy copies a file or a directory tree.
func containerCopy(t *testing.T, src, dst string) {
	t.Helper()
	fi, err := os.Stat(src)
	if err != nil {
		t.Fatal(err)
	}
	if fi.IsDir() {
		containerCopyDir(t, src, dst)
		return
	}
	data, err := os.ReadFile(src)
	if err == nil {
		err = os.MkdirAll(filepath.Dir(dst), 0o755)
	}
	if err == nil {
		err = os.WriteFile(dst, data, 0o644)
	}
	if err != nil {
		t.Fatal(err)
	}
}

// containerApplyExports applies lines `export NAME='value'` to env.
func containerApplyExports(env []string, exports string) ([]string, error) {
	line := regexp.MustCompile(`^export ([A-Z_][A-Z0-9_]*)='([^']*)'$`)
	set := map[string]string{}
	for _, l := range strings.Split(strings.TrimSpace(exports), "\n") {
		m := line.FindStringSubmatch(l)
		if m == nil {
			return nil, fmt.Errorf("scripts/podman-env.sh printed an unexpected line: %q", l)
		}
		set[m[1]] = m[2]
	}
	for _, name := range []string{"CONTAINERS_CONF", "KPT_FN_RUNTIME", "PATH"} {
		if _, ok := set[name]; !ok {
			return nil, fmt.Errorf("scripts/podman-env.sh did not export %s", name)
		}
	}
	out := make([]string, 0, len(env)+len(set))
	for _, kv := range env {
		if _, ok := set[strings.SplitN(kv, "=", 2)[0]]; !ok {
			out = append(out, kv)
		}
	}
	for name, value := range set {
		out = append(out, name+"="+value)
	}
	return out, nil
}

type containerOutput struct {
	stdout, stderr string
	exitCode       int
}

// containerRun runs a command in dir and returns its output; a non-zero exit is an error that
// shows the command and its stderr.
func containerRun(dir string, env []string, stdin []byte, name string, args ...string) (containerOutput, error) {
	out, err := containerRunStatus(dir, env, stdin, name, args...)
	if err == nil && out.exitCode != 0 {
		err = fmt.Errorf("%s %s: exit status %d\n%s", name, strings.Join(args, " "), out.exitCode, out.stderr)
	}
	return out, err
}

// containerRunStatus runs a command and returns its output and exit status; only a failure to
// start it, or a time-out, is an error.
func containerRunStatus(dir string, env []string, stdin []byte, name string, args ...string) (containerOutput, error) {
	ctx, cancel := context.WithTimeout(context.Background(), containerCommandTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = env
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	out := containerOutput{stdout: stdout.String(), stderr: stderr.String()}
	var exitErr *exec.ExitError
	switch {
	case ctx.Err() != nil:
		return out, fmt.Errorf("%s %s: timed out after %s", name, strings.Join(args, " "), containerCommandTimeout)
	case errors.As(err, &exitErr):
		out.exitCode = exitErr.ExitCode()
	case err != nil:
		return out, fmt.Errorf("%s %s: %w", name, strings.Join(args, " "), err)
	}
	return out, nil
}

// containerMust runs a command that must succeed, and logs it with its duration.
func containerMust(t *testing.T, dir string, env []string, name string, args ...string) containerOutput {
	t.Helper()
	start := time.Now()
	out, err := containerRun(dir, env, nil, name, args...)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s %s (%s)", filepath.Base(name), strings.Join(args, " "), time.Since(start).Round(time.Millisecond))
	return out
}

// containerCopyDir copies a package directory (files and folders only) to dst.
func containerCopyDir(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if !d.Type().IsRegular() {
			return fmt.Errorf("%s: not a regular file", path)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// containerSetKustomizeFunction rewrites, under dir, every function config that runs lbguard
// by exec so that its config.kubernetes.io/function annotation is spec instead, and returns the
// files it changed.
func containerSetKustomizeFunction(t *testing.T, dir, spec string) []string {
	t.Helper()
	var changed []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !(strings.HasSuffix(path, ".yaml") || strings.HasSuffix(path, ".yml")) {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil || !bytes.Contains(data, []byte(containerFunctionAnnotation)) {
			return err
		}
		rw := &kio.ByteReadWriter{Reader: bytes.NewReader(data), PreserveSeqIndent: true}
		nodes, err := rw.Read()
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		edited := false
		for _, n := range nodes {
			current, ok := n.GetAnnotations()[containerFunctionAnnotation]
			if !ok || !strings.Contains(current, "exec:") || !strings.Contains(current, "lbguard") {
				continue
			}
			if err := n.PipeE(yaml.SetAnnotation(containerFunctionAnnotation, spec)); err != nil {
				return fmt.Errorf("%s: %w", path, err)
			}
			edited = true
		}
		if !edited {
			return nil
		}
		var buf bytes.Buffer
		rw.Writer = &buf
		if err := rw.Write(nodes); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		changed = append(changed, path)
		return os.WriteFile(path, buf.Bytes(), 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(changed) == 0 {
		t.Fatalf("no kustomize function config under %s runs lbguard by exec", dir)
	}
	return changed
}

// containerUseImageInKptfile rewrites the Kptfile's pipeline functions that exec lbguard to run
// the image instead.
func containerUseImageInKptfile(t *testing.T, kptfile, image string) {
	t.Helper()
	doc, err := yaml.ReadFile(kptfile)
	if err != nil {
		t.Fatal(err)
	}
	edited := false
	for _, list := range []string{"mutators", "validators"} {
		fns, err := doc.Pipe(yaml.Lookup("pipeline", list))
		if err != nil {
			t.Fatal(err)
		}
		if fns == nil {
			continue
		}
		elements, err := fns.Elements()
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range elements {
			execPath := f.Field("exec")
			if execPath == nil || !strings.Contains(yaml.GetValue(execPath.Value), "lbguard") {
				continue
			}
			if err := f.PipeE(yaml.Clear("exec")); err != nil {
				t.Fatal(err)
			}
			if err := f.PipeE(yaml.SetField("image", yaml.NewStringRNode(image))); err != nil {
				t.Fatal(err)
			}
			edited = true
		}
	}
	if !edited {
		t.Fatalf("%s: no pipeline function runs lbguard by exec", kptfile)
	}
	if err := yaml.WriteFile(doc, kptfile); err != nil {
		t.Fatal(err)
	}
}

// containerWithoutKind drops the items of one kind from a ResourceList, as `kpt fn ... -o stdout`
// prints, and prints the rest the same way for both sides of a comparison.
func containerWithoutKind(t *testing.T, resourceList, kind string) string {
	t.Helper()
	rl, err := yaml.Parse(resourceList)
	if err != nil {
		t.Fatalf("reading output: %v\n%s", err, resourceList)
	}
	items, err := rl.Pipe(yaml.Lookup("items"))
	if err != nil || items == nil {
		t.Fatalf("output is no ResourceList with items (%v):\n%s", err, resourceList)
	}
	elements, err := items.Elements()
	if err != nil {
		t.Fatal(err)
	}
	kept := items.YNode().Content[:0]
	for _, e := range elements {
		if e.GetKind() != kind {
			kept = append(kept, e.YNode())
		}
	}
	items.YNode().Content = kept
	out, err := rl.String()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// containerAssertSameAsExec asserts that the container output is the exec output, that it has
// resources, and that it keeps every line that lbguard's exec run added to the plain input.
func containerAssertSameAsExec(t *testing.T, container, execOut, plain string) {
	t.Helper()
	if strings.TrimSpace(container) == "" {
		t.Fatal("the container run printed nothing")
	}
	if !strings.Contains(container, "kind:") {
		t.Fatalf("the container run printed no resources:\n%s", container)
	}
	if container != execOut {
		t.Fatalf("container output differs from exec output\n%s", containerDiff(execOut, container))
	}
	if plain == "" {
		return
	}
	plainLines := map[string]bool{}
	for _, l := range strings.Split(plain, "\n") {
		plainLines[l] = true
	}
	var edits []string
	for _, l := range strings.Split(execOut, "\n") {
		if !plainLines[l] {
			edits = append(edits, l)
		}
	}
	if len(edits) == 0 {
		t.Log("exec mode changed nothing in this package (yet); the container output equals it")
		return
	}
	for _, l := range edits {
		if !strings.Contains(container, l) {
			t.Errorf("the container output lacks lbguard's edit %q", l)
		}
	}
	t.Logf("the container output carries all %d lines that lbguard's exec run changed or added", len(edits))
}

// containerDiff shows the first lines where two outputs differ.
func containerDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			lo := max(0, i-3)
			return fmt.Sprintf("first difference at line %d\n--- exec (lines %d-)\n%s\n--- container (lines %d-)\n%s",
				i+1, lo+1, strings.Join(w[lo:min(len(w), i+8)], "\n"), lo+1, strings.Join(g[lo:min(len(g), i+8)], "\n"))
		}
	}
	return "(no line differs)"
}

// containerLockedDown is how the locked-down test runs the image: stricter than kustomize and
// kpt (no network, nobody, no new privileges), with a read-only root filesystem, no capabilities
// and no environment from the image or the engine's defaults.
var containerLockedDown = []string{"run", "--rm", "-i", "--read-only", "--network", "none",
	"--user", "nobody", "--unsetenv-all", "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
	containerTestImage}

// containerTestLockedDown runs the image on a ResourceList under a container runtime's strictest
// constraints and checks that it behaves exactly as the binary run directly with an empty
// environment: the same stdout and the same exit status, for a good input and a bad one.
func containerTestLockedDown(t *testing.T, work string, env []string) {
	resourceList, err := os.ReadFile(filepath.Join(work, "testdata", "container", "resourcelist.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		input string
	}{
		{"resource list", string(resourceList)},
		{"not a resource list", "this: [is not, a ResourceList\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			execOut, err := containerRunStatus(work, []string{}, []byte(c.input), filepath.Join(work, "bin", "lbguard"))
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			got, err := containerRunStatus(work, env, []byte(c.input), "podman", containerLockedDown...)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("podman %s (%s): exit status %d", strings.Join(containerLockedDown, " "),
				time.Since(start).Round(time.Millisecond), got.exitCode)
			if got.exitCode != execOut.exitCode {
				t.Fatalf("exit status: container %d, exec %d\ncontainer stderr:\n%s\nexec stderr:\n%s",
					got.exitCode, execOut.exitCode, got.stderr, execOut.stderr)
			}
			if got.stdout != execOut.stdout {
				t.Fatalf("container stdout differs from exec stdout\n%s", containerDiff(execOut.stdout, got.stdout))
			}
			if execOut.exitCode == 0 && !strings.Contains(got.stdout, "kind: ResourceList") {
				t.Fatalf("the container printed no ResourceList:\n%s\nstderr:\n%s", got.stdout, got.stderr)
			}
		})
	}
}

// containerTestImageConfig checks that the test image carries what the Dockerfile's release
// stage declares: the user, the entry point and the OCI labels.
func containerTestImageConfig(t *testing.T, root, work string, env []string) {
	out := containerMust(t, work, env, "podman", "image", "inspect", "--format",
		"{{.Config.User}}|{{json .Config.Entrypoint}}|{{index .Config.Labels \"org.opencontainers.image.source\"}}|"+
			"{{index .Config.Labels \"org.opencontainers.image.licenses\"}}|{{index .Config.Labels \"org.opencontainers.image.version\"}}",
		containerTestImage)
	want := `65532:65532|["/usr/local/bin/lbguard"]|https://github.com/lbguard/lbguard|Apache-2.0|` + containerVersion
	if got := strings.TrimSpace(out.stdout); got != want {
		t.Fatalf("test image config:\n got %s\nwant %s", got, want)
	}
	// The version stamped into the binary is the image's: `lbguard version`, run in the image as
	// the binary runs it.
	execVersion, err := containerRun(work, []string{}, nil, filepath.Join(work, "bin", "lbguard"), "version")
	if err != nil {
		t.Fatal(err)
	}
	imageVersion := containerMust(t, work, env, "podman", "run", "--rm", "--network", "none", containerTestImage, "version")
	if want := "lbguard " + containerVersion + "\n"; execVersion.stdout != want || imageVersion.stdout != want {
		t.Errorf("lbguard version: exec %q, image %q, want %q", execVersion.stdout, imageVersion.stdout, want)
	}

	stages := containerDockerfileStages(t, root)
	release, test := containerStage(t, stages, "release"), containerStage(t, stages, "test")
	for _, key := range []string{"USER", "ENTRYPOINT", "LABEL"} {
		if fmt.Sprint(release.instructions[key]) != fmt.Sprint(test.instructions[key]) {
			t.Errorf("Dockerfile %s differs between release and test:\n release %q\n test    %q",
				key, release.instructions[key], test.instructions[key])
		}
	}
	// Both stages' /etc/passwd must know the users kustomize and kpt (nobody) and the image
	// (nonroot) run as; distroless/static:nonroot has both.
	passwd, err := os.ReadFile(filepath.Join(root, "testdata", "container", "passwd"))
	if err != nil {
		t.Fatal(err)
	}
	for _, user := range []string{"nobody:x:65534:65534:", "nonroot:x:65532:65532:"} {
		if !bytes.Contains(passwd, []byte("\n"+user)) {
			t.Errorf("testdata/container/passwd lacks %s", user)
		}
	}
}

// containerTestKustomize renders examples/kustomize with the function as a container
// (`container: image:` in its config) through the kustomize CLI, and compares the result with the
// same package rendered by exec.
func containerTestKustomize(t *testing.T, work string, env []string) {
	kustomize := kustomizeCLI(t)
	execOut := containerMust(t, work, env, kustomize, "build", "--enable-alpha-plugins", "--enable-exec", "examples/kustomize")
	// Without --enable-exec kustomize skips exec functions: the package without lbguard.
	plain := containerMust(t, work, env, kustomize, "build", "--enable-alpha-plugins", "examples/kustomize")

	// The same package with the container form of the function config.
	dir := t.TempDir()
	containerCopyDir(t, filepath.Join(work, "examples", "kustomize"), filepath.Join(dir, "examples", "kustomize"))
	for _, f := range containerSetKustomizeFunction(t, dir, "container:\n  image: "+containerTestImage+"\n") {
		data, _ := os.ReadFile(f)
		t.Logf("%s:\n%s", strings.TrimPrefix(f, dir+"/"), data)
	}
	shimLog := filepath.Join(t.TempDir(), "docker-calls.log")
	got := containerMust(t, dir, append(env, "LBGUARD_DOCKER_SHIM_LOG="+shimLog),
		kustomize, "build", "--enable-alpha-plugins", "examples/kustomize")

	// kustomize says nothing about the functions it runs: the docker shim's log shows it ran ours.
	calls, err := os.ReadFile(shimLog)
	if err != nil || !regexp.MustCompile(`(?m)^run .*--network none .*--user nobody .*`+regexp.QuoteMeta(containerTestImage)+`$`).Match(calls) {
		t.Fatalf("kustomize did not run %s with docker run --network none --user nobody (shim log: %q, %v)",
			containerTestImage, calls, err)
	}
	t.Logf("kustomize ran: docker %s", bytes.TrimSpace(calls))
	containerAssertSameAsExec(t, got.stdout, execOut.stdout, plain.stdout)
}

// containerKptPlain prints examples/kpt through kpt with a function that changes nothing (cat
// echoes the ResourceList): the package as kpt prints it, without lbguard.
func containerKptPlain(t *testing.T, work string, env []string, kpt string) string {
	t.Helper()
	cat, err := exec.LookPath("cat")
	if err != nil {
		t.Fatal(err)
	}
	return containerMust(t, work, env, kpt, "fn", "eval", "examples/kpt", "--exec", cat, "-o", "stdout").stdout
}

// containerTestKptRender renders examples/kpt with `image:` in its Kptfile's pipeline through
// `kpt fn render` on podman, and compares the result with the exec pipeline's.
func containerTestKptRender(t *testing.T, work string, env []string) {
	kpt := kptCLI(t)
	execOut := containerMust(t, work, env, kpt, "fn", "render", "examples/kpt", "--allow-exec", "-o", "stdout")

	dir := t.TempDir()
	containerCopyDir(t, filepath.Join(work, "examples", "kpt"), filepath.Join(dir, "examples", "kpt"))
	containerUseImageInKptfile(t, filepath.Join(dir, "examples", "kpt", "Kptfile"), containerTestImage)
	kptfile, _ := os.ReadFile(filepath.Join(dir, "examples", "kpt", "Kptfile"))
	t.Logf("examples/kpt/Kptfile:\n%s", kptfile)

	got := containerMust(t, dir, env, kpt, "fn", "render", "examples/kpt", "-o", "stdout")
	if !strings.Contains(got.stderr, `[PASS] "`+containerTestImage+`"`) {
		t.Fatalf("kpt did not report running %s:\n%s", containerTestImage, got.stderr)
	}
	// The Kptfiles differ by construction (exec against image); every other resource must not.
	containerAssertSameAsExec(t,
		containerWithoutKind(t, got.stdout, "Kptfile"),
		containerWithoutKind(t, execOut.stdout, "Kptfile"),
		containerWithoutKind(t, containerKptPlain(t, work, env, kpt), "Kptfile"))
}

// containerTestKptEval runs the image once over examples/kpt with `kpt fn eval --image` and
// compares the result with `kpt fn eval --exec`.
func containerTestKptEval(t *testing.T, work string, env []string) {
	kpt := kptCLI(t)
	execOut := containerMust(t, work, env, kpt, "fn", "eval", "examples/kpt", "--exec", "./bin/lbguard",
		"--fn-config", "examples/kpt/lbguard.yaml", "-o", "stdout")
	got := containerMust(t, work, env, kpt, "fn", "eval", "examples/kpt", "--image", containerTestImage,
		"--fn-config", "examples/kpt/lbguard.yaml", "-o", "stdout")
	if !strings.Contains(got.stderr, `[PASS] "`+containerTestImage+`"`) {
		t.Fatalf("kpt did not report running %s:\n%s", containerTestImage, got.stderr)
	}
	containerAssertSameAsExec(t, got.stdout, execOut.stdout, containerKptPlain(t, work, env, kpt))
}

// Stand-ins for the release stages' base images, which cannot be pulled here.
const (
	containerReleaseImage = "localhost/lbguard:release-e2e"
	containerGoStandIn    = "localhost/lbguard-standin-golang:e2e"
	containerBaseStandIn  = "localhost/lbguard-standin-distroless:e2e"
)

// containerTestRelease builds the Dockerfile's default target, the release image, from the work
// tree as `make image` does, with two local stand-ins for its base images: for golang, an image
// with the host's /usr (its shell and Go toolchain) and Go module cache mounted in, offline; for
// distroless static:nonroot, an image with only the same /etc/passwd and /etc/group. Everything
// else is the release build: the stages, the build command, the labels, user and entry point. The
// image must then behave as the binary does, locked down.
func containerTestRelease(t *testing.T, root, work string, env []string) {
	for _, dir := range []string{"bin", "lib", "lib64"} {
		if target, err := os.Readlink("/" + dir); err != nil || target != "usr/"+dir {
			t.Skipf("the golang stand-in needs a merged /usr (/%s -> usr/%s): %v", dir, dir, err)
		}
	}
	goEnv := map[string]string{}
	for _, name := range []string{"GOROOT", "GOMODCACHE", "GOCACHE"} {
		out := containerMust(t, root, env, "go", "env", name)
		goEnv[name] = strings.TrimSpace(out.stdout)
	}
	// The build runs `go mod download` offline, from the module cache: fill it first.
	containerMust(t, root, env, "go", "mod", "download")

	passwd, err := os.ReadFile(filepath.Join(root, "testdata", "container", "passwd"))
	if err != nil {
		t.Fatal(err)
	}
	group, err := os.ReadFile(filepath.Join(root, "testdata", "container", "group"))
	if err != nil {
		t.Fatal(err)
	}
	etc := map[string][]byte{"etc/passwd": passwd, "etc/group": group}
	containerImport(t, env, containerGoStandIn,
		containerTar(t, []string{"usr", "tmp", "root", "etc"}, map[string]string{"bin": "usr/bin", "lib": "usr/lib", "lib64": "usr/lib64"}, etc),
		"ENV PATH="+goEnv["GOROOT"]+"/bin:/usr/bin:/bin", "ENV GOPROXY=off", "ENV GOFLAGS=-mod=readonly",
		"ENV GOMODCACHE=/go/pkg/mod", "ENV GOCACHE=/root/.cache/go-build", "ENV HOME=/root")
	containerImport(t, env, containerBaseStandIn, containerTar(t, []string{"tmp", "etc"}, nil, etc), "USER 65532:65532")
	t.Cleanup(func() {
		_, _ = containerRun(root, env, nil, "podman", "rmi", "--force", containerReleaseImage, containerGoStandIn, containerBaseStandIn)
	})

	mounts := []string{"-v", "/usr:/usr:ro", "-v", goEnv["GOMODCACHE"] + ":/go/pkg/mod:ro", "-v", goEnv["GOCACHE"] + ":/root/.cache/go-build"}
	if !strings.HasPrefix(goEnv["GOROOT"], "/usr/") {
		mounts = append(mounts, "-v", goEnv["GOROOT"]+":"+goEnv["GOROOT"]+":ro")
	}
	// --layers=false: no intermediate images are kept, so removing the result leaves nothing behind.
	args := append([]string{"build", "--layers=false", "--network", "none", "--build-arg", "VERSION=" + containerVersion,
		"--build-arg", "GO_IMAGE=" + containerGoStandIn, "--build-arg", "BASE_IMAGE=" + containerBaseStandIn},
		mounts...)
	containerMust(t, root, env, "podman", append(args, "--tag", containerReleaseImage, ".")...)

	out := containerMust(t, root, env, "podman", "image", "inspect", "--format",
		"{{.Config.User}}|{{json .Config.Entrypoint}}|{{json .Config.Labels}}", containerReleaseImage, containerTestImage)
	if lines := strings.Split(strings.TrimSpace(out.stdout), "\n"); len(lines) != 2 ||
		strings.ReplaceAll(lines[0], `"io.buildah.version"`, "") != strings.ReplaceAll(lines[1], `"io.buildah.version"`, "") {
		t.Errorf("release and test images differ in user, entry point or labels:\n%s", out.stdout)
	}
	version := containerMust(t, root, env, "podman", "run", "--rm", "--network", "none", containerReleaseImage, "version")
	if want := "lbguard " + containerVersion + "\n"; version.stdout != want {
		t.Errorf("release image: lbguard version printed %q, want %q", version.stdout, want)
	}

	input, err := os.ReadFile(filepath.Join(root, "testdata", "container", "resourcelist.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	execOut, err := containerRunStatus(work, []string{}, input, filepath.Join(work, "bin", "lbguard"))
	if err != nil {
		t.Fatal(err)
	}
	lockedDown := append(append([]string{}, containerLockedDown[:len(containerLockedDown)-1]...), containerReleaseImage)
	got, err := containerRunStatus(work, env, input, "podman", lockedDown...)
	if err != nil {
		t.Fatal(err)
	}
	if got.exitCode != execOut.exitCode || got.stdout != execOut.stdout {
		t.Fatalf("release image: exit status %d (exec %d), stdout equal: %t\n%s\n%s",
			got.exitCode, execOut.exitCode, got.stdout == execOut.stdout, got.stderr, containerDiff(execOut.stdout, got.stdout))
	}
}

// containerTar makes a tar archive of empty directories, symbolic links and files.
func containerTar(t *testing.T, dirs []string, links map[string]string, files map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, d := range dirs {
		mode := int64(0o755)
		if d == "tmp" {
			mode = 0o1777
		}
		containerNoErr(t, tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: d + "/", Mode: mode}))
	}
	for name, target := range links {
		containerNoErr(t, tw.WriteHeader(&tar.Header{Typeflag: tar.TypeSymlink, Name: name, Linkname: target, Mode: 0o777}))
	}
	for name, data := range files {
		containerNoErr(t, tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: name, Mode: 0o644, Size: int64(len(data))}))
		_, err := tw.Write(data)
		containerNoErr(t, err)
	}
	containerNoErr(t, tw.Close())
	return buf.Bytes()
}

// containerImport makes an image from a root filesystem archive with `podman import`.
func containerImport(t *testing.T, env []string, image string, rootfs []byte, changes ...string) {
	t.Helper()
	args := []string{"import"}
	for _, c := range changes {
		args = append(args, "--change", c)
	}
	args = append(args, "-", image)
	if _, err := containerRun("", env, rootfs, "podman", args...); err != nil {
		t.Fatal(err)
	}
}

type containerDockerfileStage struct {
	name, from   string              // from: the base image, with the default of a build argument it names
	instructions map[string][]string // instruction → its arguments, in order
}

func (s containerDockerfileStage) String() string { return s.name + " FROM " + s.from }

// containerDockerfileStages reads the Dockerfile's stages, joining continued lines.
func containerDockerfileStages(t *testing.T, root string) []containerDockerfileStage {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	// Join continued lines; comments hold no instructions.
	text := regexp.MustCompile(`\\\n\s*`).ReplaceAllString(string(data), " ")
	from := regexp.MustCompile(`^FROM\s+(?:--platform=\S+\s+)?(\S+)\s+AS\s+(\S+)$`)
	var stages []containerDockerfileStage
	globalArgs := map[string]string{}
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if m := from.FindStringSubmatch(line); m != nil {
			image := os.Expand(m[1], func(name string) string { return globalArgs[name] })
			stages = append(stages, containerDockerfileStage{name: m[2], from: image, instructions: map[string][]string{}})
			continue
		}
		if len(stages) == 0 {
			// Before the first FROM: the ARGs that FROM lines may use, with their defaults.
			if name, value, ok := strings.Cut(strings.TrimPrefix(line, "ARG "), "="); ok && strings.HasPrefix(line, "ARG ") {
				globalArgs[name] = value
			}
			continue
		}
		key, rest, _ := strings.Cut(line, " ")
		s := stages[len(stages)-1]
		s.instructions[key] = append(s.instructions[key], strings.TrimSpace(rest))
	}
	if len(stages) == 0 {
		t.Fatal("the Dockerfile has no named stage (FROM image AS name)")
	}
	return stages
}

func containerStage(t *testing.T, stages []containerDockerfileStage, name string) containerDockerfileStage {
	t.Helper()
	for _, s := range stages {
		if s.name == name {
			return s
		}
	}
	t.Fatalf("the Dockerfile has no stage %q: %v", name, stages)
	return containerDockerfileStage{}
}

// TestContainerDockerfileRelease checks the release build without building it (its base images
// cannot be pulled here): a pinned Go builder at the module's Go version, the binary contract's
// flags with the version stamped in, a distroless static nonroot base.
func TestContainerDockerfileRelease(t *testing.T) {
	root := requireRepoRoot(t)
	gomod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	goVersion := regexp.MustCompile(`(?m)^go (\S+)$`).FindSubmatch(gomod)
	if goVersion == nil {
		t.Fatal("go.mod has no go line")
	}
	stages := containerDockerfileStages(t, root)
	if last := stages[len(stages)-1]; last.name != "release" {
		t.Errorf("the Dockerfile's last stage, its default target, is %s, want release", last)
	}
	build, release := containerStage(t, stages, "build"), containerStage(t, stages, "release")
	if want := "docker.io/library/golang:" + string(goVersion[1]); build.from != want {
		t.Errorf("build stage FROM %s, want %s (go.mod's go version, pinned)", build.from, want)
	}
	if want := "gcr.io/distroless/static-debian12:nonroot"; release.from != want {
		t.Errorf("release stage FROM %s, want %s", release.from, want)
	}
	runs := strings.Join(build.instructions["RUN"], "\n")
	for _, want := range []string{"CGO_ENABLED=0", "go build -trimpath", `-ldflags "-s -w -X main.version=${VERSION}"`, "./fn"} {
		if !strings.Contains(runs, want) {
			t.Errorf("build stage RUN lacks %q:\n%s", want, runs)
		}
	}
	if got := release.instructions["ENTRYPOINT"]; len(got) != 1 || got[0] != `["/usr/local/bin/lbguard"]` {
		t.Errorf("release ENTRYPOINT %q", got)
	}
	labels := strings.Join(release.instructions["LABEL"], " ")
	for _, want := range []string{
		`org.opencontainers.image.source="https://github.com/lbguard/lbguard"`,
		`org.opencontainers.image.version="${VERSION}"`,
		`org.opencontainers.image.licenses="Apache-2.0"`,
	} {
		if !strings.Contains(labels, want) {
			t.Errorf("release stage lacks LABEL %s", want)
		}
	}
}

func containerNoErr(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
