package render

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// The dependencies of a chart that charts/ does not hold (helm_deps.go):
// file:// ones loaded from the repository, the others left out of a chart
// that is still rendered and checked, each a finding of its own.

// configMap is a template of a ConfigMap named name.
func configMap(name string) string {
	return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "\n"
}

// inRepo makes a repository of files the working directory, so that the
// paths given and shown are relative to it.
func inRepo(t *testing.T, files map[string]string) string {
	t.Helper()
	root := helmRepo(t, files)
	t.Chdir(root)
	return root
}

// An umbrella chart, as aws-containers/retail-store-sample-app's, lists
// charts beside it by file://: they render as `helm dependency build`
// would have vendored them, under their alias, with their condition and
// the umbrella's values; a file:// chart's own file:// and vendored
// subcharts too. Each document names the umbrella and the template as
// Helm names it, and the file it came from in the repository.
func TestFileDependenciesRendered(t *testing.T) {
	inRepo(t, map[string]string{
		"shop/Chart.yaml": "apiVersion: v2\nname: shop\nversion: 1.0.0\ndependencies:\n" +
			"  - name: api\n    alias: backend\n    version: 1.x\n    repository: file://../services/api\n" +
			"  - name: web\n    version: 0.1.0\n    repository: file://../services/web/\n" +
			"  - name: worker\n    version: 0.1.0\n    repository: file://../services/worker\n    condition: worker.enabled\n",
		"shop/values.yaml":              "backend:\n  replicas: 3\nworker:\n  enabled: false\n",
		"shop/templates/configmap.yaml": configMap("{{ .Chart.Name }}"),

		"services/api/Chart.yaml":          "apiVersion: v2\nname: api\nversion: 1.2.0\n",
		"services/api/values.yaml":         "replicas: 1\nimage: api:1\n",
		"services/api/templates/_name.tpl": `{{ define "api.name" }}{{ .Release.Name }}-{{ .Chart.Name }}{{ end }}`,
		"services/api/templates/deployment.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ include \"api.name\" . }}\n" +
			"spec:\n  replicas: {{ .Values.replicas }}\n  template:\n    spec:\n      containers:\n        - name: api\n          image: {{ .Values.image }}\n",

		"services/web/Chart.yaml": "apiVersion: v2\nname: web\nversion: 0.1.0\ndependencies:\n" +
			"  - name: db\n    version: '>=0.1.0'\n    repository: file://../../data/db\n" +
			"  - name: cache\n    version: 0.1.0\n",
		"services/web/templates/service.yaml":            "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n",
		"services/web/charts/cache/Chart.yaml":           "apiVersion: v2\nname: cache\nversion: 0.1.0\n",
		"services/web/charts/cache/templates/cache.yaml": configMap("cache"),
		"data/db/Chart.yaml":                             "apiVersion: v2\nname: db\nversion: 0.3.0\n",
		"data/db/templates/statefulset.yaml":             "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\n",

		"services/worker/Chart.yaml":                "apiVersion: v2\nname: worker\nversion: 0.1.0\n",
		"services/worker/templates/deployment.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: worker\n",
	})
	set := load(t, []string{"shop"}, Options{})
	equalLines(t, "documents", located(set.Documents), []string{
		"v1 ConfigMap cache @ shop (charts/web/charts/cache/templates/cache.yaml)",
		"v1 ConfigMap shop @ shop (templates/configmap.yaml)",
		"v1 Service web @ shop (charts/web/templates/service.yaml)",
		"apps/v1 Deployment release-name-backend @ shop (charts/backend/templates/deployment.yaml)",
		"apps/v1 StatefulSet db @ shop (charts/web/charts/db/templates/statefulset.yaml)",
	})
	if len(set.LeftAlone)+len(set.Hooks)+len(set.NonResources) != 0 {
		t.Errorf("left alone %+v, hooks %q, skipped %q", set.LeftAlone, located(set.Hooks), locations(set.NonResources))
	}
	for kind, want := range map[string]Origin{
		"Deployment":  {File: "services/api/templates/deployment.yaml", Chart: "shop", Template: "charts/backend/templates/deployment.yaml"},
		"StatefulSet": {File: "data/db/templates/statefulset.yaml", Chart: "shop", Template: "charts/web/charts/db/templates/statefulset.yaml"},
		"Service":     {File: "services/web/templates/service.yaml", Chart: "shop", Template: "charts/web/templates/service.yaml"},
	} {
		if got := find(t, set.Documents, kind).Origin; got != want {
			t.Errorf("%s origin %+v, want %+v", kind, got, want)
		}
	}
	for _, d := range set.Documents {
		if d.Object.GetName() == "cache" && d.Origin.File != "services/web/charts/cache/templates/cache.yaml" {
			t.Errorf("cache origin %+v", d.Origin)
		}
	}
	deploy := find(t, set.Documents, "Deployment")
	checkValues(t, []expect{
		{deploy, path("spec", "replicas"), "3"}, // the umbrella's values under the alias
		{deploy, path("spec", "template", "spec", "containers", "[name=api]", "image"), "api:1"},
	})

	// Its condition enables the third.
	set = load(t, []string{"shop"}, Options{Set: []string{"worker.enabled=true"}})
	var worker *Document
	for _, d := range set.Documents {
		if d.Object.GetName() == "worker" {
			worker = d
		}
	}
	want := Origin{File: "services/worker/templates/deployment.yaml", Chart: "shop", Template: "charts/worker/templates/deployment.yaml"}
	if worker == nil || worker.Origin != want {
		t.Errorf("worker not rendered from its directory: %q", located(set.Documents))
	}
}

// A file:// path that leaves the root, as it is or through a symlink, is
// never read: the dependency is missing, the chart's own resources are
// read. The chart outside has a FIFO for its Chart.yaml, which would hang
// a read.
func TestFileDependencyOutsideTheRootMissing(t *testing.T) {
	root := helmRepo(t, map[string]string{"shop/templates/configmap.yaml": configMap("shop")})
	outside := filepath.Join(filepath.Dir(root), "outside") // ../../outside from shop
	helmFiles(t, outside, map[string]string{"templates/configmap.yaml": configMap("outside")})
	if err := syscall.Mkfifo(filepath.Join(outside, "Chart.yaml"), 0o644); err != nil {
		t.Fatal(err)
	}
	helmLink(t, outside, filepath.Join(root, "vendor/linked"))
	abs := "file://" + outside
	helmFiles(t, root, map[string]string{
		"shop/Chart.yaml": "apiVersion: v2\nname: shop\nversion: 1.0.0\ndependencies:\n" +
			"  - name: up\n    version: 0.1.0\n    repository: file://../../outside\n" +
			"  - name: abs\n    repository: " + abs + "\n" +
			"  - name: linked\n    version: 0.1.0\n    repository: file://../vendor/linked\n",
	})
	t.Chdir(root)

	set := load(t, []string{"shop"}, Options{})
	equalLines(t, "documents", located(set.Documents), []string{"v1 ConfigMap shop @ shop (templates/configmap.yaml)"})
	const why = " lies outside the repository root, and lbguard reads nothing outside it: its resources are not checked; " +
		"run `helm dependency build shop` to vendor it in charts/ and check them"
	want := []string{
		"up: chart up 0.1.0: file://../../outside" + why,
		"abs: chart abs: " + Quiet(abs) + why, // the temporary directory's digits look like a token
		"linked: chart linked 0.1.0: file://../vendor/linked" + why,
	}
	equalLines(t, "left alone", subcharts(t, set, "shop"), want)
}

// subcharts lists the subcharts left alone in set as "name: reason",
// checking that each is of the chart in dir and unchecked.
func subcharts(t *testing.T, set *Set, dir string) []string {
	t.Helper()
	var out []string
	for _, a := range set.LeftAlone {
		if a.Dir != dir || !a.Unchecked || a.Subchart == "" {
			t.Errorf("left alone %+v, want a subchart of %s, unchecked", a, dir)
		}
		out = append(out, a.Subchart+": "+a.Reason)
	}
	return out
}

// A chart that depends on itself through file://, at once or through
// another, is an error on one line that names the cycle.
func TestFileDependencyCycle(t *testing.T) {
	dep := func(name, repo string) string {
		return "apiVersion: v2\nname: " + name + "\nversion: 0.1.0\ndependencies:\n  - name: " + strings.TrimPrefix(repo, "file://../") +
			"\n    version: 0.1.0\n    repository: " + repo + "\n"
	}
	inRepo(t, map[string]string{
		"a/Chart.yaml":    dep("a", "file://../b"),
		"b/Chart.yaml":    dep("b", "file://../a"),
		"self/Chart.yaml": "apiVersion: v2\nname: self\nversion: 0.1.0\ndependencies:\n  - name: self\n    version: 0.1.0\n    repository: file://.\n",
	})
	for path, want := range map[string]string{
		"a":    "helm chart a: file:// dependencies form a cycle: a → b → a",
		"self": "helm chart self: file:// dependencies form a cycle: self → self",
	} {
		if got := loadError(t, []string{path}, Options{}); got != want {
			t.Errorf("error\n%s\nwant\n%s", got, want)
		}
	}
}

// A dependency from a repository that charts/ does not hold is left out:
// the chart renders with its own values for it (.Values.redis.host) and
// .Chart.Dependencies as Chart.yaml has them, and the subchart is a
// finding, unless its condition or tags disable it.
func TestRemoteDependencyNotVendored(t *testing.T) {
	const template = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shop\ndata:\n  host: {{ .Values.redis.host | quote }}\n" +
		"  deps: {{ range .Chart.Dependencies }}{{ .Name }}={{ .Repository }} {{ end }}\n"
	const notChecked = " is not vendored in charts/ and lbguard fetches nothing: its resources are not checked; run `helm dependency build shop` to check them"
	for _, tc := range []struct {
		name   string
		dep    string // the dependency's lines in Chart.yaml
		values string
		want   []string // the subcharts left alone
		deps   string   // .Chart.Dependencies as the template prints them
	}{
		{
			name: "https",
			dep:  "  - name: redis\n    version: 19.0.0\n    repository: https://charts.example.com\n",
			want: []string{"redis: chart redis 19.0.0 from https://charts.example.com" + notChecked},
			deps: "redis=https://charts.example.com",
		},
		{
			name: "oci with an alias",
			dep:  "  - name: redis\n    alias: cache\n    version: 18.x\n    repository: oci://registry-1.docker.io/bitnamicharts\n",
			want: []string{"cache: chart redis 18.x from oci://registry-1.docker.io/bitnamicharts" + notChecked},
			deps: "cache=oci://registry-1.docker.io/bitnamicharts",
		},
		{
			name: "a repository by its name",
			dep:  "  - name: redis\n    version: 19.0.0\n    repository: '@bitnami'\n",
			want: []string{"redis: chart redis 19.0.0 from @bitnami" + notChecked},
			deps: "redis=@bitnami",
		},
		{
			name: "credentials in the URL",
			dep:  "  - name: redis\n    version: 19.0.0\n    repository: https://ci:" + testToken + "@charts.example.com/stable\n",
			want: []string{"redis: chart redis 19.0.0 from https://charts.example.com/stable" + notChecked},
			deps: "redis=https://ci:" + testToken + "@charts.example.com/stable",
		},
		{
			name: "no repository",
			dep:  "  - name: redis\n    version: 19.0.0\n",
			want: []string{"redis: chart redis 19.0.0 has no repository in Chart.yaml and charts/ does not hold it: its resources are not checked; put it in charts/ to check them"},
			deps: "redis=",
		},
		{
			name:   "disabled by its condition",
			dep:    "  - name: redis\n    version: 19.0.0\n    repository: https://charts.example.com\n    condition: redis.enabled\n",
			values: "redis:\n  enabled: false\n  host: redis.example.com\n",
		},
		{
			name:   "disabled by its tags",
			dep:    "  - name: redis\n    version: 19.0.0\n    repository: https://charts.example.com\n    tags: [cache]\n",
			values: "tags:\n  cache: false\nredis:\n  host: redis.example.com\n",
		},
		{
			name: "a file:// path that names no chart",
			dep:  "  - name: redis\n    version: 19.0.0\n    repository: file://../redis\n",
			want: []string{"redis: chart redis 19.0.0: file://../redis names no chart directory in the repository: its resources are not checked; " +
				"correct the path: `helm dependency build shop` fails on it too"},
			deps: "redis=file://../redis",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			values := tc.values
			if values == "" {
				values = "redis:\n  host: redis.example.com\n"
			}
			inRepo(t, map[string]string{
				"shop/Chart.yaml":               "apiVersion: v2\nname: shop\nversion: 1.0.0\ndependencies:\n" + tc.dep,
				"shop/values.yaml":              values,
				"shop/templates/configmap.yaml": template,
			})
			set := load(t, []string{"shop"}, Options{})
			equalLines(t, "documents", located(set.Documents), []string{"v1 ConfigMap shop @ shop (templates/configmap.yaml)"})
			equalLines(t, "left alone", subcharts(t, set, "shop"), tc.want)
			cm := set.Documents[0]
			checkValues(t, []expect{
				{cm, path("data", "host"), "redis.example.com"},
				{cm, path("data", "deps"), tc.deps},
			})
			for _, a := range set.LeftAlone {
				checkNoSecret(t, a.Reason)
			}
		})
	}
}

// testdata/chart/needsdeps, the chart that once failed whole: its Service
// is read, and redis is not.
func TestChartWithoutItsDependenciesRenders(t *testing.T) {
	set := load(t, []string{"testdata/chart/needsdeps"}, Options{})
	equalLines(t, "documents", located(set.Documents), []string{"v1 Service needsdeps @ testdata/chart/needsdeps (templates/service.yaml)"})
	want := LeftAlone{
		Dir: "testdata/chart/needsdeps", Subchart: "redis", Unchecked: true,
		Reason: "chart redis 19.0.0 from https://charts.example.com is not vendored in charts/ and lbguard fetches nothing: " +
			"its resources are not checked; run `helm dependency build testdata/chart/needsdeps` to check them",
	}
	if len(set.LeftAlone) != 1 || set.LeftAlone[0] != want {
		t.Errorf("left alone %+v, want %+v", set.LeftAlone, want)
	}
}

// A subchart vendored in charts/ wins over the file:// path Chart.yaml
// names, as Helm renders what charts/ holds.
func TestVendoredDependencyWinsOverFile(t *testing.T) {
	inRepo(t, map[string]string{
		"shop/Chart.yaml":                   "apiVersion: v2\nname: shop\nversion: 1.0.0\ndependencies:\n  - name: x\n    version: 0.1.0\n    repository: file://../x\n",
		"shop/charts/x/Chart.yaml":          "apiVersion: v2\nname: x\nversion: 0.1.0\n",
		"shop/charts/x/templates/cm.yaml":   configMap("vendored"),
		"x/Chart.yaml":                      "apiVersion: v2\nname: x\nversion: 0.1.0\n",
		"x/templates/cm.yaml":               configMap("from-tree"),
		"shop/templates/nothing-of-its-own": "",
	})
	set := load(t, []string{"shop"}, Options{})
	equalLines(t, "documents", located(set.Documents), []string{"v1 ConfigMap vendored @ shop (charts/x/templates/cm.yaml)"})
	if got := set.Documents[0].Origin.File; got != "shop/charts/x/templates/cm.yaml" {
		t.Errorf("file %s", got)
	}
	if len(set.LeftAlone) != 0 {
		t.Errorf("left alone %+v", set.LeftAlone)
	}
}

// A subchart's own dependencies that are missing are named by their path
// of subcharts: for a file:// subchart, with `helm dependency build` of
// its directory; for a vendored one (Helm renders it without them), with
// where they belong.
func TestSubchartWithoutItsDependencies(t *testing.T) {
	inRepo(t, map[string]string{
		"shop/Chart.yaml": "apiVersion: v2\nname: shop\nversion: 1.0.0\ndependencies:\n" +
			"  - name: web\n    alias: front\n    version: 0.1.0\n    repository: file://../web\n" +
			"  - name: cache\n    version: 0.1.0\n    repository: https://charts.example.com\n",
		"shop/templates/configmap.yaml": configMap("shop"),
		"shop/charts/cache/Chart.yaml": "apiVersion: v2\nname: cache\nversion: 0.1.0\ndependencies:\n" +
			"  - name: common\n    version: 2.x\n    repository: oci://registry.example.com/charts\n",
		"web/Chart.yaml":             "apiVersion: v2\nname: web\nversion: 0.1.0\ndependencies:\n  - name: redis\n    version: 19.0.0\n    repository: https://charts.example.com\n",
		"web/templates/service.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n",
	})
	set := load(t, []string{"shop"}, Options{})
	equalLines(t, "documents", located(set.Documents), []string{
		"v1 ConfigMap shop @ shop (templates/configmap.yaml)",
		"v1 Service web @ shop (charts/front/templates/service.yaml)",
	})
	equalLines(t, "left alone", subcharts(t, set, "shop"), []string{
		"front/redis: chart redis 19.0.0 from https://charts.example.com is not vendored in charts/ and lbguard fetches nothing: " +
			"its resources are not checked; run `helm dependency build web` to check them",
		"cache/common: chart common 2.x from oci://registry.example.com/charts is not vendored in charts/ and lbguard fetches nothing: " +
			"its resources are not checked; vendor it in the charts/ of the subchart that lists it to check them",
	})
}

// A file:// dependency that `helm dependency build` or Helm would refuse
// fails the chart, naming the dependency; so does a template that needs a
// subchart left out, naming what was left out.
func TestFileDependencyErrors(t *testing.T) {
	const other = "apiVersion: v2\nname: other\nversion: 0.1.0\n"
	for _, tc := range []struct {
		name  string
		files map[string]string
		want  string
	}{
		{
			name: "another name",
			files: map[string]string{
				"shop/Chart.yaml": "apiVersion: v2\nname: shop\nversion: 1.0.0\ndependencies:\n  - name: web\n    version: 0.1.0\n    repository: file://../web\n",
				"web/Chart.yaml":  other,
			},
			want: "helm chart shop: dependency web (file://../web): the chart there is named \"other\": Helm finds a dependency by its name",
		},
		{
			name: "a version the constraint does not allow",
			files: map[string]string{
				"shop/Chart.yaml": "apiVersion: v2\nname: shop\nversion: 1.0.0\ndependencies:\n  - name: web\n    version: ^2.0.0\n    repository: file://../web\n",
				"web/Chart.yaml":  "apiVersion: v2\nname: web\nversion: 1.4.0\n",
			},
			want: "helm chart shop: dependency web (file://../web): the chart there is version 1.4.0, which version \"^2.0.0\" does not allow: `helm dependency build` refuses it",
		},
		{
			name: "a broken chart",
			files: map[string]string{
				"shop/Chart.yaml": "apiVersion: v2\nname: shop\nversion: 1.0.0\ndependencies:\n  - name: web\n    version: 0.1.0\n    repository: file://../web\n",
				"web/values.yaml": "a: 1\n",
			},
			want: "helm chart shop: dependency web (file://../web): Chart.yaml file is missing",
		},
		{
			name: "a template that includes a subchart's",
			files: map[string]string{
				"shop/Chart.yaml":          "apiVersion: v2\nname: shop\nversion: 1.0.0\ndependencies:\n  - name: redis\n    version: 19.0.0\n    repository: https://charts.example.com\n",
				"shop/templates/host.yaml": "{{ include \"redis.fullname\" . }}\n",
			},
			want: "helm chart shop: shop/templates/host.yaml:1:3 executing \"shop/templates/host.yaml\" at <include \"redis.fullname\" .>: " +
				"error calling include: template: no template \"redis.fullname\" associated with template \"gotpl\" (rendered without its subcharts not vendored in charts/: redis)",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			inRepo(t, tc.files)
			got := loadError(t, []string{"shop"}, Options{})
			if got != tc.want {
				t.Errorf("error\n%s\nwant\n%s", got, tc.want)
			}
			if strings.Contains(got, "\n") {
				t.Errorf("error on more than one line: %q", got)
			}
		})
	}
}
