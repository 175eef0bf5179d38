package render

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// An attacker's kustomization names remote bases and files of every kind
// kustomize fetches. Each unit is left alone, unchecked, and nothing is
// dialled (a listener on 127.0.0.1 counts connections and never answers)
// or started (git and ssh shims on the PATH record being run).
func TestRemoteKustomizationsFetchNothing(t *testing.T) {
	dials := listen(t)
	started := shims(t, "git", "ssh", "helm", "kustomize")
	repo := t.TempDir()
	url := "http://" + dials.addr
	deployment := "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n"
	for _, tc := range []struct {
		name, kustomization string
		remote              string // the entry named as remote
	}{
		{"https resource", "resources:\n- " + url + "/app.yaml\n", url + "/app.yaml"},
		{"github base", "resources:\n- github.com/org/repo//deploy?ref=v1\n", "github.com/org/repo//deploy?ref=v1"},
		{"scp-style git", "resources:\n- git@github.com:org/repo.git\n", "git@github.com:org/repo.git"},
		{"ssh", "resources:\n- ssh://git@" + dials.addr + "/repo.git\n", "ssh://git@" + dials.addr + "/repo.git"},
		{"git:: prefix", "resources:\n- git::" + url + "/repo.git\n", "git::" + url + "/repo.git"},
		{"file:// base", "resources:\n- file:///etc/kubernetes\n", "file:///etc/kubernetes"},
		{"deprecated bases", "bases:\n- " + url + "/base\n", url + "/base"},
		{"component", "components:\n- " + url + "/component\n", url + "/component"},
		{"patch file", "resources:\n- app.yaml\npatches:\n- path: " + url + "/patch.yaml\n", url + "/patch.yaml"},
		{"strategic merge patch", "resources:\n- app.yaml\npatchesStrategicMerge:\n- " + url + "/psm.yaml\n", url + "/psm.yaml"},
		{"generator file", "configMapGenerator:\n- name: c\n  files:\n  - key=" + url + "/f\n", url + "/f"},
		{"generator env", "configMapGenerator:\n- name: c\n  envs:\n  - " + url + "/env\n", url + "/env"},
		{"transformer", "resources:\n- app.yaml\ntransformers:\n- " + url + "/t.yaml\n", url + "/t.yaml"},
		{"openapi", "resources:\n- app.yaml\nopenapi:\n  path: " + url + "/schema.json\n", url + "/schema.json"},
		{"replacement", "resources:\n- app.yaml\nreplacements:\n- path: " + url + "/r.yaml\n", url + "/r.yaml"},
		{"crd", "resources:\n- app.yaml\ncrds:\n- " + url + "/crd.json\n", url + "/crd.json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(repo, strings.ReplaceAll(tc.name, " ", "-"))
			writeTree(t, dir, map[string]string{"kustomization.yaml": tc.kustomization, "app.yaml": deployment})
			set := loadIn(t, repo, dir)
			want := "remote resource `" + tc.remote + "` in " + filepath.Join(dir, "kustomization.yaml") + ": lbguard fetches nothing"
			if len(set.LeftAlone) != 1 || !set.LeftAlone[0].Unchecked || !strings.HasPrefix(set.LeftAlone[0].Reason, want) {
				t.Errorf("left alone %+v, want one unchecked, reason %q…", set.LeftAlone, want)
			}
			if len(set.Documents) != 0 {
				t.Errorf("read %q", located(set.Documents))
			}
		})
	}
	// A local overlay whose base names a remote resource: found through
	// the base.
	writeTree(t, filepath.Join(repo, "nested"), map[string]string{
		"overlay/kustomization.yaml": "resources:\n- ../base\n",
		"base/kustomization.yaml":    "resources:\n- " + url + "/app.yaml\n",
	})
	set := loadIn(t, repo, filepath.Join(repo, "nested", "overlay"))
	if len(set.LeftAlone) != 1 || !strings.Contains(set.LeftAlone[0].Reason, filepath.Join(repo, "nested", "base", "kustomization.yaml")) {
		t.Errorf("nested: left alone %+v, want the base's kustomization named", set.LeftAlone)
	}
	if n := dials.count.Load(); n != 0 {
		t.Errorf("%d connections to the listener", n)
	}
	if data, err := os.ReadFile(started); err == nil {
		t.Errorf("programs started:\n%s", data)
	}
}

// Bases and files outside the root, by name or through a symlink, are
// never read: the unit is left alone, and what they hold appears nowhere.
func TestKustomizationsStayInTheRoot(t *testing.T) {
	top := t.TempDir()
	repo := filepath.Join(top, "repo")
	const secret = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: stolen\ndata:\n  token: LBGUARD_TEST_TOKEN_4f1c2e\n"
	writeTree(t, filepath.Join(top, "outside"), map[string]string{
		"kustomization.yaml": "resources:\n- secret.yaml\n",
		"secret.yaml":        secret,
	})
	writeTree(t, repo, map[string]string{
		"dotdot/kustomization.yaml":   "resources:\n- ../../outside\n",
		"absolute/kustomization.yaml": "resources:\n- " + filepath.Join(top, "outside", "secret.yaml") + "\n",
		"linked/kustomization.yaml":   "resources:\n- base\n",
		"file/kustomization.yaml":     "resources:\n- secret.yaml\n",
		"patch/kustomization.yaml":    "resources:\n- app.yaml\npatches:\n- path: ../../outside/secret.yaml\n",
		"patch/app.yaml":              "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n",
	})
	symlink(t, filepath.Join(top, "outside"), filepath.Join(repo, "linked", "base"))
	symlink(t, filepath.Join(top, "outside", "secret.yaml"), filepath.Join(repo, "file", "secret.yaml"))
	for _, unit := range []string{"dotdot", "absolute", "linked", "file", "patch"} {
		t.Run(unit, func(t *testing.T) {
			set := loadIn(t, repo, filepath.Join(repo, unit))
			if len(set.LeftAlone) != 1 || !set.LeftAlone[0].Unchecked || !strings.Contains(set.LeftAlone[0].Reason, "lies outside the repository root "+repo+": lbguard reads nothing outside it") {
				t.Errorf("left alone %+v", set.LeftAlone)
			}
			for _, d := range set.Documents {
				if d.Object.GetName() == "stolen" {
					t.Errorf("the ConfigMap outside was read")
				}
			}
			if strings.Contains(set.LeftAlone[0].Reason, "LBGUARD_TEST_TOKEN") {
				t.Errorf("the reason quotes the file outside: %s", set.LeftAlone[0].Reason)
			}
		})
	}
}

// A plain manifest that is a symlink to a file outside the root, to a
// device, or a FIFO is refused without a byte read: no hang, no content.
func TestPlainFilesStayInTheRoot(t *testing.T) {
	top := t.TempDir()
	repo := filepath.Join(top, "repo")
	writeTree(t, top, map[string]string{"outside/env": "LBGUARD_TEST_TOKEN=ghp_0123456789abcdefABCDEF0123456789ab\n"})
	writeTree(t, repo, map[string]string{"ok.yaml": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ok\n"})
	symlink(t, filepath.Join(top, "outside", "env"), filepath.Join(repo, "env.yaml"))
	symlink(t, "/dev/zero", filepath.Join(repo, "zero.yaml"))
	fifo := filepath.Join(repo, "fifo.yaml")
	if err := mkfifo(fifo); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	for _, tc := range []struct{ file, want string }{
		{"env.yaml", "cannot read " + filepath.Join(repo, "env.yaml") + ": outside the repository root: lbguard reads nothing outside it"},
		{"zero.yaml", "cannot read " + filepath.Join(repo, "zero.yaml") + ": outside the repository root: lbguard reads nothing outside it"},
		{"fifo.yaml", "cannot read " + fifo + ": not a regular file (a FIFO): lbguard reads only regular files"},
	} {
		root, err := OpenRoot(repo)
		if err != nil {
			t.Fatal(err)
		}
		_, err = Load([]string{filepath.Join(repo, tc.file)}, Options{Root: root})
		root.Close()
		if err == nil || err.Error() != tc.want {
			t.Errorf("%s: error %v, want %s", tc.file, err, tc.want)
		}
	}
}

// loadIn loads path with the root at repo.
func loadIn(t *testing.T, repo, path string, opts ...Options) *Set {
	t.Helper()
	o := Options{}
	if len(opts) > 0 {
		o = opts[0]
	}
	root, err := OpenRoot(repo)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	o.Root = root
	set, err := Load([]string{path}, o)
	if err != nil {
		t.Fatalf("load %s: %v", path, err)
	}
	return set
}

func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, text := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}

// dialCounter is a listener on 127.0.0.1 that accepts and never answers,
// as the server that hung the run did, and counts connections.
type dialCounter struct {
	addr  string
	count atomic.Int64
}

func listen(t *testing.T) *dialCounter {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	d := &dialCounter{addr: l.Addr().String()}
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			d.count.Add(1)
			t.Cleanup(func() { c.Close() })
		}
	}()
	return d
}

// shims puts programs of the given names first on the PATH, each of which
// appends its name and arguments to the file it returns.
func shims(t *testing.T, names ...string) string {
	t.Helper()
	dir := t.TempDir()
	log := filepath.Join(dir, "started")
	for _, name := range names {
		script := "#!/bin/sh\necho " + name + " \"$@\" >> " + log + "\nexit 1\n"
		if err := os.WriteFile(filepath.Join(dir, name), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	return log
}

// A kustomization that doubles at every level of nested overlays (each
// level names the one below twice, with two prefixes) renders under the
// unit's budget: past it, the overrun names the kustomization.
func TestKustomizationBombBounded(t *testing.T) {
	got, _ := overruns(t)
	saved := unitBudget
	unitBudget = Budget{Time: 20 * time.Second, Memory: 24 << 20, Stack: 256 << 20}
	t.Cleanup(func() { unitBudget = saved })
	repo := t.TempDir()
	files := map[string]string{
		"l0/kustomization.yaml": "resources:\n- cm.yaml\n",
		"l0/cm.yaml":            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  v: \"" + strings.Repeat("x", 2000) + "\"\n",
	}
	const depth = 14
	for i := 1; i <= depth; i++ {
		below := fmt.Sprintf("../l%d", i-1)
		files[fmt.Sprintf("l%d/kustomization.yaml", i)] = "resources:\n- a\n- b\n"
		files[fmt.Sprintf("l%d/a/kustomization.yaml", i)] = "namePrefix: a-\nresources:\n- ../" + below + "\n"
		files[fmt.Sprintf("l%d/b/kustomization.yaml", i)] = "namePrefix: b-\nresources:\n- ../" + below + "\n"
	}
	writeTree(t, repo, files)
	root, err := OpenRoot(repo)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	top := filepath.Join(repo, fmt.Sprintf("l%d", depth))
	_, err = Input{Path: top, kind: kustomizationDir}.Render(Options{Root: root})
	want := "kustomization " + top + ": rendering "
	if len(*got) != 1 || !strings.HasPrefix((*got)[0], want) || err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("overruns %q, error %v; want one starting %q", *got, err, want)
	}
}
