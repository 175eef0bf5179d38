package render

import (
	"bytes"
	"encoding/base64"
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/lbguard/lbguard/internal/testkit"
)

// The attacks of docs/security.md on charts, each a chart that a pull
// request could hold.

const testToken = "ghp_0123456789abcdefABCDEF0123456789ab"

// secretForms are the token as a chart could print it.
var secretForms = []string{
	testToken,
	base64.StdEncoding.EncodeToString([]byte(testToken)),
	base64.StdEncoding.EncodeToString([]byte("LBGUARD_TEST_TOKEN=" + testToken)),
	"0123456789abcdef",
}

func checkNoSecret(t *testing.T, msg string) {
	t.Helper()
	for _, s := range secretForms {
		if strings.Contains(msg, s) {
			t.Errorf("the message shows %q: %s", s, msg)
		}
	}
}

// echoTemplates print .Files.Get "files/env" through fail, plainly and in
// base64 (which a CI runner's masking of secrets does not recognise).
var echoTemplates = map[string]string{
	"chart/Chart.yaml":           chartYAML,
	"chart/templates/plain.yaml": `{{ fail (.Files.Get "files/env") }}`,
	"chart/templates/b64.yaml":   `{{ fail (.Files.Get "files/env" | b64enc) }}`,
}

func TestChartSymlinkToSecretsRefused(t *testing.T) {
	t.Setenv("LBGUARD_TEST_TOKEN", testToken)
	outside := filepath.Join(t.TempDir(), "ci-secrets")
	helmFiles(t, outside, map[string]string{"env": "LBGUARD_TEST_TOKEN=" + testToken + "\n"})
	for _, target := range []string{"/proc/self/environ", filepath.Join(outside, "env")} {
		t.Run(target, func(t *testing.T) {
			root := helmRepo(t, echoTemplates)
			dir := filepath.Join(root, "chart")
			helmLink(t, target, filepath.Join(dir, "files/env"))
			want := "helm chart " + dir + ": files/env: outside the repository root: lbguard reads nothing outside it"
			// As audit reads it, and with no root given (FindRoot's).
			msg := loadError(t, []string{dir}, Options{})
			_, err := renderChart(dir, Options{})
			for _, got := range []string{msg, errString(err)} {
				if got != want {
					t.Errorf("error\n%s\nwant\n%s", got, want)
				}
				checkNoSecret(t, got)
			}
		})
	}
}

func errString(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

// A secret that is in the repository is still taken out of what fail
// prints, and the file and line Helm gives stay.
func TestChartErrorsQuiet(t *testing.T) {
	root := helmRepo(t, map[string]string{
		"chart/Chart.yaml":  chartYAML,
		"chart/values.yaml": "token: LBGUARD_TEST_TOKEN=" + testToken + "\n",
		"chart/files/env":   "LBGUARD_TEST_TOKEN=" + testToken,
	})
	dir := filepath.Join(root, "chart")
	long := strings.Repeat("filler words ", 60)
	for _, tc := range []struct {
		name, template, want string
		opts                 Options
	}{{
		name:     "fail",
		template: `{{ fail (.Files.Get "files/env") }}`,
		want:     "execution error at (c/templates/t.yaml:1:3): [redacted]",
	}, {
		name:     "fail in base64",
		template: `{{ fail (.Files.Get "files/env" | b64enc) }}`,
		want:     "execution error at (c/templates/t.yaml:1:3): [redacted]",
	}, {
		name:     "required",
		template: "a: 1\n{{ required (printf \"no value, have %s\" .Values.token) .Values.none }}",
		want:     "execution error at (c/templates/t.yaml:2:3): no value, have [redacted]",
	}, {
		name:     "tpl",
		template: `{{ tpl (printf "{{ .x %s }}" .Values.token) . }}`,
		want:     `template: c/templates/t.yaml:1:3: executing "c/templates/t.yaml" at <tpl (printf "{{ .x %s }}" .Values.token) .>: error calling tpl: cannot parse template "{{ .x [redacted] }}": template: gotpl:1: bad character U+003D '='`,
	}, {
		name:     "parse error",
		template: "{{ if }}",
		want:     "parse error at (c/templates/t.yaml:1): missing value for if",
	}, {
		name:     "long",
		template: "{{ fail (printf \"%s%s\" .Values.token \"" + long + "\") }}",
		// The token runs into the first word; the rest is cut at 400.
		want: ("execution error at (c/templates/t.yaml:1:3): [redacted] words" + strings.Repeat(" filler words", 59))[:400] + "…",
	}, {
		name:     "a --set value",
		template: "a: 1",
		opts:     Options{Set: []string{"token=LBGUARD_TEST_TOKEN=" + testToken + ",x"}},
		want:     `--set [redacted],x: key "x" has no value`,
	}} {
		t.Run(tc.name, func(t *testing.T) {
			helmFiles(t, dir, map[string]string{"templates/t.yaml": tc.template})
			got := loadError(t, []string{dir}, tc.opts)
			if want := "helm chart " + dir + ": " + tc.want; got != want {
				t.Errorf("error\n%s\nwant\n%s", got, want)
			}
			checkNoSecret(t, got)
		})
	}
}

// Quiet takes out what looks like a token; the chart's file names, which
// can look like one, stay.
func TestChartErrorsKeepFileNames(t *testing.T) {
	root := helmRepo(t, map[string]string{
		"payments-service-v2/Chart.yaml":                          "apiVersion: v2\nname: payments-service-v2\nversion: 0.1.0\n",
		"payments-service-v2/templates/deployment-canary-v2.yaml": "a: 1\n{{ .Values.x.y }}",
	})
	dir := filepath.Join(root, "payments-service-v2")
	got := loadError(t, []string{dir}, Options{})
	want := "helm chart " + dir + `: payments-service-v2/templates/deployment-canary-v2.yaml:2:10 executing "payments-service-v2/templates/deployment-canary-v2.yaml" at <.Values.x.y>: nil pointer evaluating interface {}.y`
	if got != want {
		t.Errorf("error\n%s\nwant\n%s", got, want)
	}
}

// What .helmignore leaves out is not read: a chart that ignores its
// symlink to the job's environment renders.
func TestChartIgnoredSymlinkRenders(t *testing.T) {
	t.Setenv("LBGUARD_TEST_TOKEN", testToken)
	root := helmRepo(t, map[string]string{
		"chart/Chart.yaml":        chartYAML,
		"chart/.helmignore":       "files/env\n",
		"chart/templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  env: {{ .Files.Get \"files/env\" | quote }}\n",
	})
	dir := filepath.Join(root, "chart")
	helmLink(t, "/proc/self/environ", filepath.Join(dir, "files/env"))
	set := load(t, []string{dir}, Options{})
	equalLines(t, "documents", located(set.Documents), []string{"v1 ConfigMap cm @ " + dir + " (templates/cm.yaml)"})
	if env := value(t, set.Documents[0], "data", "env"); env != "" {
		t.Errorf(".Files.Get of the ignored file = %q, want nothing", env)
	}
}

// A chart file that is /dev/zero or a FIFO is refused at once.
func TestChartDeviceAndFIFORefused(t *testing.T) {
	root := helmRepo(t, map[string]string{
		"zero/Chart.yaml":        chartYAML,
		"fifo/Chart.yaml":        chartYAML,
		"fifo/templates/cm.yaml": "a: 1\n",
	})
	helmLink(t, "/dev/zero", filepath.Join(root, "zero/templates/zero.yaml"))
	if err := mkfifo(filepath.Join(root, "fifo/templates/pipe.yaml")); err != nil {
		t.Fatal(err)
	}
	for chart, want := range map[string]string{
		"zero": "templates/zero.yaml: outside the repository root: lbguard reads nothing outside it",
		"fifo": "templates/pipe.yaml: not a regular file (a FIFO): lbguard reads only regular files",
	} {
		dir := filepath.Join(root, chart)
		done := make(chan string, 1)
		go func() { done <- loadError(t, []string{dir}, Options{}) }()
		select {
		case got := <-done:
			if want := "helm chart " + dir + ": " + want; got != want {
				t.Errorf("error\n%s\nwant\n%s", got, want)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("chart %s: loading hangs", chart)
		}
	}
}

// What a chart renders is held to MaxFileBytes and maxChartDocuments, and
// a function cannot ask for more than that in one piece.
func TestChartOutputBounded(t *testing.T) {
	for _, tc := range []struct{ name, template, want string }{{
		name:     "bytes",
		template: `{{ repeat 67108864 "x" }}y`,
		want:     "the templates rendered more than 64 MiB, the most lbguard reads of one chart: exclude it or lower what it renders",
	}, {
		name:     "documents",
		template: `{{ range until 100001 }}---{{ "\n" }}a: b{{ "\n" }}{{ end }}`,
		want:     "the templates rendered more than 100000 YAML documents, the most lbguard reads of one chart: exclude it or lower what it renders",
	}, {
		name:     "repeat",
		template: `{{ repeat 100000000000 "x" }}`,
		want:     `template: c/templates/t.yaml:1:3: executing "c/templates/t.yaml" at <repeat 100000000000 "x">: error calling repeat: repeat: would take more than 64 MiB, the most lbguard renders of one chart`,
	}, {
		name:     "indent",
		template: `{{ "a\nb" | indent 100000000000 }}`,
		want:     `template: c/templates/t.yaml:1:12: executing "c/templates/t.yaml" at <indent 100000000000>: error calling indent: indent: would take more than 64 MiB, the most lbguard renders of one chart`,
	}, {
		name:     "randAlphaNum",
		template: `{{ randAlphaNum 100000000000 }}`,
		want:     `template: c/templates/t.yaml:1:3: executing "c/templates/t.yaml" at <randAlphaNum 100000000000>: error calling randAlphaNum: randAlphaNum: would take more than 64 MiB, the most lbguard renders of one chart`,
	}, {
		name:     "in tpl",
		template: `{{ tpl "{{ repeat 100000000000 \"x\" }}" . }}`,
		want:     `template: c/templates/t.yaml:1:3: executing "c/templates/t.yaml" at <tpl "{{ repeat 100000000000 \"x\" }}" .>: error calling tpl: error during tpl function execution for "{{ repeat 100000000000 \"x\" }}": template: gotpl:1:3: executing "gotpl" at <repeat 100000000000 "x">: error calling repeat: repeat: would take more than 64 MiB, the most lbguard renders of one chart`,
	}} {
		t.Run(tc.name, func(t *testing.T) {
			root := helmRepo(t, map[string]string{"chart/Chart.yaml": chartYAML, "chart/templates/t.yaml": tc.template})
			dir := filepath.Join(root, "chart")
			got := loadError(t, []string{dir}, Options{})
			if want := "helm chart " + dir + ": " + tc.want; got != want {
				t.Errorf("error\n%s\nwant\n%s", got, want)
			}
		})
	}
}

// A chart that renders without end stops the run: one line on stderr
// naming the chart and the budget, exit status 2, no Go stack trace, in
// seconds and near the budget's memory. Helm's engine cannot be stopped
// half way, so this runs lbguard itself.
func TestChartOverBudgetEndsTheRun(t *testing.T) {
	if testing.Short() {
		t.Skip("builds lbguard and renders charts of a GiB")
	}
	bin := filepath.Join(t.TempDir(), "lbguard")
	build := exec.Command("go", "build", "-o", bin, "./fn")
	build.Dir = testkit.Root(t)
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	const (
		memory = "rendering took more than 1 GiB of memory"
		stack  = "rendering recursed through more than 256 MiB of stack"
		tail   = " (the most one chart or kustomization may take): stopped; exclude it or lower what it renders\n"
	)
	for _, tc := range []struct {
		name  string
		files map[string]string
		want  string
	}{{
		name:  "100M lines",
		files: map[string]string{"templates/a.yaml": `{{ range until 100000000 }}x: y{{ "\n" }}{{ end }}`},
		want:  memory,
	}, {
		name: "tpl recursion",
		files: map[string]string{
			"values.yaml":      `a: "{{ tpl .Values.a . }}"`,
			"templates/a.yaml": `{{ tpl .Values.a . }}`,
		},
		want: memory,
	}, {
		// 99 990 nested template calls between one tpl and the next: the
		// stack grows faster than the heap.
		name: "tpl recursion through deep templates",
		files: map[string]string{
			"values.yaml":      `a: '{{ template "d" (dict "n" 0 "top" .) }}'`,
			"templates/_d.tpl": `{{- define "d" -}}{{- if lt .n 99990 -}}{{- template "d" (dict "n" (add1 .n) "top" .top) -}}{{- else -}}{{ tpl .top.Values.a .top }}{{- end -}}{{- end -}}`,
			"templates/a.yaml": `{{ tpl .Values.a . }}`,
		},
		want: stack,
	}} {
		t.Run(tc.name, func(t *testing.T) {
			root := helmRepo(t, map[string]string{"bomb/Chart.yaml": chartYAML})
			helmFiles(t, filepath.Join(root, "bomb"), tc.files)
			cmd := exec.Command(bin, "audit", "bomb")
			cmd.Dir = root
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			start := time.Now()
			err := cmd.Run()
			took := time.Since(start)
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != 2 {
				t.Errorf("exit: %v, want status 2", err)
			}
			if want := "lbguard: helm chart bomb: " + tc.want + tail; stderr.String() != want {
				t.Errorf("stderr\n%.2000s\nwant\n%s", stderr.String(), want)
			}
			if s := stderr.String(); strings.Contains(s, "goroutine") || strings.Contains(s, "runtime.") {
				t.Errorf("a Go stack trace:\n%.2000s", s)
			}
			if stdout.Len() != 0 {
				t.Errorf("stdout %.500q", stdout.String())
			}
			if took > 50*time.Second {
				t.Errorf("stopped after %v", took)
			}
			if rss := maxRSS(cmd); rss > 3<<30 {
				t.Errorf("peak RSS %d MiB", rss>>20)
			}
			t.Logf("stopped after %v, peak RSS %d MiB", took.Round(time.Millisecond), maxRSS(cmd)>>20)
		})
	}
}

// maxRSS is the peak resident memory of a process that ended, in bytes
// (getrusage gives KiB on Linux).
func maxRSS(cmd *exec.Cmd) int64 {
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		return int64(ru.Maxrss) << 10
	}
	return 0
}

// A --values file inside the repository is read through its root; one
// outside it is the operator's own. Either must be a regular file.
func TestChartValuesFilesConfined(t *testing.T) {
	root := helmRepo(t, map[string]string{
		"chart/Chart.yaml":        chartYAML,
		"chart/templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Values.name }}\n",
		"ci/values.yaml":          "name: from-the-repository\n",
	})
	dir := filepath.Join(root, "chart")
	outside := t.TempDir()
	helmFiles(t, outside, map[string]string{"values.yaml": "name: from-outside\n", "secret": "name: " + testToken + "\n"})
	helmLink(t, filepath.Join(outside, "secret"), filepath.Join(root, "ci/linked.yaml"))
	for _, p := range []string{filepath.Join(root, "ci/pipe.yaml"), filepath.Join(outside, "pipe.yaml")} {
		if err := mkfifo(p); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct{ file, want string }{
		{filepath.Join(root, "ci/values.yaml"), "v1 ConfigMap from-the-repository"},
		{filepath.Join(outside, "values.yaml"), "v1 ConfigMap from-outside"},
		{filepath.Join(root, "ci/linked.yaml"), "outside the repository root: lbguard reads nothing outside it"},
		{filepath.Join(root, "ci/pipe.yaml"), "not a regular file (a FIFO): lbguard reads only regular files"},
		{filepath.Join(outside, "pipe.yaml"), "not a regular file (a FIFO): lbguard reads only regular files"},
	} {
		done := make(chan string, 1)
		go func() {
			set, err := Load([]string{dir}, Options{ValueFiles: []string{tc.file}})
			if err != nil {
				done <- err.Error()
				return
			}
			done <- set.Documents[0].Resource()
		}()
		select {
		case got := <-done:
			want := tc.want
			if !strings.HasPrefix(want, "v1 ") {
				want = "helm chart " + dir + ": --values: open " + tc.file + ": " + want
			}
			if got != want {
				t.Errorf("--values %s:\n%s\nwant\n%s", tc.file, got, want)
			}
			checkNoSecret(t, got)
		case <-time.After(10 * time.Second):
			t.Fatalf("--values %s hangs", tc.file)
		}
	}
}
