package e2e

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// lbguard as Helm's post-renderer, under the real Helm: v4 through the
// plugin of helm-plugin/lbguard (found with HELM_PLUGINS, lbguard on PATH),
// v3 by path. The chart testdata/helm/shop names no namespace and has two
// hooks, one of them a Deployment the Service selects.

const shopChart = "testdata/helm/shop"

// helmUnder is one Helm release line and how it is given the post-renderer.
type helmUnder struct {
	name string
	bin  string
	v4   bool
}

func helms(t *testing.T) []helmUnder {
	return []helmUnder{
		{"helm4", binTool(t, "helm"), true},
		{"helm3", binTool(t, "helm3"), false},
	}
}

// postRenderer is the flags that run lbguard helm-post-render with args.
func (h helmUnder) postRenderer(t *testing.T, args ...string) []string {
	flags := []string{"--post-renderer", "lbguard"}
	if !h.v4 {
		flags = []string{"--post-renderer", lbguard(t), "--post-renderer-args", "helm-post-render"}
	}
	for _, a := range args {
		flags = append(flags, "--post-renderer-args", a)
	}
	return flags
}

// run runs helm in the repository with its own home, lbguard first on PATH
// and, for Helm 4, the repository's plugin; env is added.
func (h helmUnder) run(t *testing.T, env []string, args ...string) shellRun {
	t.Helper()
	home := t.TempDir()
	plugins := filepath.Join(home, "plugins")
	if h.v4 {
		plugins = filepath.Join(requireRepoRoot(t), "helm-plugin")
	}
	cmd := exec.Command(h.bin, args...)
	cmd.Dir = requireRepoRoot(t)
	cmd.Env = append(os.Environ(),
		"PATH="+filepath.Dir(lbguard(t))+string(os.PathListSeparator)+os.Getenv("PATH"),
		"HOME="+home, "HELM_CACHE_HOME="+home+"/cache", "HELM_CONFIG_HOME="+home+"/config", "HELM_DATA_HOME="+home+"/data",
		"HELM_PLUGINS="+plugins, "LBGUARD_REPORT=")
	cmd.Env = append(cmd.Env, env...)
	return runCommand(t, cmd)
}

// renderedObject is one object of helm's output with the template Helm
// files it under.
type renderedObject struct {
	source string
	id     string // kind/name
	value  map[string]any
}

var (
	documentLine = regexp.MustCompile(`(?m)^---[ \t]*\n`)
	sourceLine   = regexp.MustCompile(`(?m)^# Source: (.*)$`)
)

// renderedObjects reads a stream helm printed.
func renderedObjects(t *testing.T, stream string) []renderedObject {
	t.Helper()
	var objs []renderedObject
	for _, doc := range documentLine.Split(stream, -1) {
		var value map[string]any
		if err := yaml.Unmarshal([]byte(doc), &value); err != nil {
			t.Fatalf("helm printed a document that is not YAML: %v\n%s", err, doc)
		}
		if value == nil {
			continue
		}
		obj := renderedObject{value: value}
		if m := sourceLine.FindStringSubmatch(doc); m != nil {
			obj.source = m[1]
		}
		meta, _ := value["metadata"].(map[string]any)
		kind, _ := value["kind"].(string)
		name, _ := meta["name"].(string)
		if kind == "" || name == "" {
			t.Fatalf("helm printed a document that is no Kubernetes object:\n%s", doc)
		}
		obj.id = kind + "/" + name
		objs = append(objs, obj)
	}
	return objs
}

func isHook(o renderedObject) bool {
	meta, _ := o.value["metadata"].(map[string]any)
	annotations, _ := meta["annotations"].(map[string]any)
	_, ok := annotations["helm.sh/hook"]
	return ok
}

// byID indexes objects by kind/name, keeping those keep accepts.
func byID(objs []renderedObject, keep func(renderedObject) bool) map[string]map[string]any {
	m := map[string]map[string]any{}
	for _, o := range objs {
		if keep(o) {
			m[o.id] = o.value
		}
	}
	return m
}

// installSections splits `helm install --dry-run` output into its hooks and
// its manifest.
func installSections(t *testing.T, out string) (hooks, manifest string) {
	t.Helper()
	_, rest, ok := strings.Cut(out, "\nHOOKS:\n")
	hooks, manifest, ok2 := strings.Cut(rest, "\nMANIFEST:\n")
	if !ok || !ok2 {
		t.Fatalf("helm install --dry-run printed no HOOKS: and MANIFEST: sections:\n%s", out)
	}
	manifest, _, _ = strings.Cut(manifest, "\nNOTES:\n")
	return hooks, manifest
}

// TestHelmPostRender renders the chart with the post-renderer: the
// manifests equal `lbguard fix` of the chart rendered without it, each in its
// template's file, the added budget in a file of its own (Helm 4), the hooks
// as rendered.
func TestHelmPostRender(t *testing.T) {
	for _, h := range helms(t) {
		plain := h.run(t, nil, "template", "rel", shopChart, "--namespace", "shop")
		plain.want(t, h.name+" template", 0)
		noHooks := h.run(t, nil, "template", "rel", shopChart, "--namespace", "shop", "--no-hooks")
		noHooks.want(t, h.name+" template --no-hooks", 0)
		fixed := runStdin(t, []byte(noHooks.stdout), lbguard(t), "fix", "-")
		wantManifests := byID(renderedObjects(t, fixed), func(renderedObject) bool { return true })
		wantHooks := byID(renderedObjects(t, plain.stdout), isHook)
		if len(wantHooks) != 2 || len(wantManifests) != 4 {
			t.Fatalf("%s: %d hooks and %d fixed manifests, want 2 and 4 (3 rendered and a budget)", h.name, len(wantHooks), len(wantManifests))
		}

		for _, command := range []string{"template", "install"} {
			t.Run(h.name+"/"+command, func(t *testing.T) {
				args := append([]string{command, "rel", shopChart, "--namespace", "shop"}, h.postRenderer(t, "--namespace=shop")...)
				var env []string
				if command == "install" {
					args = append(args, "--dry-run=client")
					env = h.cluster(t)
				}
				r := h.run(t, env, args...)
				r.want(t, h.name+" "+command, 0)
				var objs []renderedObject
				if command == "install" {
					hooks, manifest := installSections(t, r.stdout)
					objs = append(renderedObjects(t, hooks), renderedObjects(t, manifest)...)
				} else {
					objs = renderedObjects(t, r.stdout)
				}
				if got := byID(objs, func(o renderedObject) bool { return !isHook(o) }); !reflect.DeepEqual(got, wantManifests) {
					t.Errorf("manifests differ from lbguard fix of the render:\n got: %v\nwant: %v", got, wantManifests)
				}
				if got := byID(objs, isHook); !reflect.DeepEqual(got, wantHooks) {
					t.Errorf("hooks differ from the render:\n got: %v\nwant: %v", got, wantHooks)
				}
				checkSources(t, h, objs)
			})
		}
	}
}

// checkSources checks that every object Helm rendered stays under its
// template, and where the budget lbguard added goes.
func checkSources(t *testing.T, h helmUnder, objs []renderedObject) {
	t.Helper()
	want := map[string]string{
		"Deployment/rel-web":    "shop/templates/deployment.yaml",
		"Service/rel-web":       "shop/templates/service.yaml",
		"Ingress/rel-web":       "shop/templates/ingress.yaml",
		"Deployment/rel-canary": "shop/templates/canary.yaml",
		"Pod/rel-smoke":         "shop/templates/tests/smoke.yaml",
	}
	for _, o := range objs {
		if o.id == "PodDisruptionBudget/rel-web" {
			// Helm 4 files an object without its filename annotation
			// apart; Helm 3 keeps the stream as lbguard wrote it, where
			// the budget follows the last template's documents.
			if h.v4 && !regexp.MustCompile(`^generated-by-postrender-\d+\.yaml$`).MatchString(o.source) {
				t.Errorf("%s: the budget is under %q, want a file of its own", h.name, o.source)
			}
			continue
		}
		if o.source != want[o.id] {
			t.Errorf("%s: %s is under %q, want %q", h.name, o.id, o.source, want[o.id])
		}
	}
}

// runStdin runs a command with stdin and returns its stdout; a non-zero exit
// fails the test.
func runStdin(t *testing.T, stdin []byte, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Stdin = bytes.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s", filepath.Base(name), strings.Join(args, " "), err, stderr.String())
	}
	return stdout.String()
}

// TestHelmPostRenderFails: a release lbguard fails (--audit with findings, a
// bad config, a field it cannot read) fails in Helm, installs nothing, and
// carries lbguard's message: on Helm 3's standard error, and, since Helm 4
// drops it, in the report file $LBGUARD_REPORT names.
func TestHelmPostRenderFails(t *testing.T) {
	badConfig := filepath.Join(t.TempDir(), "lbguard.yaml")
	if err := os.WriteFile(badConfig, []byte("apiVersion: lbguard.dev/v1alpha1\nkind: LBGuard\nmetadata:\n  name: lbguard\nspec:\n  deregistrationDelaySeconds: 9000\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name    string
		args    []string
		set     []string
		message string
	}{
		{"audit", []string{"--audit"}, nil,
			"lbguard audit: 6 errors, 1 warning in 1 workload (3 resources, stdin read); exit status 1"},
		{"bad config", []string{"--config=" + badConfig}, nil,
			`spec.deregistrationDelaySeconds: must be a whole number of seconds from 0 to 3600, not "9000"`},
		{"unreadable field", nil, []string{"--set", "replicas=three"},
			"Deployment rel-web: spec.replicas must be an integer"},
	}
	for _, h := range helms(t) {
		for _, c := range cases {
			for _, command := range []string{"template", "install"} {
				t.Run(h.name+"/"+c.name+"/"+command, func(t *testing.T) {
					reportFile := filepath.Join(t.TempDir(), "lbguard.txt")
					args := append([]string{command, "rel", shopChart}, h.postRenderer(t, c.args...)...)
					args = append(args, c.set...)
					env := []string{"LBGUARD_REPORT=" + reportFile}
					if command == "install" {
						args = append(args, "--dry-run=client")
						env = append(env, h.cluster(t)...)
					}
					r := h.run(t, env, args...)
					r.want(t, h.name+" "+command, 1)
					if r.stdout != "" {
						t.Errorf("helm printed manifests of a failed release:\n%s", r.stdout)
					}
					wantHelm := "error while running post render on files: error while running command " + lbguard(t)
					if h.v4 {
						wantHelm = `error while running post render on files: failed to invoke post-renderer plugin "lbguard": plugin "lbguard" exited with error`
					}
					if !strings.Contains(r.stderr, wantHelm) {
						t.Errorf("helm's error lacks %q:\n%s", wantHelm, r.stderr)
					}
					if !h.v4 && !strings.Contains(r.stderr, c.message) {
						t.Errorf("Helm 3 shows lbguard's standard error: it lacks %q:\n%s", c.message, r.stderr)
					}
					report, err := os.ReadFile(reportFile)
					if err != nil {
						t.Fatalf("no report in $LBGUARD_REPORT: %v", err)
					}
					if !strings.Contains(string(report), c.message) {
						t.Errorf("the report lacks %q:\n%s", c.message, report)
					}
				})
			}
		}
	}
}
