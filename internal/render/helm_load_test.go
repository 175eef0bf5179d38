package render

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"helm.sh/helm/v4/pkg/chart/loader/archive"
	chart "helm.sh/helm/v4/pkg/chart/v2"
	"helm.sh/helm/v4/pkg/chart/v2/loader"
)

// helmRepo is a repository root (it holds .git) with files, by their
// slash paths, written in it.
func helmRepo(t *testing.T, files map[string]string) string {
	t.Helper()
	root := filepath.Join(t.TempDir(), "repo")
	if err := os.MkdirAll(filepath.Join(root, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	helmFiles(t, root, files)
	return root
}

func helmFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func helmLink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(link), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}

const chartYAML = "apiVersion: v2\nname: c\nversion: 0.1.0\n"

// loadChartIn is loadChart with the root opened at root.
func loadChartIn(t *testing.T, root, dir string) (*chart.Chart, error) {
	t.Helper()
	r, err := OpenRoot(root)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	return loadChart(r, dir)
}

// chartSummary lists what a loaded chart holds, its subcharts' included.
func chartSummary(ch *chart.Chart) []string {
	var out []string
	add := func(kind string, name string, data []byte) {
		out = append(out, ch.ChartFullPath()+" "+kind+" "+name+" "+string(data))
	}
	for _, f := range ch.Raw {
		add("raw", f.Name, f.Data)
	}
	for _, f := range ch.Templates {
		add("template", f.Name, f.Data)
	}
	for _, f := range ch.Files {
		add("file", f.Name, f.Data)
	}
	out = append(out, ch.ChartFullPath()+" values "+strings.Join(slices.Sorted(maps.Keys(ch.Values)), ","))
	for _, d := range ch.Dependencies() {
		out = append(out, chartSummary(d)...)
	}
	slices.Sort(out)
	return out
}

func tgz(t *testing.T, files map[string]string) string {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for _, name := range slices.Sorted(maps.Keys(files)) {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(files[name])), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(files[name])); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// The chart as Helm's loader.LoadDir loads it, when nothing leaves the
// root: .helmignore and Helm's default, a BOM, subcharts as directories
// and archives, symlinks inside the repository.
func TestLoadChartAsHelmDoes(t *testing.T) {
	root := helmRepo(t, map[string]string{
		"shared/labels.tpl":                   `{{ define "labels" }}app: c{{ end }}`,
		"shared/dir/extra.txt":                "extra",
		"chart/Chart.yaml":                    "\xEF\xBB\xBF" + chartYAML + "dependencies:\n- name: sub\n- name: packed\n",
		"chart/values.yaml":                   "a: 1\nsub:\n  b: 2\n",
		"chart/.helmignore":                   "# comment\n*.bak\nsecret/\n",
		"chart/templates/cm.yaml":             "kind: ConfigMap\n",
		"chart/templates/.hidden.yaml":        "ignored by Helm's default",
		"chart/templates/old.yaml.bak":        "ignored",
		"chart/templates/NOTES.txt":           "notes",
		"chart/secret/token":                  "ignored directory",
		"chart/files/a.txt":                   "a",
		"chart/charts/sub/Chart.yaml":         "apiVersion: v2\nname: sub\nversion: 0.2.0\n",
		"chart/charts/sub/templates/svc.yaml": "kind: Service\n",
		"chart/charts/packed-0.3.0.tgz": tgz(t, map[string]string{
			"packed/Chart.yaml":            "apiVersion: v2\nname: packed\nversion: 0.3.0\n",
			"packed/templates/deploy.yaml": "kind: Deployment\n",
		}),
	})
	helmLink(t, "../../shared/labels.tpl", filepath.Join(root, "chart/templates/_labels.tpl"))
	helmLink(t, "../../shared/dir", filepath.Join(root, "chart/files/linked"))
	dir := filepath.Join(root, "chart")

	want, err := loader.LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	got, err := loadChartIn(t, root, dir)
	if err != nil {
		t.Fatal(err)
	}
	equalLines(t, "chart", chartSummary(got), chartSummary(want))
	for _, name := range []string{"templates/.hidden.yaml", "templates/old.yaml.bak", "secret/token"} {
		for _, line := range chartSummary(got) {
			if strings.Contains(line, " "+name+" ") {
				t.Errorf("%s loaded: %s", name, line)
			}
		}
	}
	if len(got.Dependencies()) != 2 || !strings.Contains(strings.Join(chartSummary(got), "\n"), "c file files/linked/extra.txt extra") {
		t.Errorf("subcharts or the symlinked directory missing:\n%s", strings.Join(chartSummary(got), "\n"))
	}
}

func TestLoadChartRefuses(t *testing.T) {
	outside := filepath.Join(t.TempDir(), "outside")
	helmFiles(t, outside, map[string]string{"secret": "LBGUARD_TEST_TOKEN=" + testToken, "dir/x.yaml": "x: 1"})
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T, chart string)
		want  string
	}{{
		name: "symlink out of the root",
		setup: func(t *testing.T, chart string) {
			helmLink(t, filepath.Join(outside, "secret"), filepath.Join(chart, "files/env"))
		},
		want: "files/env: outside the repository root: lbguard reads nothing outside it",
	}, {
		name: "relative symlink out of the root",
		setup: func(t *testing.T, chart string) {
			helmLink(t, "../../../outside/secret", filepath.Join(chart, "files/env"))
		},
		want: "files/env: outside the repository root: lbguard reads nothing outside it",
	}, {
		name: "symlinked directory out of the root",
		setup: func(t *testing.T, chart string) {
			helmLink(t, filepath.Join(outside, "dir"), filepath.Join(chart, "templates/more"))
		},
		want: "templates/more: outside the repository root: lbguard reads nothing outside it",
	}, {
		name:  "/dev/zero",
		setup: func(t *testing.T, chart string) { helmLink(t, "/dev/zero", filepath.Join(chart, "files/zero")) },
		want:  "files/zero: outside the repository root: lbguard reads nothing outside it",
	}, {
		name: "FIFO",
		setup: func(t *testing.T, chart string) {
			if err := mkfifo(filepath.Join(chart, "files/pipe")); err != nil {
				t.Fatal(err)
			}
		},
		want: "files/pipe: not a regular file (a FIFO): lbguard reads only regular files",
	}, {
		name: "FIFO through a symlink",
		setup: func(t *testing.T, chart string) {
			if err := mkfifo(filepath.Join(chart, "..", "pipe")); err != nil {
				t.Fatal(err)
			}
			helmLink(t, "../../pipe", filepath.Join(chart, "templates/pipe.yaml"))
		},
		want: "templates/pipe.yaml: not a regular file (a FIFO): lbguard reads only regular files",
	}, {
		name: ".helmignore a FIFO",
		setup: func(t *testing.T, chart string) {
			if err := mkfifo(filepath.Join(chart, ".helmignore")); err != nil {
				t.Fatal(err)
			}
		},
		want: ".helmignore: not a regular file (a FIFO): lbguard reads only regular files",
	}, {
		name:  "dangling symlink",
		setup: func(t *testing.T, chart string) { helmLink(t, "nothing", filepath.Join(chart, "files/gone")) },
		want:  "files/gone: no such file or directory",
	}, {
		name:  "symlink loop",
		setup: func(t *testing.T, chart string) { helmLink(t, "..", filepath.Join(chart, "templates/up")) },
		want:  "templates/up: a symlink loop: it leads to a directory it lies in",
	}, {
		name: "too large in all",
		setup: func(t *testing.T, chart string) {
			saved := archive.MaxDecompressedChartSize
			archive.MaxDecompressedChartSize = 100
			t.Cleanup(func() { archive.MaxDecompressedChartSize = saved })
			helmFiles(t, chart, map[string]string{"files/big": strings.Repeat("x", 80)})
		},
		want: "chart exceeds maximum decompressed size of 100 bytes",
	}} {
		t.Run(tc.name, func(t *testing.T) {
			root := helmRepo(t, map[string]string{"chart/Chart.yaml": chartYAML, "chart/templates/cm.yaml": "kind: ConfigMap\n", "chart/files/.keep": ""})
			dir := filepath.Join(root, "chart")
			tc.setup(t, dir)
			done := make(chan error, 1)
			go func() {
				_, err := loadChartIn(t, root, dir)
				done <- err
			}()
			select {
			case err := <-done:
				if err == nil || err.Error() != tc.want {
					t.Errorf("error %v\nwant %s", err, tc.want)
				}
				if err != nil && strings.Contains(err.Error(), testToken) {
					t.Errorf("the error shows the token: %v", err)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("loading the chart hangs")
			}
		})
	}
}

// A file .helmignore leaves out is not read, as with Helm, wherever it
// leads.
func TestLoadChartIgnoresBeforeReading(t *testing.T) {
	root := helmRepo(t, map[string]string{
		"chart/Chart.yaml":        chartYAML,
		"chart/.helmignore":       "env\nvendor/\nfiles/pipe\n",
		"chart/templates/cm.yaml": "kind: ConfigMap\n",
	})
	dir := filepath.Join(root, "chart")
	helmLink(t, "/proc/self/environ", filepath.Join(dir, "files/env"))
	helmLink(t, "/nowhere", filepath.Join(dir, "vendor"))
	if err := mkfifo(filepath.Join(dir, "files/pipe")); err != nil {
		t.Fatal(err)
	}
	ch, err := loadChartIn(t, root, dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range ch.Raw {
		names = append(names, f.Name)
	}
	slices.Sort(names)
	equalLines(t, "files", names, []string{".helmignore", "Chart.yaml", "templates/cm.yaml"})
}

func TestLoadChartOutsideTheRoot(t *testing.T) {
	root := helmRepo(t, nil)
	other := helmRepo(t, map[string]string{"chart/Chart.yaml": chartYAML})
	_, err := loadChartIn(t, root, filepath.Join(other, "chart"))
	if err != ErrOutsideRoot {
		t.Errorf("error %v, want ErrOutsideRoot", err)
	}
}
