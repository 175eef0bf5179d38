package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// The Argo CD Config Management Plugin of integrations/argocd/plugin.yaml,
// run as its sidecar runs it: each command of the file as written, in a copy
// of the app's directory, with the build environment Argo CD sets
// (ARGOCD_APP_*, the app's plugin env as ARGOCD_ENV_*), and kustomize, Helm
// and lbguard on PATH as in the plugin's image.

type cmpCommand struct {
	Command []string `yaml:"command"`
	Args    []string `yaml:"args"`
}

type cmpPlugin struct {
	Kind string `yaml:"kind"`
	Spec struct {
		Init     cmpCommand `yaml:"init"`
		Generate cmpCommand `yaml:"generate"`
		Discover struct {
			Find cmpCommand `yaml:"find"`
		} `yaml:"discover"`
	} `yaml:"spec"`
}

func readCMPPlugin(t *testing.T) cmpPlugin {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(requireRepoRoot(t), "integrations", "argocd", "plugin.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var p cmpPlugin
	if err := yaml.Unmarshal(data, &p); err != nil {
		t.Fatal(err)
	}
	if p.Kind != "ConfigManagementPlugin" || len(p.Spec.Generate.Command) == 0 || len(p.Spec.Discover.Find.Command) == 0 {
		t.Fatalf("integrations/argocd/plugin.yaml: not a ConfigManagementPlugin with generate and discover.find: %+v", p)
	}
	return p
}

// sidecar runs the plugin's commands for one app directory.
type sidecar struct {
	dir string
	env []string
}

func newSidecar(t *testing.T, appDir, namespace string, appEnv map[string]string) sidecar {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(filepath.Join(requireRepoRoot(t), appDir))); err != nil {
		t.Fatal(err)
	}
	tools := []string{filepath.Dir(lbguard(t)), filepath.Dir(kustomizeCLI(t)), filepath.Dir(binTool(t, "helm"))}
	home := t.TempDir()
	env := []string{
		"PATH=" + strings.Join(append(tools, os.Getenv("PATH")), string(os.PathListSeparator)),
		"HOME=" + home, "HELM_CACHE_HOME=" + home + "/cache", "HELM_CONFIG_HOME=" + home + "/config", "HELM_DATA_HOME=" + home + "/data",
		"ARGOCD_APP_NAME=rel", "ARGOCD_APP_NAMESPACE=" + namespace, "ARGOCD_APP_PROJECT_NAME=default",
		"ARGOCD_APP_REVISION=0123456789abcdef0123456789abcdef01234567", "ARGOCD_APP_SOURCE_PATH=" + appDir,
		"ARGOCD_APP_SOURCE_REPO_URL=https://github.com/lbguard/lbguard", "ARGOCD_APP_SOURCE_TARGET_REVISION=main",
		"KUBE_VERSION=1.31.0",
	}
	for k, v := range appEnv {
		env = append(env, "ARGOCD_ENV_"+k+"="+v)
	}
	return sidecar{dir: dir, env: env}
}

func (s sidecar) run(t *testing.T, c cmpCommand) shellRun {
	t.Helper()
	argv := append(append([]string{}, c.Command...), c.Args...)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = s.dir
	// The sidecar's environment is its own, not the test's.
	cmd.Env = s.env
	return runCommand(t, cmd)
}

func allObjects(renderedObject) bool { return true }

func TestArgoCDPluginKustomize(t *testing.T) {
	plugin := readCMPPlugin(t)
	const app = "examples/kustomize/app"
	s := newSidecar(t, app, "web", nil)
	if r := s.run(t, plugin.Spec.Discover.Find); r.status != 0 || strings.TrimSpace(r.stdout) != "./kustomization.yaml" {
		t.Fatalf("discover: status %d, printed %q, want ./kustomization.yaml", r.status, r.stdout)
	}
	s.run(t, plugin.Spec.Init).want(t, "init", 0)
	r := s.run(t, plugin.Spec.Generate)
	r.want(t, "generate", 0)

	rendered := run(t, requireRepoRoot(t), kustomizeCLI(t), "build", app)
	want := byID(renderedObjects(t, runStdin(t, rendered, lbguard(t), "fix", "-")), allObjects)
	got := byID(renderedObjects(t, r.stdout), allObjects)
	if len(got) == 0 || !reflect.DeepEqual(got, want) {
		t.Errorf("generate printed other manifests than lbguard fix of the render:\n got: %v\nwant: %v", got, want)
	}
	if !strings.HasPrefix(r.stderr, "lbguard fix: ") {
		t.Errorf("generate's stderr: %q, want lbguard's summary", r.stderr)
	}
}

func TestArgoCDPluginHelm(t *testing.T) {
	plugin := readCMPPlugin(t)
	s := newSidecar(t, shopChart, "shop", map[string]string{"HELM_VALUES": "values.yaml"})
	if r := s.run(t, plugin.Spec.Discover.Find); strings.TrimSpace(r.stdout) != "./Chart.yaml" {
		t.Fatalf("discover printed %q, want ./Chart.yaml", r.stdout)
	}
	s.run(t, plugin.Spec.Init).want(t, "init", 0)
	r := s.run(t, plugin.Spec.Generate)
	r.want(t, "generate", 0)
	objs := renderedObjects(t, r.stdout)
	got := byID(objs, allObjects)
	for id, want := range map[string]string{
		"PodDisruptionBudget/rel-web": "AlwaysAllow",
		"Deployment/rel-web":          "preStop",
		"Ingress/rel-web":             "deregistration_delay.timeout_seconds=30",
		"Deployment/rel-canary":       "helm.sh/hook",
	} {
		out, _ := yaml.Marshal(got[id])
		if !strings.Contains(string(out), want) {
			t.Errorf("%s lacks %q:\n%s", id, want, out)
		}
	}
	// The hooks go to Argo CD as Helm rendered them: it runs them as its own hooks.
	plain := helmUnder{"helm4", binTool(t, "helm"), true}.run(t, nil, "template", "rel", shopChart, "--namespace", "shop")
	if want := byID(renderedObjects(t, plain.stdout), isHook); !reflect.DeepEqual(byID(objs, isHook), want) {
		t.Errorf("hooks changed:\n got: %v\nwant: %v", byID(objs, isHook), want)
	}
}

// TestArgoCDPluginFails: a failed render or audit fails generate with no
// manifests printed (with prune on, printed nothing would delete the app).
func TestArgoCDPluginFails(t *testing.T) {
	plugin := readCMPPlugin(t)
	for _, c := range []struct {
		name, app string
		env       map[string]string
		status    int
		stderr    string
	}{
		{"broken kustomization", "testdata/argocd/broken", nil, 1, "missing.yaml"},
		{"audit", "examples/kustomize/app", map[string]string{"LBGUARD_MODE": "audit"}, 1,
			"lbguard helm-post-render: nothing written, the release fails"},
		{"unknown mode", "examples/kustomize/app", map[string]string{"LBGUARD_MODE": "enforce"}, 2,
			"lbguard plugin: LBGUARD_MODE must be fix or audit, not 'enforce'"},
		{"broken chart", shopChart, map[string]string{"HELM_VALUES": "missing-values.yaml"}, 1, "missing-values.yaml"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := newSidecar(t, c.app, "web", c.env)
			r := s.run(t, plugin.Spec.Generate)
			r.want(t, "generate", c.status)
			if r.stdout != "" {
				t.Errorf("generate printed manifests:\n%s", r.stdout)
			}
			if !strings.Contains(r.stderr, c.stderr) {
				t.Errorf("stderr lacks %q:\n%s", c.stderr, r.stderr)
			}
		})
	}
	s := newSidecar(t, "testdata/argocd", "web", nil)
	if r := s.run(t, plugin.Spec.Discover.Find); r.status != 0 || r.stdout != "" {
		t.Errorf("discover in a directory with neither a kustomization nor a chart: status %d, printed %q", r.status, r.stdout)
	}
}
