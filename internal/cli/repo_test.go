package cli

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/lbguard/lbguard/internal/testkit"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// testdata/cli/repo is a repository as teams keep one: a Helm chart with a
// hook, a kustomize base with two overlays, plain manifests with a List, a
// workflow, a compose file and a values file of a chart kept elsewhere.

const repoExpected = "../../testdata/cli/expected/repo"

// copyRepo copies the repository fixture, and the values file next to it,
// into a new directory.
func copyRepo(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(filepath.Join(dir, "repo"), os.DirFS("../../testdata/cli/repo")); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile("../../testdata/cli/repo-prod-values.yaml")
	if err != nil {
		t.Fatal(err)
	}
	writeFiles(t, dir, map[string]string{"repo-prod-values.yaml": string(data)})
	return dir
}

// Every finding is located: the chart's by template, the overlays' by
// their source file and line, the List's by its line in the file.
func TestRepositoryAudit(t *testing.T) {
	dir := copyRepo(t)
	r := runLBGuard(t, dir, nil, "audit", "repo")
	r.want(t, "audit repo", 1)
	testkit.CompareGolden(t, filepath.Join(repoExpected, "audit.txt"), r.stdout)
	if r.stderr != "" {
		t.Errorf("stderr %q, want none", r.stderr)
	}
	r = runLBGuard(t, dir, nil, "audit", "--format", "json", "repo")
	r.want(t, "audit --format json repo", 1)
	testkit.CompareGolden(t, filepath.Join(repoExpected, "audit.json"), r.stdout)
	r = runLBGuard(t, dir, nil, "audit", "--format", "sarif", "repo")
	r.want(t, "audit --format sarif repo", 1)
	log := testkit.ValidateSARIF(t, testkit.SARIFSchema(t), "repo", r.stdout)
	uris := map[string]bool{}
	for _, res := range log["runs"].([]any)[0].(map[string]any)["results"].([]any) {
		loc := res.(map[string]any)["locations"].([]any)[0].(map[string]any)["physicalLocation"].(map[string]any)
		uris[loc["artifactLocation"].(map[string]any)["uri"].(string)] = true
	}
	// Relative to the root, repo (no git work tree holds it).
	want := map[string]bool{
		"charts/web/templates/deployment.yaml": true, "deploy/base/deployment.yaml": true,
		"deploy/base/ingress.yaml": true, "manifests/api.yaml": true,
	}
	if !reflect.DeepEqual(uris, want) {
		t.Errorf("SARIF locations %v, want the source files %v", uris, want)
	}
}

// A workflow named on its own (as pre-commit names changed files) is
// skipped and counted; a clean file with it exits 0.
func TestRepositoryNonResourcesNamed(t *testing.T) {
	dir := copyRepo(t)
	r := runLBGuard(t, dir, nil, "audit", "repo/.github/workflows/ci.yaml", "repo/values.yaml", "repo/manifests/namespaces.yaml")
	r.want(t, "audit of a workflow, a values file and a Namespace", 0)
	if want := "lbguard audit: 0 errors, 0 warnings in 0 workloads (1 resource, 1 file read, 2 non-resource documents skipped); exit status 0\n"; r.stdout != want {
		t.Errorf("stdout %q, want %q", r.stdout, want)
	}
}

// A repeated key anywhere in the repository makes its unit unreadable: a
// finding that names both lines, exit status 1, the other units checked,
// and nothing written.
func TestRepositoryDuplicateKey(t *testing.T) {
	for _, c := range []struct {
		file, old, new, want string
	}{
		{
			// Two files joined without ---.
			"repo/manifests/namespaces.yaml", "", "kind: Secret\n",
			"lbguard %s: repo/manifests/namespaces.yaml: document at line 1 (v1 Namespace api): duplicate key \"kind\" at lines 2 and 7: " +
				"lbguard cannot tell which value the cluster would get (two files joined without ---?)\n",
		},
		{
			"repo/manifests/api.yaml", "          image: example/api:2.4  # pinned\n", "          image: example/api:2.4  # pinned\n          image: example/api:2.5\n",
			"lbguard %s: repo/manifests/api.yaml: document at line 1 (v1 List): duplicate key \"image\" in items[1].spec.template.spec.containers[0] at lines 38 and 39: " +
				"lbguard cannot tell which value the cluster would get (two files joined without ---?)\n",
		},
		{
			// A base's file, read through its overlays.
			"repo/deploy/base/ingress.yaml", "  ingressClassName: alb\n", "  ingressClassName: alb\n  ingressClassName: nginx\n",
			"lbguard %s: repo/deploy/overlays/prod ← repo/deploy/base/ingress.yaml: document 1 (networking.k8s.io/v1 Ingress shop): " +
				"duplicate key \"ingressClassName\" in spec at lines 9 and 10\n",
		},
		{
			"repo/charts/web/templates/service.yaml", "  selector:\n", "  selector:\n    app: web\n",
			"lbguard %s: repo/charts/web (templates/service.yaml): document 1 (v1 Service release-name-web): " +
				"duplicate key \"app\" in spec.selector at lines 8 and 9 (lines of the rendered template)\n",
		},
	} {
		t.Run(c.file, func(t *testing.T) {
			dir := copyRepo(t)
			path := filepath.Join(dir, c.file)
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			text := string(data) + c.new
			if c.old != "" {
				text = strings.Replace(string(data), c.old, c.new, 1)
			}
			writeFiles(t, dir, map[string]string{c.file: text})
			before := readTree(t, dir)
			reason := "\n      reason: " + strings.TrimSuffix(strings.TrimPrefix(c.want, "lbguard %s: "), "\n") + "; to check it"
			for _, args := range [][]string{{"audit", "repo"}, {"fix", "--in-place", "repo"}, {"fix", "repo"}} {
				r := runLBGuard(t, dir, nil, args...)
				r.want(t, strings.Join(args, " "), 1)
				report, written := r.stdout, ""
				if args[0] == "fix" {
					report, written = r.stderr, r.stdout
				}
				if !strings.Contains(report, reason) || !strings.Contains(report, "  ERROR not checked: cannot be read\n") || written != "" {
					t.Errorf("%s: report\n%s\nlacks%s", strings.Join(args, " "), report, reason)
				}
				if args[0] == "fix" && !strings.Contains(r.stderr, "lbguard fix: nothing written: fix the errors above first\n") {
					t.Errorf("%s: stderr does not say nothing was written:\n%s", strings.Join(args, " "), r.stderr)
				}
			}
			if !reflect.DeepEqual(readTree(t, dir), before) {
				t.Error("a file was written")
			}
		})
	}
}

// fix --in-place writes the List's fixes inside the List, and nothing
// into the chart or the kustomizations: it says of their changes that they
// are not written, and how to run lbguard there.
func TestRepositoryFixInPlace(t *testing.T) {
	dir := copyRepo(t)
	before := readTree(t, dir)
	r := runLBGuard(t, dir, nil, "fix", "--in-place", "repo")
	r.want(t, "fix --in-place repo", 0)
	after := readTree(t, dir)
	for name := range before {
		if after[name] != before[name] && name != "repo/manifests/api.yaml" {
			t.Errorf("%s was written", name)
		}
	}
	testkit.CompareGolden(t, filepath.Join(repoExpected, "api.yaml"), after["repo/manifests/api.yaml"])
	for _, want := range []string{
		"  WOULD CHANGE R1 ip target type · Ingress prod/shop\n",
		"  CHANGED R5 preStop delay\n",
		"lbguard fix: 2 changes, 6 not written, 0 errors, 5 warnings in 4 workloads (12 resources, 2 files, 1 chart and 2 overlays read, 2 non-resource documents skipped); exit status 0\n",
		"lbguard fix: wrote repo/manifests/api.yaml\n",
		"lbguard fix: repo/charts/web is a Helm chart: its rendered output is not written back; run lbguard at every render as Helm's post-renderer: " +
			"`helm install --post-renderer lbguard …` (Helm 4, with the lbguard plugin; Helm 3 takes the binary's path), or `helm template … | lbguard fix -`\n",
		"lbguard fix: repo/deploy/overlays/prod is a kustomization: its build is not written back; list lbguard under `transformers:` there, " +
			"with the exec config of README \"Use with kustomize\", and build with `kustomize build --enable-alpha-plugins --enable-exec repo/deploy/overlays/prod`\n",
		"lbguard fix: repo/deploy/overlays/staging is a kustomization: its build is not written back;",
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks\n%s\nstderr:\n%s", want, r.stderr)
		}
	}
	// The List fixed, what is left is in the chart and the overlays.
	left := runLBGuard(t, dir, nil, "audit", "repo/manifests")
	left.want(t, "audit of the fixed List", 0)
}

// fix --in-place of an overlay alone writes nothing, since lbguard does not
// write a kustomization's build: the report says of each change that it
// would change and was not written, the last line that nothing was, and
// the exit status is 1, so that a CI step that counts on the fix does not
// pass on a fix that was never made.
func TestRepositoryFixInPlaceOfAnOverlayWritesNothing(t *testing.T) {
	dir := copyRepo(t)
	before := readTree(t, dir)
	r := runLBGuard(t, dir, nil, "fix", "--in-place", "--root", "repo", "repo/deploy/overlays/prod")
	r.want(t, "fix --in-place of an overlay", 1)
	want := "Deployment prod/shop  (repo/deploy/overlays/prod ← repo/deploy/base/deployment.yaml:5)\n" +
		"  WOULD CHANGE R1 ip target type · Ingress prod/shop\n" +
		"      field: metadata.annotations[alb.ingress.kubernetes.io/target-type]  (repo/deploy/overlays/prod ← repo/deploy/base/ingress.yaml:6)\n" +
		"      now:   instance\n" +
		"      wants: ip\n" +
		"      not written: Ingress shop: target type set to ip (was instance): the ELB sends to pod IPs, so its health checks and draining see each pod\n" +
		"  WARNING R3 readiness gates · Namespace prod\n" +
		"      field: metadata.labels[elbv2.k8s.aws/pod-readiness-gate-inject]  (repo/deploy/overlays/prod ← repo/deploy/base/deployment.yaml:5)\n" +
		"      risk:  Namespace prod holds ip targets of Ingress shop but is not in the list, so lbguard cannot label it: label it elbv2.k8s.aws/pod-readiness-gate-inject=enabled before its pods are created (the LBC webhook adds readiness gates only to pods created after the label)\n" +
		"      why:   Without readiness gates a new pod turns Ready before the ELB has registered it and seen it pass a health check, so a rollout can kill the old pods while the target group has no healthy target.\n" +
		"  WOULD CHANGE R7 PodDisruptionBudget · PodDisruptionBudget prod/shop\n" +
		"      field: spec  (repo/deploy/overlays/prod ← repo/deploy/base/deployment.yaml:8)\n" +
		"      now:   (not set)\n" +
		"      wants: \"maxUnavailable: 1\"\n" +
		"      not written: PodDisruptionBudget shop added for Deployment shop (3 replicas): a drain or node upgrade evicts at most 1 of its pods at a time, and may always evict one that is not ready (unhealthyPodEvictionPolicy: AlwaysAllow)\n" +
		"\n" +
		"lbguard fix: 0 changes, 2 not written, 0 errors, 1 warning in 1 workload (3 resources, 1 overlay read); exit status 1\n" +
		"(1 note not shown: 1 value kept as the user set it; --format json lists them)\n" +
		"lbguard fix: repo/deploy/overlays/prod is a kustomization: its build is not written back; list lbguard under `transformers:` there, with the exec config of README \"Use with kustomize\", and build with `kustomize build --enable-alpha-plugins --enable-exec repo/deploy/overlays/prod`\n" +
		"lbguard fix: nothing written: 2 changes are in charts or kustomizations, which lbguard does not write; see above how to run lbguard there\n"
	if r.stderr != want {
		t.Errorf("stderr:\n%s\nwant:\n%s", r.stderr, want)
	}
	if r.stdout != "" {
		t.Errorf("stdout %q, want none", r.stdout)
	}
	if !reflect.DeepEqual(readTree(t, dir), before) {
		t.Error("a file was written")
	}
}

// fix on its own prints everything read, fixed: the List as it is written,
// the chart's and the overlays' objects as rendered.
func TestRepositoryFixPrints(t *testing.T) {
	dir := copyRepo(t)
	r := runLBGuard(t, dir, nil, "fix", "repo")
	r.want(t, "fix repo", 0)
	out := parseStream(t, r.stdout)
	for _, k := range []objectKey{
		{"apps/v1", "Deployment", "default", "release-name-web"},
		{"policy/v1", "PodDisruptionBudget", "default", "release-name-web"},
		{"apps/v1", "Deployment", "prod", "shop"},
		{"policy/v1", "PodDisruptionBudget", "prod", "shop"},
		{"apps/v1", "Deployment", "staging", "shop"},
		{"apps/v1", "Deployment", "api", "api"},
		{"v1", "Namespace", "", "api"},
	} {
		if out[k] == nil {
			t.Errorf("%v is not in the output", k)
		}
	}
	if len(out) != 14 {
		t.Errorf("%d resources printed, want 14 (12 read, 2 budgets added)", len(out))
	}
	if seconds, _ := out[objectKey{"apps/v1", "Deployment", "default", "release-name-web"}].Pipe(yaml.Lookup("spec", "template", "spec", "containers", "0", "lifecycle", "preStop", "sleep", "seconds")); seconds == nil || seconds.YNode().Value != "45" {
		t.Errorf("the chart's Deployment is printed without its preStop:\n%s", r.stdout)
	}
	if strings.Contains(r.stdout, "helm.sh/hook") {
		t.Errorf("a hook is printed:\n%s", r.stdout)
	}
}

// --values and --set reach the chart, in Helm's order; --helm-skip leaves
// it alone and says so.
func TestRepositoryHelmFlags(t *testing.T) {
	dir := copyRepo(t)
	deployment := objectKey{"apps/v1", "Deployment", "default", "release-name-web"}
	for _, c := range []struct {
		args     []string
		replicas string // of the chart's Deployment, "" when it is not read
		image    string
	}{
		{nil, "2", "nginx:1.27"},
		{[]string{"--values", "repo-prod-values.yaml"}, "3", "nginx:1.28"},
		{[]string{"--values", "repo-prod-values.yaml", "--set", "replicaCount=5"}, "5", "nginx:1.28"},
		{[]string{"--set", "replicaCount=4", "--set", "image=nginx:1.29"}, "4", "nginx:1.29"},
		{[]string{"--helm-skip"}, "", ""},
	} {
		r := runLBGuard(t, dir, nil, append(append([]string{"fix"}, c.args...), "repo/charts", "repo/manifests")...)
		r.want(t, "fix "+strings.Join(c.args, " "), 0)
		obj := parseStream(t, r.stdout)[deployment]
		switch {
		case c.replicas == "" && obj != nil:
			t.Errorf("%v: the chart was rendered", c.args)
		case c.replicas == "":
			if want := "\nHelm chart repo/charts/web  (repo/charts/web/Chart.yaml)\n  NOTE left alone: Helm chart not rendered (--helm-skip)\n\n"; !strings.Contains(r.stderr, want) {
				t.Errorf("%v: stderr does not hold %q:\n%s", c.args, want, r.stderr)
			}
		case obj == nil:
			t.Errorf("%v: the chart's Deployment is not in the output", c.args)
		default:
			replicas, _ := obj.Pipe(yaml.Lookup("spec", "replicas"))
			image, _ := obj.Pipe(yaml.Lookup("spec", "template", "spec", "containers", "0", "image"))
			if replicas.YNode().Value != c.replicas || image.YNode().Value != c.image {
				t.Errorf("%v: replicas %s, image %s; want %s, %s", c.args, replicas.YNode().Value, image.YNode().Value, c.replicas, c.image)
			}
		}
	}
	r := runLBGuard(t, dir, nil, "audit", "--values", "none.yaml", "repo/charts")
	r.want(t, "audit with a missing values file", exitUsage)
	if want := "lbguard audit: helm chart repo/charts/web: --values: open none.yaml: no such file or directory\n"; r.stderr != want {
		t.Errorf("stderr %q, want %q", r.stderr, want)
	}
}
