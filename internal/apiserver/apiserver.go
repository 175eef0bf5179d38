// Package apiserver runs a real etcd and kube-apiserver on 127.0.0.1 for tests
// and sends objects to it as server-side dry-run creates with strict field
// validation. It is the check that catches what only the API server's own
// validation knows about: a preStop sleep longer than the termination grace
// period, a probe with two handlers, a PodDisruptionBudget with both
// minAvailable and maxUnavailable, unknown or duplicate fields.
//
// Binaries:
//   - etcd from PATH (Debian package etcd-server); installed with
//     scripts/etcd-install.sh when missing and possible. LBGUARD_ETCD overrides.
//   - kube-apiserver from bin/kube-apiserver, built from tools/apiserver by
//     scripts/apiserver-build.sh (k8s.io/kubernetes at the version matching
//     the main module's k8s.io/api). LBGUARD_KUBE_APISERVER overrides. When
//     the binary is missing, Start builds it only if the test deadline leaves
//     room for a cold build; otherwise it skips and says how to build it.
//
// When a binary cannot be had, Start skips the test with the reason. Set
// LBGUARD_REQUIRE_APISERVER=1 (as CI does) to fail instead of skipping.
// Tests are skipped in -short mode.
//
// Start-up takes a few seconds, so a test binary should share one server:
// call Shared(t) from tests and Main(m) from TestMain to stop it at the end
// (a package with its own TestMain calls StopShared after m.Run):
//
//	func TestMain(m *testing.M) { os.Exit(apiserver.Main(m)) }
//
//	func TestOutputPassesServerValidation(t *testing.T) {
//		s := apiserver.Shared(t)
//		if err := s.DryRunAll(output); err != nil { // YAML stream or ResourceList
//			t.Fatal(err) // the server's messages, one per refused object
//		}
//	}
//
// At start-up it installs the CRDs in testdata/crds (Argo Rollouts' Rollout;
// the AWS Load Balancer Controller's TargetGroupBinding, IngressClassParams,
// TargetGroupConfiguration and LoadBalancerConfiguration; EKS Auto Mode's
// IngressClassParams) and the Gateway API's experimental channel from the
// module GatewayAPIModule, which `go mod download` fetches into the module
// cache; where it cannot, the tests skip (or fail, as above).
package apiserver

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Environment variables read by the harness.
const (
	EnvEtcd          = "LBGUARD_ETCD"              // path of the etcd binary
	EnvKubeAPIServer = "LBGUARD_KUBE_APISERVER"    // path of the kube-apiserver binary
	EnvRequire       = "LBGUARD_REQUIRE_APISERVER" // "1": fail instead of skip when unavailable
	EnvKeep          = "LBGUARD_APISERVER_KEEP"    // "1": keep the work directory (logs, certs) after Stop
)

const (
	startTimeout = 3 * time.Minute
	// coldBuildBudget is how much test deadline a build of kube-apiserver
	// from a cold cache needs before Start attempts it.
	// A cold build took about 10 minutes on 2 cores.
	coldBuildBudget = 40 * time.Minute
)

// GatewayAPIModule is the Gateway API release whose CRDs are installed. Its
// experimental channel is used: a superset of the standard one that still
// serves the v1alpha2 TCPRoute, UDPRoute and TLSRoute that LBC versions
// before v3.5.0 read.
const GatewayAPIModule = "sigs.k8s.io/gateway-api@v1.6.3"

// Server is a running etcd + kube-apiserver pair.
type Server struct {
	// URL is the base URL of the API server, e.g. https://127.0.0.1:41234.
	URL string
	// Token is a bearer token of a user in group system:masters.
	Token string
	// CAPEM is the PEM encoded CA certificate that signed the serving cert.
	CAPEM []byte
	// Dir holds certificates, the token file, etcd data and the logs.
	Dir string
	// StartupTime is how long Start took, binaries already present.
	StartupTime time.Duration

	client *http.Client
	etcd   *process
	kas    *process

	mu         sync.Mutex
	namespaces map[string]bool
	resources  map[string]resourceInfo // "group/version Kind" -> resource

	stopOnce sync.Once
}

// unavailableError means a binary cannot be had: tests skip.
type unavailableError struct{ msg string }

func (e *unavailableError) Error() string { return e.msg }

func unavailable(format string, args ...any) error {
	return &unavailableError{msg: fmt.Sprintf(format, args...)}
}

var shared struct {
	sync.Mutex
	started bool
	server  *Server
	err     error
}

// Shared returns the server shared by all tests of this test binary, starting
// it on first use. Call Main from TestMain so that it is stopped at the end;
// otherwise it is killed when the test binary exits (Linux parent-death
// signal) and its work directory is left behind.
func Shared(t testing.TB) *Server {
	t.Helper()
	if testing.Short() {
		t.Skip("apiserver: skipped in -short mode (needs etcd and kube-apiserver)")
	}
	shared.Lock()
	defer shared.Unlock()
	if !shared.started {
		shared.started = true
		deadline, hasDeadline := deadlineOf(t)
		shared.server, shared.err = start(deadline, hasDeadline, t.Logf)
	}
	if shared.err != nil {
		fail(t, shared.err)
	}
	return shared.server
}

// Main runs the tests and stops the shared server, if one was started. Use it
// as: func TestMain(m *testing.M) { os.Exit(apiserver.Main(m)) }
func Main(m *testing.M) int {
	code := m.Run()
	StopShared()
	return code
}

// StopShared stops the shared server, if one was started.
func StopShared() {
	shared.Lock()
	defer shared.Unlock()
	if shared.server != nil {
		shared.server.Stop()
	}
}

func fail(t testing.TB, err error) {
	t.Helper()
	var u *unavailableError
	if errors.As(err, &u) && os.Getenv(EnvRequire) != "1" {
		t.Skipf("apiserver: %v", err)
	}
	t.Fatalf("apiserver: %v", err)
}

func deadlineOf(t testing.TB) (time.Time, bool) {
	if d, ok := t.(interface{ Deadline() (time.Time, bool) }); ok {
		return d.Deadline()
	}
	return time.Time{}, false
}

// Stop stops kube-apiserver and etcd and removes the work directory.
func (s *Server) Stop() {
	s.stopOnce.Do(func() {
		if s.kas != nil {
			s.kas.stop()
		}
		if s.etcd != nil {
			s.etcd.stop()
		}
		if s.client != nil {
			s.client.CloseIdleConnections()
		}
		if os.Getenv(EnvKeep) != "1" && s.Dir != "" {
			os.RemoveAll(s.Dir)
		}
	})
}

func start(deadline time.Time, hasDeadline bool, logf func(string, ...any)) (*Server, error) {
	root, err := repoRoot()
	if err != nil {
		return nil, err
	}
	etcdBin, err := findEtcd(root, logf)
	if err != nil {
		return nil, err
	}
	kasBin, err := findKubeAPIServer(root, deadline, hasDeadline, logf)
	if err != nil {
		return nil, err
	}
	gatewayCRDs, err := gatewayAPICRDs(root)
	if err != nil {
		return nil, err
	}

	begin := time.Now()
	dir, err := os.MkdirTemp(tempBase(), "lbguard-apiserver-")
	if err != nil {
		return nil, err
	}
	s := &Server{Dir: dir, namespaces: map[string]bool{}, resources: map[string]resourceInfo{}}
	ok := false
	defer func() {
		if !ok {
			s.Stop()
		}
	}()

	pki, err := writePKI(dir)
	if err != nil {
		return nil, fmt.Errorf("certificates: %w", err)
	}
	s.Token = pki.token
	s.CAPEM = pki.caPEM

	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()

	etcdURL, err := s.startEtcd(ctx, etcdBin)
	if err != nil {
		return nil, err
	}
	etcdReady := time.Now()
	if err := s.startKubeAPIServer(ctx, kasBin, etcdURL, pki); err != nil {
		return nil, err
	}
	kasReady := time.Now()
	if err := s.installCRDs(ctx, filepath.Join(root, "testdata", "crds"), gatewayCRDs); err != nil {
		return nil, fmt.Errorf("installing CRDs: %w\n%s", err, s.kas.tail())
	}
	s.StartupTime = time.Since(begin)
	logf("apiserver: kube-apiserver at %s ready with CRDs in %s (etcd %s, kube-apiserver %s, CRDs %s; work dir %s)",
		s.URL, s.StartupTime.Round(time.Millisecond), etcdReady.Sub(begin).Round(time.Millisecond),
		kasReady.Sub(etcdReady).Round(time.Millisecond), time.Since(kasReady).Round(time.Millisecond), dir)
	ok = true
	return s, nil
}

// tempBase prefers tmpfs: etcd fsyncs on every write.
func tempBase() string {
	if fi, err := os.Stat("/dev/shm"); err == nil && fi.IsDir() {
		if f, err := os.CreateTemp("/dev/shm", "lbguard-probe-"); err == nil {
			f.Close()
			os.Remove(f.Name())
			return "/dev/shm"
		}
	}
	return os.TempDir()
}

// repoRoot finds the main module's root from the working directory (go test
// runs tests in the package directory).
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := dir; ; d = filepath.Dir(d) {
		b, err := os.ReadFile(filepath.Join(d, "go.mod"))
		if err == nil && bytes.Contains(b, []byte("module github.com/lbguard/lbguard\n")) {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("no github.com/lbguard/lbguard go.mod above %s", dir)
		}
	}
}

func findEtcd(root string, logf func(string, ...any)) (string, error) {
	if p := os.Getenv(EnvEtcd); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", unavailable("%s=%s: %v", EnvEtcd, p, err)
		}
		return p, nil
	}
	if p, err := exec.LookPath("etcd"); err == nil {
		return p, nil
	}
	script := filepath.Join(root, "scripts", "etcd-install.sh")
	logf("apiserver: etcd not found on PATH; running %s", script)
	out, err := exec.Command("bash", script).CombinedOutput()
	if err != nil {
		return "", unavailable("etcd is not installed and %s failed (%v): %s; install the Debian package etcd-server or set %s",
			script, err, strings.TrimSpace(string(out)), EnvEtcd)
	}
	for _, p := range []string{"etcd", "/usr/bin/etcd"} {
		if p, err := exec.LookPath(p); err == nil {
			return p, nil
		}
	}
	return "", unavailable("etcd still not found after %s", script)
}

func findKubeAPIServer(root string, deadline time.Time, hasDeadline bool, logf func(string, ...any)) (string, error) {
	if p := os.Getenv(EnvKubeAPIServer); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", unavailable("%s=%s: %v", EnvKubeAPIServer, p, err)
		}
		return p, nil
	}
	bin := filepath.Join(root, "bin", "kube-apiserver")
	if _, err := os.Stat(bin); err == nil {
		return bin, nil
	}
	script := filepath.Join(root, "scripts", "apiserver-build.sh")
	if hasDeadline && time.Until(deadline) < coldBuildBudget {
		return "", unavailable("%s is missing; build it first with %s (make apiserver), or run go test with -timeout 0 or >= %s so that the test builds it",
			bin, script, coldBuildBudget)
	}
	if _, err := exec.LookPath("go"); err != nil {
		return "", unavailable("%s is missing and there is no go command to build it", bin)
	}
	logf("apiserver: %s is missing; building it with %s (slow on a cold build cache)", bin, script)
	begin := time.Now()
	out, err := exec.Command("bash", script).CombinedOutput()
	if err != nil {
		return "", unavailable("%s is missing and %s failed (%v):\n%s", bin, script, err, lastLines(out, 30))
	}
	logf("apiserver: built %s in %s", bin, time.Since(begin).Round(time.Second))
	return bin, nil
}

// gatewayAPICRDs returns the directory of GatewayAPIModule's experimental
// CRDs in the module cache, downloading the module when it is not there.
func gatewayAPICRDs(root string) (string, error) {
	cmd := exec.Command("go", "mod", "download", "-json", GatewayAPIModule)
	cmd.Dir = root
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	var mod struct{ Dir, Error string }
	_ = json.Unmarshal(out, &mod)
	if err != nil || mod.Dir == "" {
		return "", unavailable("the Gateway API CRDs cannot be had: go mod download %s failed (%v): %s",
			GatewayAPIModule, err, strings.TrimSpace(mod.Error+"\n"+stderr.String()))
	}
	dir := filepath.Join(mod.Dir, "config", "crd", "experimental")
	if _, err := os.Stat(dir); err != nil {
		return "", fmt.Errorf("the Gateway API CRDs: %w", err)
	}
	return dir, nil
}

func freePorts(n int) ([]int, error) {
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	var ports []int
	for i := 0; i < n; i++ {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

func (s *Server) startEtcd(ctx context.Context, bin string) (string, error) {
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		ports, err := freePorts(2)
		if err != nil {
			return "", err
		}
		client := "http://127.0.0.1:" + strconv.Itoa(ports[0])
		peer := "http://127.0.0.1:" + strconv.Itoa(ports[1])
		data := filepath.Join(s.Dir, fmt.Sprintf("etcd-data-%d", attempt))
		p, err := startProcess(bin, filepath.Join(s.Dir, "etcd.log"),
			"--name=lbguard",
			"--data-dir="+data,
			"--listen-client-urls="+client,
			"--advertise-client-urls="+client,
			"--listen-peer-urls="+peer,
			"--initial-advertise-peer-urls="+peer,
			"--initial-cluster=lbguard="+peer,
			"--initial-cluster-state=new",
			"--snapshot-count=100000",
			"--quota-backend-bytes=1073741824",
			"--log-level=warn",
			"--logger=zap",
		)
		if err != nil {
			return "", fmt.Errorf("starting etcd: %w", err)
		}
		s.etcd = p
		err = waitFor(ctx, p, 30*time.Second, func(ctx context.Context) error {
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, client+"/health", nil)
			if err != nil {
				return err
			}
			resp, err := (&http.Client{Transport: &http.Transport{Proxy: nil}}).Do(req)
			if err != nil {
				return err
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != http.StatusOK || !bytes.Contains(b, []byte(`"health":"true"`)) {
				return fmt.Errorf("etcd /health: %d %s", resp.StatusCode, b)
			}
			return nil
		})
		if err == nil {
			return client, nil
		}
		lastErr = fmt.Errorf("etcd did not become healthy: %w\n%s", err, p.tail())
		p.stop()
		s.etcd = nil
	}
	return "", lastErr
}

func (s *Server) startKubeAPIServer(ctx context.Context, bin, etcdURL string, pki *pkiFiles) error {
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pki.caPEM)
	s.client = &http.Client{
		Timeout: 60 * time.Second,
		Transport: &http.Transport{
			TLSClientConfig:     &tls.Config{RootCAs: pool, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12},
			MaxIdleConnsPerHost: 8,
			Proxy:               nil, // loopback only, never through a proxy
		},
	}
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		ports, err := freePorts(1)
		if err != nil {
			return err
		}
		port := strconv.Itoa(ports[0])
		s.URL = "https://127.0.0.1:" + port
		p, err := startProcess(bin, filepath.Join(s.Dir, "kube-apiserver.log"),
			"--etcd-servers="+etcdURL,
			"--etcd-prefix=/registry",
			"--bind-address=127.0.0.1",
			"--advertise-address=127.0.0.1",
			"--secure-port="+port,
			"--cert-dir="+filepath.Join(s.Dir, "certs"),
			"--tls-cert-file="+pki.servingCert,
			"--tls-private-key-file="+pki.servingKey,
			"--client-ca-file="+pki.caCert,
			"--token-auth-file="+pki.tokenFile,
			"--authorization-mode=RBAC",
			"--anonymous-auth=false",
			"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
			"--service-account-key-file="+pki.saPub,
			"--service-account-signing-key-file="+pki.saKey,
			"--service-cluster-ip-range=10.96.0.0/16",
			"--endpoint-reconciler-type=none",
			"--allow-privileged=true",
			"--enable-priority-and-fairness=false",
			"--profiling=false",
			"--v=1",
		)
		if err != nil {
			return fmt.Errorf("starting kube-apiserver: %w", err)
		}
		s.kas = p
		err = waitFor(ctx, p, 90*time.Second, func(ctx context.Context) error {
			code, body, err := s.do(ctx, http.MethodGet, "/readyz", "", nil)
			if err != nil {
				return err
			}
			if code != http.StatusOK {
				return fmt.Errorf("/readyz: %d %s", code, lastLines(body, 10))
			}
			return nil
		})
		if err == nil {
			return nil
		}
		lastErr = fmt.Errorf("kube-apiserver did not become ready: %w\n%s", err, p.tail())
		p.stop()
		s.kas = nil
		if ctx.Err() != nil || !p.exited() {
			break // a hang is not a port race: do not retry
		}
	}
	return lastErr
}

// do sends a request to the API server with the bearer token.
func (s *Server) do(ctx context.Context, method, path, contentType string, body []byte) (int, []byte, error) {
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, s.URL+path, r)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+s.Token)
	req.Header.Set("Accept", "application/json")
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

func waitFor(ctx context.Context, p *process, limit time.Duration, check func(context.Context) error) error {
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	var last error
	for {
		if p.exited() {
			return fmt.Errorf("process exited: %v", p.waitErr())
		}
		cctx, ccancel := context.WithTimeout(ctx, 5*time.Second)
		last = check(cctx)
		ccancel()
		if last == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("timed out after %s: %v", limit, last)
		case <-time.After(150 * time.Millisecond):
		}
	}
}

// process is a child process whose output goes to a log file.
type process struct {
	name string
	cmd  *exec.Cmd
	log  string
	done chan struct{}
	err  error
}

// The children are started from one goroutine locked to its OS thread that
// lives as long as the test binary, so that Pdeathsig (sent when the thread
// that started the child exits) fires only when the test binary dies.
var spawner struct {
	once sync.Once
	reqs chan spawnReq
}

type spawnReq struct {
	cmd  *exec.Cmd
	done chan error
}

func spawn(cmd *exec.Cmd) error {
	spawner.once.Do(func() {
		spawner.reqs = make(chan spawnReq)
		go func() {
			runtime.LockOSThread() // never unlocked: the thread lives on
			for r := range spawner.reqs {
				r.done <- r.cmd.Start()
			}
		}()
	})
	done := make(chan error)
	spawner.reqs <- spawnReq{cmd, done}
	return <-done
}

func startProcess(bin, logPath string, args ...string) (*process, error) {
	f, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdout = f
	cmd.Stderr = f
	cmd.Env = childEnv()
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := spawn(cmd); err != nil {
		f.Close()
		return nil, err
	}
	p := &process{name: filepath.Base(bin), cmd: cmd, log: logPath, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		f.Close()
		close(p.done)
	}()
	return p, nil
}

// childEnv drops proxy settings: everything here is on loopback.
func childEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch strings.ToUpper(k) {
		case "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY":
			continue
		}
		env = append(env, kv)
	}
	return env
}

func (p *process) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

func (p *process) waitErr() error {
	<-p.done
	return p.err
}

func (p *process) stop() {
	if p.exited() {
		return
	}
	_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
		<-p.done
	}
}

// tail returns the end of the process log, for error messages.
func (p *process) tail() string {
	b, err := os.ReadFile(p.log)
	if err != nil {
		return ""
	}
	return fmt.Sprintf("--- last lines of %s (%s) ---\n%s", p.name, p.log, lastLines(b, 40))
}

func lastLines(b []byte, n int) string {
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
