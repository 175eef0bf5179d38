package apiserver

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// recorder is a testing.TB whose Skipf and Fatalf are recorded, not run:
// the harness's own failure paths, tested without ending the test.
type recorder struct {
	testing.TB
	skipped, fatal string
}

type stopped struct{}

func (r *recorder) Helper() {}

// Skipf and Fatalf end the call as testing.T's do, by unwinding it.
func (r *recorder) Skipf(format string, a ...any) {
	r.skipped = fmt.Sprintf(format, a...)
	panic(stopped{})
}

func (r *recorder) Fatalf(format string, a ...any) {
	r.fatal = fmt.Sprintf(format, a...)
	panic(stopped{})
}

// run calls f with r, as far as f goes.
func (r *recorder) run(f func(testing.TB)) {
	defer func() {
		if v := recover(); v != nil {
			if _, ok := v.(stopped); !ok {
				panic(v)
			}
		}
	}()
	f(r)
}

func TestFailSkipsOnlyWhatIsUnavailable(t *testing.T) {
	t.Setenv(EnvRequire, "")
	r := &recorder{TB: t}
	r.run(func(tb testing.TB) { fail(tb, unavailable("etcd is not installed")) })
	if r.skipped != "apiserver: etcd is not installed" || r.fatal != "" {
		t.Fatalf("unavailable, not required: skipped %q, fatal %q", r.skipped, r.fatal)
	}
	t.Setenv(EnvRequire, "1")
	r = &recorder{TB: t}
	r.run(func(tb testing.TB) { fail(tb, unavailable("etcd is not installed")) })
	if r.fatal != "apiserver: etcd is not installed" || r.skipped != "" {
		t.Fatalf("unavailable, required: skipped %q, fatal %q", r.skipped, r.fatal)
	}
	t.Setenv(EnvRequire, "")
	r = &recorder{TB: t}
	r.run(func(tb testing.TB) { fail(tb, errors.New("kube-apiserver exited")) })
	if r.fatal != "apiserver: kube-apiserver exited" || r.skipped != "" {
		t.Fatalf("a failure: skipped %q, fatal %q", r.skipped, r.fatal)
	}
}

func TestDeadlineOf(t *testing.T) {
	if _, has := deadlineOf(&recorder{TB: t}); has {
		t.Fatal("a testing.TB without Deadline has a deadline")
	}
	want, wantHas := t.Deadline()
	if got, has := deadlineOf(t); got != want || has != wantHas {
		t.Fatalf("deadlineOf(t) = %v, %v; want %v, %v", got, has, want, wantHas)
	}
}

func TestFindBinariesFromTheEnvironment(t *testing.T) {
	logf := func(string, ...any) {}
	root := t.TempDir()
	missing := filepath.Join(root, "nowhere")
	t.Setenv(EnvEtcd, missing)
	if _, err := findEtcd(root, logf); err == nil || !strings.HasPrefix(err.Error(), EnvEtcd+"="+missing+": ") {
		t.Fatalf("findEtcd with a missing %s: %v", EnvEtcd, err)
	}
	t.Setenv(EnvKubeAPIServer, missing)
	if _, err := findKubeAPIServer(root, time.Time{}, false, logf); err == nil || !strings.HasPrefix(err.Error(), EnvKubeAPIServer+"="+missing+": ") {
		t.Fatalf("findKubeAPIServer with a missing %s: %v", EnvKubeAPIServer, err)
	}
	bin := filepath.Join(root, "bin")
	if err := os.WriteFile(bin, nil, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv(EnvEtcd, bin)
	t.Setenv(EnvKubeAPIServer, bin)
	if p, err := findEtcd(root, logf); p != bin || err != nil {
		t.Fatalf("findEtcd = %q, %v; want %s", p, err, bin)
	}
	if p, err := findKubeAPIServer(root, time.Time{}, false, logf); p != bin || err != nil {
		t.Fatalf("findKubeAPIServer = %q, %v; want %s", p, err, bin)
	}
	// From PATH, and from root/bin.
	t.Setenv(EnvEtcd, "")
	if path, err := exec.LookPath("etcd"); err == nil {
		if p, err := findEtcd(root, logf); p != path || err != nil {
			t.Fatalf("findEtcd = %q, %v; want %s from PATH", p, err, path)
		}
	}
	t.Setenv(EnvKubeAPIServer, "")
	withBin := t.TempDir()
	if err := os.MkdirAll(filepath.Join(withBin, "bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(withBin, "bin", "kube-apiserver"), nil, 0o755); err != nil {
		t.Fatal(err)
	}
	if p, err := findKubeAPIServer(withBin, time.Time{}, false, logf); p != filepath.Join(withBin, "bin", "kube-apiserver") || err != nil {
		t.Fatalf("findKubeAPIServer = %q, %v; want the one in bin/", p, err)
	}
	// No binary in root/bin and too little time left to build one.
	t.Setenv(EnvKubeAPIServer, "")
	_, err := findKubeAPIServer(root, time.Now().Add(time.Minute), true, logf)
	var u *unavailableError
	if !errors.As(err, &u) || !strings.Contains(err.Error(), "is missing; build it first with") {
		t.Fatalf("findKubeAPIServer with a near deadline: %v", err)
	}
}

func TestProcessStopAndTail(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "sleep.log")
	p, err := startProcess("/bin/sh", log, "-c", "echo started; exec sleep 60")
	if err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if b, _ := os.ReadFile(log); strings.Contains(string(b), "started") || time.Now().After(deadline) {
			break
		}
	}
	if p.exited() {
		t.Fatal("the process exited before it was stopped")
	}
	p.stop()
	if !p.exited() || p.waitErr() == nil {
		t.Fatalf("after stop: exited %v, error %v; want a process ended by SIGTERM", p.exited(), p.waitErr())
	}
	p.stop() // stopping again does nothing
	if got, want := p.tail(), "--- last lines of sh ("+log+") ---\nstarted"; got != want {
		t.Fatalf("tail = %q, want %q", got, want)
	}
	p.log = filepath.Join(dir, "gone.log")
	if got := p.tail(); got != "" {
		t.Fatalf("tail of a missing log = %q, want nothing", got)
	}
}

func TestStopRemovesTheWorkDirectory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "work")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv(EnvKeep, "")
	s := &Server{Dir: dir}
	s.Stop()
	s.Stop() // once
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("the work directory is still there: %v", err)
	}
}

func TestLastLines(t *testing.T) {
	if got := lastLines([]byte("1\n2\n3\n4\n"), 2); got != "3\n4" {
		t.Fatalf("lastLines = %q, want the last two", got)
	}
	if got := lastLines([]byte("1\n2"), 5); got != "1\n2" {
		t.Fatalf("lastLines = %q, want all", got)
	}
}

func TestIsNotFoundResource(t *testing.T) {
	if !isNotFoundResource([]byte(`{"message":"the server could not find the requested resource"}`)) || isNotFoundResource([]byte(`{"message":"forbidden"}`)) {
		t.Fatal("isNotFoundResource does not tell the two apart")
	}
}

func TestStopStopsItsProcesses(t *testing.T) {
	dir := t.TempDir()
	var procs []*process
	for _, name := range []string{"kas", "etcd"} {
		p, err := startProcess("/bin/sleep", filepath.Join(dir, name+".log"), "60")
		if err != nil {
			t.Fatal(err)
		}
		procs = append(procs, p)
	}
	t.Setenv(EnvKeep, "1")
	s := &Server{Dir: dir, kas: procs[0], etcd: procs[1], client: &http.Client{}}
	s.Stop()
	for _, p := range procs {
		if !p.exited() {
			t.Fatalf("%s still runs after Stop", p.name)
		}
	}
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("%s=1, yet the work directory is gone: %v", EnvKeep, err)
	}
}

func TestSplitObjectsRefuses(t *testing.T) {
	for in, want := range map[string]string{
		"a: [\n":                     "document 0: ",
		"apiVersion: v1\n---\n- a\n": "document 1: ",
	} {
		if _, err := SplitObjects([]byte(in)); err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("SplitObjects(%q) = %v, want an error naming %q", in, err, want)
		}
	}
	objs, err := SplitObjects([]byte("apiVersion: v1\nkind: List\nitems:\n- {kind: Service}\n- {kind: Pod}\n---\n---\nkind: Secret\n"))
	if err != nil || len(objs) != 3 || string(objs[2]) != `{"kind":"Secret"}` {
		t.Fatalf("SplitObjects = %q, %v; want the List's two items and the Secret", objs, err)
	}
}

// Without etcd on PATH, nor bash to run the install script, nor go to build
// kube-apiserver, the harness says what is unavailable.
func TestFindBinariesWithNothingOnPath(t *testing.T) {
	root := t.TempDir()
	t.Setenv(EnvEtcd, "")
	t.Setenv(EnvKubeAPIServer, "")
	t.Setenv("PATH", t.TempDir())
	var logged []string
	logf := func(format string, a ...any) { logged = append(logged, fmt.Sprintf(format, a...)) }
	_, err := findEtcd(root, logf)
	var u *unavailableError
	if !errors.As(err, &u) || !strings.HasPrefix(err.Error(), "etcd is not installed and "+filepath.Join(root, "scripts", "etcd-install.sh")+" failed") {
		t.Fatalf("findEtcd: %v", err)
	}
	_, err = findKubeAPIServer(root, time.Time{}, false, logf)
	if !errors.As(err, &u) || err.Error() != filepath.Join(root, "bin", "kube-apiserver")+" is missing and there is no go command to build it" {
		t.Fatalf("findKubeAPIServer: %v", err)
	}
	if len(logged) != 1 || !strings.HasPrefix(logged[0], "apiserver: etcd not found on PATH; running ") {
		t.Fatalf("logged %q", logged)
	}
}
