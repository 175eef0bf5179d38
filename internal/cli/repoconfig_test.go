package cli

import (
	"strings"
	"testing"
)

// The repository config gives excludes, the release namespace and one
// chart's values; flags win over it; a bad one is an error naming the key.
func TestRepositoryConfigFile(t *testing.T) {
	chart := map[string]string{
		"charts/web/Chart.yaml":             "apiVersion: v2\nname: web\nversion: 0.1.0\n",
		"charts/web/values.yaml":            "replicas: 1\n",
		"charts/web/values-prod.yaml":       "replicas: 3\n",
		"charts/web/templates/service.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}\n  namespace: {{ .Release.Namespace }}\n  labels:\n    replicas: \"{{ .Values.replicas }}\"\n    tier: \"{{ .Values.tier }}\"\nspec:\n  selector:\n    app: web\n  ports:\n  - port: 80\n",
		"fixtures/bad.yaml":                 "not: [valid\n",
		"deep/a/fixtures/bad.yaml":          "not: [valid\n",
	}
	config := "apiVersion: lbguard.dev/v1alpha1\nkind: Repository\nexclude:\n- fixtures/*\n- '**/fixtures'\nnamespace: apps\nreleaseName: shop\n" +
		"charts:\n- path: ./charts/web/\n  values: [charts/web/values-prod.yaml]\n  set: [tier=front]\n  namespace: web\n"
	repo := t.TempDir()
	writeFiles(t, repo, chart)
	writeFiles(t, repo, map[string]string{RepoConfigFile: config})

	r := runLBGuard(t, repo, nil, "fix", ".")
	r.want(t, "fix with the repository config", 0)
	for _, want := range []string{"  name: shop\n", "  namespace: web\n", "    replicas: \"3\"\n", "    tier: \"front\"\n"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("the chart's output lacks %q:\n%s", want, r.stdout)
		}
	}
	if strings.Contains(r.stderr, "bad.yaml") || strings.Contains(r.stdout, "kind: Repository") {
		t.Errorf("an excluded file or the repository config was read:\n%s\n%s", r.stderr, r.stdout)
	}

	// Flags win: --release-name, and --exclude adds to the config's.
	r = runLBGuard(t, repo, nil, "fix", "--release-name", "flag", "--set", "tier=back", ".")
	r.want(t, "fix with flags over the config", 0)
	if !strings.Contains(r.stdout, "  name: flag\n") || !strings.Contains(r.stdout, "    tier: \"front\"\n") {
		t.Errorf("--release-name does not win, or the chart's own --set does not come after the command line's:\n%s", r.stdout)
	}

	// Without the config the fixtures are read: units that cannot be read.
	r = runLBGuard(t, repo, nil, "audit", "--repo-config", "/dev/null", ".")
	r.want(t, "audit with an empty repository config file", exitUsage)

	for _, c := range []struct{ config, want string }{
		{"apiVersion: lbguard.dev/v1alpha1\nkind: Repository\nexcludes: [x]\n",
			"lbguard audit: repository config " + repo + "/.lbguard.yaml: line 3: unknown key excludes (known keys: apiVersion, kind, exclude, config, namespace, releaseName, charts)\n"},
		{"apiVersion: lbguard.dev/v1alpha1\nkind: Repository\ncharts:\n- path: a\n  value: [x]\n",
			"lbguard audit: repository config " + repo + "/.lbguard.yaml: line 5: unknown key value (known keys: path, values, set, namespace, releaseName)\n"},
		{"apiVersion: lbguard.dev/v1alpha1\nkind: Repository\ncharts:\n- values: [x]\n",
			"lbguard audit: repository config " + repo + "/.lbguard.yaml: charts[0].path is missing\n"},
		{"exclude: [x]\n",
			"lbguard audit: repository config " + repo + "/.lbguard.yaml: must be apiVersion lbguard.dev/v1alpha1, kind Repository, not  \n"},
	} {
		writeFiles(t, repo, map[string]string{RepoConfigFile: c.config})
		r := runLBGuard(t, repo, nil, "audit", ".")
		r.want(t, "audit with a bad repository config", exitUsage)
		if r.stderr != c.want || r.stdout != "" {
			t.Errorf("config %q: stderr %q, want %q", c.config, r.stderr, c.want)
		}
	}
}
