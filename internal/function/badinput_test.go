package function

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/internal/krmio"
)

// The bad-input table of the README ("Limits and bad input"): each case runs
// the whole function on testdata/badinput/<file> and checks the exit status,
// the exact stderr, and either an empty stdout or an output that parses with
// every input item in it, unchanged where lbguard could not read the input.
func TestBadInput(t *testing.T) {
	tests := []struct {
		file   string
		status int
		// stderr is the whole of stderr when stdout must stay empty, else
		// the lines it must hold (the summary and each error).
		stderr []string
		// errors are the messages of the error results, in order.
		errors []string
		// unchanged: every input item comes out as it went in.
		unchanged bool
	}{
		{
			file:   "not-yaml.yaml",
			status: 1,
			stderr: []string{`lbguard: stdin is not YAML: yaml: line 2: did not find expected ',' or '}'`},
		},
		{
			file:   "not-a-resource-list.yaml",
			status: 1,
			stderr: []string{`lbguard: stdin is of kind "Deployment"; expected a ResourceList (apiVersion: config.kubernetes.io/v1)`},
		},
		{
			file:   "several-documents.yaml",
			status: 1,
			stderr: []string{`lbguard: stdin holds 2 YAML documents (the second at line 5); expected a single ResourceList`},
		},
		{
			file:   "items-not-objects.yaml",
			status: 1,
			stderr: []string{`lbguard: items[1] is the number 1, not a resource: every item must be a map with apiVersion, kind and metadata`},
		},
		{
			file:   "alias-bomb.yaml",
			status: 1,
			stderr: []string{`lbguard: items[0] (ConfigMap laughs) holds YAML aliases that expand the list to more than 100138 nodes (138 written): an alias bomb, refused (README: Limits and bad input)`},
		},
		{
			file:   "alias-cycle.yaml",
			status: 1,
			stderr: []string{`lbguard: items[0] (ConfigMap loop) holds the YAML alias *loop inside its own anchor (line 10): it would expand forever`},
		},
		{
			file:   "deep-nesting.yaml",
			status: 1,
			stderr: []string{`lbguard: items[0] (ConfigMap deep) nests maps and lists deeper than 1000 levels (line 10), the most lbguard reads (README: Limits and bad input)`},
		},
		{
			file:   "duplicate-key.yaml",
			status: 1,
			stderr: []string{`lbguard: items[0] (Service web): duplicate key "kind" at lines 7 and 16: lbguard cannot tell which value the cluster would get (two files joined without ---?)`},
		},
		{
			file:   "duplicate-key-nested.yaml",
			status: 1,
			stderr: []string{`lbguard: items[0] (Deployment shop/web): duplicate key "app" in spec.template.metadata.labels at lines 18 and 20: lbguard cannot tell which value the cluster would get (two files joined without ---?)`},
		},
		{
			file:   "duplicate-key-config.yaml",
			status: 1,
			stderr: []string{`lbguard: functionConfig: duplicate key "deregistrationDelaySeconds" in spec at lines 10 and 11: lbguard cannot tell which value is meant`},
		},
		{
			file:   "wrong-types.yaml",
			status: 1,
			stderr: []string{
				`lbguard: error: Deployment web-containers: spec.template.spec.containers must be a list of containers`,
				`lbguard: error: Deployment web-grace: spec.template.spec.terminationGracePeriodSeconds must be a whole number of seconds, 0 or more`,
				`lbguard: error: Deployment web-replicas: spec.replicas must be an integer`,
			},
			errors: []string{
				`Deployment web-containers: spec.template.spec.containers must be a list of containers`,
				`Deployment web-grace: spec.template.spec.terminationGracePeriodSeconds must be a whole number of seconds, 0 or more`,
				`Deployment web-replicas: spec.replicas must be an integer`,
			},
			unchanged: true,
		},
		{
			file:   "unidentified-items.yaml",
			status: 1,
			stderr: []string{
				`lbguard: 0 changed, 0 warnings, 3 errors, 0 notes`,
				`lbguard: error: items[0]: apiVersion is missing: lbguard cannot tell what resource it is, and leaves it as it is`,
				`lbguard: error: items[1]: kind is missing: lbguard cannot tell what resource it is, and leaves it as it is`,
				`lbguard: error: items[2]: metadata.name must be a string: lbguard cannot tell what resource it is, and leaves it as it is`,
			},
			errors: []string{
				`items[0]: apiVersion is missing: lbguard cannot tell what resource it is, and leaves it as it is`,
				`items[1]: kind is missing: lbguard cannot tell what resource it is, and leaves it as it is`,
				`items[2]: metadata.name must be a string: lbguard cannot tell what resource it is, and leaves it as it is`,
			},
			unchanged: true,
		},
		{
			file:   "duplicates.yaml",
			status: 1,
			stderr: []string{
				`lbguard: 0 changed, 0 warnings, 1 errors, 0 notes`,
				`lbguard: error: Deployment web is listed twice (items[1] and items[2]): kustomize and kubectl refuse duplicated resources, and lbguard cannot tell which copy the cluster would get, so it changes nothing`,
			},
			errors: []string{
				`Deployment web is listed twice (items[1] and items[2]): kustomize and kubectl refuse duplicated resources, and lbguard cannot tell which copy the cluster would get, so it changes nothing`,
			},
			unchanged: true,
		},
		{
			file:   "bad-config.yaml",
			status: 1,
			stderr: []string{
				`lbguard: 0 changed, 0 warnings, 3 errors, 0 notes`,
				`lbguard: error: lbguard config: spec.deregistrationDelaySeconds: must be a whole number of seconds from 0 to 3600, not "9000"`,
				`lbguard: error: lbguard config: spec.shutdownSeconds: must be a YAML integer, not "20"`,
				`lbguard: error: lbguard config: spec.drainSeconds: unknown key; known keys: deregistrationDelaySeconds, gatewayClasses, gateways, kubernetesVersion, maxUnavailable, mode, nlbPreStopSeconds, preStopSeconds, scope, shutdownSeconds, sidecarPreStop, targetGroupBindingDelays`,
			},
			errors: []string{
				`lbguard config: spec.deregistrationDelaySeconds: must be a whole number of seconds from 0 to 3600, not "9000"`,
				`lbguard config: spec.shutdownSeconds: must be a YAML integer, not "20"`,
				`lbguard config: spec.drainSeconds: unknown key; known keys: deregistrationDelaySeconds, gatewayClasses, gateways, kubernetesVersion, maxUnavailable, mode, nlbPreStopSeconds, preStopSeconds, scope, shutdownSeconds, sidecarPreStop, targetGroupBindingDelays`,
			},
			unchanged: true,
		},
		{
			file:      "empty-list.yaml",
			status:    0,
			stderr:    []string{`lbguard: 0 changed, 0 warnings, 0 errors, 0 notes`},
			unchanged: true,
		},
		{
			file:      "no-load-balancers.yaml",
			status:    0,
			stderr:    []string{`lbguard: 0 changed, 0 warnings, 0 errors, 0 notes`},
			unchanged: true,
		},
	}
	for _, tt := range tests {
		t.Run(strings.TrimSuffix(tt.file, ".yaml"), func(t *testing.T) {
			in, err := os.ReadFile(filepath.Join("..", "..", "testdata", "badinput", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			var stdout, stderr bytes.Buffer
			status := Run(bytes.NewReader(in), &stdout, &stderr, Process)
			if status != tt.status {
				t.Errorf("exit status %d, want %d; stderr:\n%s", status, tt.status, stderr.String())
			}
			checkStderr(t, stderr.String())
			if stdout.Len() == 0 {
				if got, want := stderr.String(), tt.stderr[0]+"\n"; got != want || len(tt.stderr) != 1 || tt.errors != nil {
					t.Errorf("stdout is empty; stderr:\n%s\nwant:\n%s", got, strings.Join(tt.stderr, "\n"))
				}
				return
			}
			for _, line := range tt.stderr {
				if !strings.Contains(stderr.String(), line+"\n") {
					t.Errorf("stderr lacks the line\n%s\nstderr:\n%s", line, stderr.String())
				}
			}
			out, err := fn.ParseResourceList(stdout.Bytes())
			if err != nil {
				t.Fatalf("the output does not parse: %v\n%s", err, stdout.String())
			}
			var errors []string
			for _, r := range out.Results {
				if r.Severity == fn.Error {
					errors = append(errors, r.Message)
				}
			}
			if strings.Join(errors, "\n") != strings.Join(tt.errors, "\n") {
				t.Errorf("error results:\n%s\nwant:\n%s", strings.Join(errors, "\n"), strings.Join(tt.errors, "\n"))
			}
			if tt.unchanged {
				checkUnchanged(t, in, out)
			}
		})
	}
}

// checkStderr fails on anything that looks like a Go panic or stack trace.
func checkStderr(t *testing.T, stderr string) {
	t.Helper()
	for _, sign := range []string{"panic", "goroutine ", ".go:", "runtime."} {
		if strings.Contains(stderr, sign) {
			t.Errorf("stderr holds %q, a sign of a crash:\n%s", sign, stderr)
		}
	}
}

// checkUnchanged checks that every item of in comes out of out exactly as it went in.
func checkUnchanged(t *testing.T, in []byte, out *fn.ResourceList) {
	t.Helper()
	before, err := krmio.ParseResourceList(in)
	if err != nil {
		t.Fatal(err)
	}
	got := itemTexts(out.Items)
	for _, want := range itemTexts(before.Items) {
		i := sort.SearchStrings(got, want)
		if i == len(got) || got[i] != want {
			t.Errorf("this input item is not in the output unchanged:\n%s", want)
			continue
		}
		got = append(got[:i], got[i+1:]...)
	}
}

func itemTexts(items fn.KubeObjects) []string {
	texts := make([]string, len(items))
	for i, obj := range items {
		texts[i] = obj.String()
	}
	sort.Strings(texts)
	return texts
}

// TestBadInputGenerated covers the inputs too large to keep as files.
func TestBadInputGenerated(t *testing.T) {
	t.Run("100 MB", func(t *testing.T) {
		const size = 100_000_000
		src := &countingReader{r: io.LimitReader(repeatItems(), size)}
		var stdout, stderr bytes.Buffer
		if status := Run(src, &stdout, &stderr, Process); status != 1 {
			t.Errorf("exit status %d, want 1", status)
		}
		if stdout.Len() != 0 {
			t.Errorf("stdout holds %d bytes, want none", stdout.Len())
		}
		if got, want := stderr.String(), "lbguard: stdin is larger than 64 MiB, the most lbguard reads (README: Limits and bad input): split the list\n"; got != want {
			t.Errorf("stderr = %q, want %q", got, want)
		}
		if src.n > krmio.MaxInputBytes+1 {
			t.Errorf("read %d bytes of stdin, want at most the limit and one more (%d)", src.n, krmio.MaxInputBytes+1)
		}
	})
	t.Run("deeper than go-yaml reads", func(t *testing.T) {
		in := "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: deep\n  data:\n    deep: " +
			strings.Repeat("[", 20_000) + strings.Repeat("]", 20_000) + "\n"
		var stdout, stderr bytes.Buffer
		if status := Run(strings.NewReader(in), &stdout, &stderr, Process); status != 1 {
			t.Errorf("exit status %d, want 1", status)
		}
		if stdout.Len() != 0 {
			t.Errorf("stdout holds %d bytes, want none", stdout.Len())
		}
		if got, want := stderr.String(), "lbguard: stdin nests maps and lists deeper than 1000 levels (line 9), the most lbguard reads (README: Limits and bad input)\n"; got != want {
			t.Errorf("stderr = %q, want %q", got, want)
		}
	})
	for _, tt := range []struct{ name, in, stderr string }{
		{"empty", "", "lbguard: stdin is empty; expected a ResourceList\n"},
		{"only a comment", "# nothing\n", "lbguard: stdin holds no YAML document; expected a ResourceList\n"},
		{"an empty document", "---\n", "lbguard: stdin is empty (null), not a ResourceList\n"},
		{"binary", "\x00\x01\x02", "lbguard: stdin is not YAML: yaml: control characters are not allowed\n"},
		{"a list", "- a\n- b\n", "lbguard: stdin is a list, not a ResourceList\n"},
		{"no kind", "apiVersion: config.kubernetes.io/v1\nitems: []\n", "lbguard: stdin has no kind; expected a ResourceList (apiVersion: config.kubernetes.io/v1)\n"},
		{"items a map", "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: {a: 1}\n", "lbguard: items is a map; expected a list of resources\n"},
		{"an item null", "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: [~]\n", "lbguard: items[0] is empty (null), not a resource: every item must be a map with apiVersion, kind and metadata\n"},
		{"an item a list", "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: [[a]]\n", "lbguard: items[0] is a list, not a resource: every item must be a map with apiVersion, kind and metadata\n"},
		{"an item a string", "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: [\"a\"]\n", "lbguard: items[0] is the string \"a\", not a resource: every item must be a map with apiVersion, kind and metadata\n"},
		{"items twice", "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\nitems: []\n", "lbguard: stdin: duplicate key \"items\" in the ResourceList at lines 3 and 4: lbguard cannot tell which one is meant\n"},
		{"functionConfig a string", "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nfunctionConfig: fix\nitems: []\n", "lbguard: functionConfig is the string \"fix\"; expected a map (a LBGuard or a ConfigMap)\n"},
		{"an alias as an item", "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: [&a [1], *a]\n", "lbguard: items[0] is a list, not a resource: every item must be a map with apiVersion, kind and metadata\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if status := Run(strings.NewReader(tt.in), &stdout, &stderr, Process); status != 1 {
				t.Errorf("exit status %d, want 1", status)
			}
			if stdout.Len() != 0 {
				t.Errorf("stdout = %q, want it empty", stdout.String())
			}
			if got := stderr.String(); got != tt.stderr {
				t.Errorf("stderr = %q, want %q", got, tt.stderr)
			}
		})
	}
}

// TestAnchorsExpanded: aliases that stay within bounds are expanded, as
// kustomize does, and the resources behind them are fixed like any other.
func TestAnchorsExpanded(t *testing.T) {
	in, err := os.ReadFile(filepath.Join("..", "..", "testdata", "badinput", "anchors.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if status := Run(bytes.NewReader(in), &stdout, &stderr, Process); status != 0 {
		t.Fatalf("exit status %d, want 0; stderr:\n%s", status, stderr.String())
	}
	if strings.Contains(stdout.String(), "*labels") || strings.Contains(stdout.String(), "&labels") {
		t.Errorf("the output still holds the anchor or its aliases:\n%s", stdout.String())
	}
	out, err := fn.ParseResourceList(stdout.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	deployment := out.Items.Where(fn.IsGVK("apps", "v1", "Deployment"))
	if len(deployment) != 1 {
		t.Fatalf("%d Deployments in the output, want 1", len(deployment))
	}
	labels, _, _ := deployment[0].NestedStringMap("spec", "template", "metadata", "labels")
	if labels["app"] != "web" {
		t.Errorf("pod labels = %v, want app: web from the alias", labels)
	}
	containers, _, _ := deployment[0].NestedSlice("spec", "template", "spec", "containers")
	if len(containers) != 1 {
		t.Fatalf("%d containers, want 1", len(containers))
	}
	if s, _, _ := containers[0].NestedInt("lifecycle", "preStop", "sleep", "seconds"); s == 0 {
		t.Errorf("the Deployment behind the aliased selector got no preStop:\n%s", deployment[0].String())
	}
}

// TestPanicReported: a panic, which is a bug, is one line on stderr, exit 1,
// and nothing on stdout.
func TestPanicReported(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if status := Run(panickingReader{}, &stdout, &stderr, Process); status != 1 {
		t.Errorf("exit status %d, want 1", status)
	}
	if stdout.Len() != 0 {
		t.Errorf("stdout = %q, want it empty", stdout.String())
	}
	if got, want := stderr.String(), "lbguard: internal error, nothing written: a reader that breaks (please report it with the input)\n"; got != want {
		t.Errorf("stderr = %q, want %q", got, want)
	}
}

type panickingReader struct{}

func (panickingReader) Read([]byte) (int, error) { panic("a reader that breaks") }

func TestReadInputLimit(t *testing.T) {
	for _, tt := range []struct {
		in  string
		err string
	}{
		{"0123456789", ""},
		{"0123456789a", "stdin is larger than 10 bytes, the most lbguard reads (README: Limits and bad input): split the list"},
	} {
		got, err := krmio.ReadInput(strings.NewReader(tt.in), 10)
		switch {
		case tt.err == "" && (err != nil || string(got) != tt.in):
			t.Errorf("krmio.ReadInput(%q) = %q, %v; want it whole", tt.in, got, err)
		case tt.err != "" && (err == nil || err.Error() != tt.err):
			t.Errorf("krmio.ReadInput(%q) error %v, want %q", tt.in, err, tt.err)
		}
	}
}

// repeatItems is an endless ResourceList of ConfigMaps.
func repeatItems() io.Reader {
	head := "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n"
	item := []byte("- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: filler\n  data:\n    text: " + strings.Repeat("x", 900) + "\n")
	return io.MultiReader(strings.NewReader(head), &repeatReader{b: item})
}

type repeatReader struct {
	b   []byte
	off int
}

func (r *repeatReader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		c := copy(p[n:], r.b[r.off:])
		n += c
		r.off = (r.off + c) % len(r.b)
	}
	return n, nil
}

type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}
