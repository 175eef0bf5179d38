package render

import (
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	chart "helm.sh/helm/v4/pkg/chart/v2"
	chartutil "helm.sh/helm/v4/pkg/chart/v2/util"
)

// A chart's dependencies (Chart.yaml's dependencies:) are the subcharts
// in its charts/, which `helm dependency build` fills. lbguard fetches
// nothing, but what needs no network is resolved:
//
//   - A dependency whose repository is file://PATH, and that charts/ does
//     not hold, is loaded from PATH (relative to the chart's directory, as
//     Helm resolves it) through the root, as `helm dependency build` would
//     have copied it there: the same name and a version its constraint
//     allows, or the build would fail, and so does the chart. Its own
//     file:// dependencies are resolved in turn; a chart that leads back
//     to itself is an error. A PATH outside the root is never read: the
//     dependency is then missing.
//   - A dependency still missing (a remote repository, https://, oci://
//     or @repo; no repository at all; a file:// PATH outside the root or
//     naming no directory) is left out, where Helm would refuse the whole
//     chart: the chart's own templates are rendered and checked, and each
//     missing subchart its condition and tags enable is a finding of its
//     own, unchecked (LeftAlone.Subchart). The parent's values for it
//     (.Values.redis.host) are the parent's and still render.
//
// A vendored subchart wins over its file:// path, as Helm renders what
// charts/ holds. All the charts of one unit share its budget of bytes
// and entries (chartLimits).

// chartDeps is what the dependencies of one unit came to.
type chartDeps struct {
	unit string // the chart's directory, as given
	// dirs are the directories the file:// subcharts were loaded from, by
	// their place in the chart as Helm names their templates after
	// ProcessDependencies (alias or name): "charts/catalog",
	// "charts/catalog/charts/db".
	dirs map[string]string
	// missing are the dependencies no subchart stands for; each is marked
	// in the chart's metadata by missingMark and its index.
	missing []missingDep
}

// missingDep is a dependency that neither charts/ nor a file:// path in
// the root could give.
type missingDep struct {
	dep chart.Dependency // as Chart.yaml lists it
	dir string           // the directory of the chart listing it; "" for a vendored subchart
	why notLoaded        // for a file:// dependency, why it was not loaded
}

// notLoaded says why a file:// dependency was not loaded.
type notLoaded struct {
	why     string
	outside bool // the path leaves the root: `helm dependency build` vendors it
}

// missingMark stands in for the repository of a missing dependency while
// Helm's ProcessDependencies decides which dependencies are enabled:
// it never reads a repository, and it copies the dependencies of every
// subchart, so that the mark is what finds them again in its result.
const missingMark = "\x00lbguard-missing:"

// loadDependencies resolves the file:// dependencies of ch, the chart in
// dir, loading them within limits, and marks the dependencies still
// missing in ch and its subcharts.
func loadDependencies(root *Root, dir string, ch *chart.Chart, limits *chartLimits) (*chartDeps, error) {
	info, err := root.Stat(dir)
	if err != nil {
		return nil, err
	}
	r := &depResolver{
		root: root, limits: limits,
		why:   map[*chart.Dependency]notLoaded{},
		dirOf: map[*chart.Chart]string{ch: dir},
		stack: []resolving{{dir, info}},
	}
	dirs, err := r.resolve(ch, dir)
	if err != nil {
		return nil, err
	}
	r.mark(ch)
	return &chartDeps{unit: dir, dirs: dirs, missing: r.missing}, nil
}

type depResolver struct {
	root    *Root
	limits  *chartLimits
	why     map[*chart.Dependency]notLoaded // file:// dependencies not loaded, and why
	dirOf   map[*chart.Chart]string         // the unit's chart and the file:// subcharts, by directory
	stack   []resolving                     // the charts being resolved, the unit's first
	missing []missingDep
}

// resolving is a chart whose file:// dependencies are being resolved.
type resolving struct {
	dir  string
	info fs.FileInfo
}

// resolve loads the file:// dependencies of ch, the chart in dir, that
// its charts/ does not hold, and theirs, and adds them to ch. It returns
// the directories they came from, by their place in ch.
func (r *depResolver) resolve(ch *chart.Chart, dir string) (map[string]string, error) {
	loaded := map[string]string{}            // dependency name → its directory
	nested := map[string]map[string]string{} // dependency name → its own file:// subcharts
	for _, req := range ch.Metadata.Dependencies {
		if req == nil || !strings.HasPrefix(req.Repository, "file://") || hasSubchart(ch, req.Name) {
			continue
		}
		path := localPath(dir, req.Repository)
		info, err := r.root.Stat(path)
		switch {
		case errors.Is(err, ErrOutsideRoot):
			r.why[req] = notLoaded{"lies outside the repository root, and lbguard reads nothing outside it", true}
			continue
		case errors.Is(err, fs.ErrNotExist) || err == nil && !info.IsDir():
			r.why[req] = notLoaded{"names no chart directory in the repository", false}
			continue
		case err != nil:
			return nil, dependencyError(req, fileError(req.Repository, err))
		}
		if err := r.checkCycle(path, info); err != nil {
			return nil, err
		}
		sub, err := loadChartWithin(r.root, path, r.limits)
		if err != nil {
			return nil, dependencyError(req, err)
		}
		if sub.Name() != req.Name {
			return nil, dependencyError(req, fmt.Errorf("the chart there is named %q: Helm finds a dependency by its name", sub.Name()))
		}
		if !chartutil.IsCompatibleRange(req.Version, sub.Metadata.Version) {
			return nil, dependencyError(req, fmt.Errorf("the chart there is version %s, which version %q does not allow: `helm dependency build` refuses it", sub.Metadata.Version, req.Version))
		}
		r.stack = append(r.stack, resolving{path, info})
		subDirs, err := r.resolve(sub, path)
		r.stack = r.stack[:len(r.stack)-1]
		if err != nil {
			return nil, err
		}
		ch.AddDependency(sub)
		r.dirOf[sub] = path
		loaded[req.Name], nested[req.Name] = path, subDirs
	}
	// Every dependency on a chart loaded here is rendered as a copy of it
	// under its alias (ProcessDependencies).
	dirs := map[string]string{}
	for _, req := range ch.Metadata.Dependencies {
		if req == nil {
			continue
		}
		path, ok := loaded[req.Name]
		if !ok {
			continue
		}
		at := "charts/" + req.Name
		if req.Alias != "" {
			at = "charts/" + req.Alias
		}
		dirs[at] = path
		for p, d := range nested[req.Name] {
			dirs[at+"/"+p] = d
		}
	}
	return dirs, nil
}

// checkCycle fails when the chart at path (info) is one being resolved.
func (r *depResolver) checkCycle(path string, info fs.FileInfo) error {
	for i, s := range r.stack {
		if !os.SameFile(s.info, info) {
			continue
		}
		var chain []string
		for _, s := range r.stack[i:] {
			chain = append(chain, s.dir)
		}
		return fmt.Errorf("file:// dependencies form a cycle: %s → %s", strings.Join(chain, " → "), path)
	}
	return nil
}

// mark records the dependencies of ch and its subcharts that no subchart
// stands for (Helm's CheckDependencies: by name) and marks them.
func (r *depResolver) mark(ch *chart.Chart) {
	for _, req := range ch.Metadata.Dependencies {
		if req == nil || hasSubchart(ch, req.Name) {
			continue
		}
		r.missing = append(r.missing, missingDep{dep: *req, dir: r.dirOf[ch], why: r.why[req]})
		req.Repository = missingMark + strconv.Itoa(len(r.missing)-1)
		req.ImportValues = nil // nothing to import: Helm would only warn
	}
	for _, sub := range ch.Dependencies() {
		r.mark(sub)
	}
}

// unvendored puts back the repositories of the missing dependencies in
// ch, once ProcessDependencies has processed it, and returns a LeftAlone
// for each that its condition and tags enable: ProcessDependencies keeps
// only those. Each is named by its path of subchart names, aliases
// applied, below the unit's chart.
func (d *chartDeps) unvendored(ch *chart.Chart) []LeftAlone {
	type found struct {
		req *chart.Dependency
		at  int
	}
	var all []found
	var alone []LeftAlone
	var walk func(ch *chart.Chart, path string)
	walk = func(ch *chart.Chart, path string) {
		for _, req := range ch.Metadata.Dependencies {
			at, ok := d.marked(req)
			if !ok {
				continue
			}
			all = append(all, found{req, at})
			alone = append(alone, LeftAlone{Dir: d.unit, Subchart: path + req.Name, Reason: d.missing[at].reason(d.unit), Unchecked: true})
		}
		for _, sub := range ch.Dependencies() {
			walk(sub, path+sub.Name()+"/")
		}
	}
	walk(ch, "")
	for _, f := range all { // after the walk: copies may share a dependency
		m := d.missing[f.at]
		f.req.Repository, f.req.ImportValues = m.dep.Repository, m.dep.ImportValues
	}
	return alone
}

// marked is the index of the missing dependency req stands for.
func (d *chartDeps) marked(req *chart.Dependency) (int, bool) {
	if req == nil {
		return 0, false
	}
	s, ok := strings.CutPrefix(req.Repository, missingMark)
	if !ok {
		return 0, false
	}
	i, err := strconv.Atoi(s)
	if err != nil || i < 0 || i >= len(d.missing) {
		return 0, false
	}
	return i, true
}

// reason says why the subchart of m is not checked, and what checks it.
func (m missingDep) reason(unit string) string {
	what := "chart " + m.dep.Name
	if m.dep.Version != "" {
		what += " " + Quiet(m.dep.Version)
	}
	repo := showRepository(m.dep.Repository)
	const unchecked = ": its resources are not checked; "
	build := "run `helm dependency build " + m.dir + "` to check them"
	if m.dir == "" {
		build = "vendor it in the charts/ of the subchart that lists it to check them"
	}
	switch {
	case m.why.why != "":
		build = "correct the path: `helm dependency build " + m.dir + "` fails on it too"
		if m.why.outside {
			build = "run `helm dependency build " + m.dir + "` to vendor it in charts/ and check them"
		}
		return what + ": " + repo + " " + m.why.why + unchecked + build
	case m.dep.Repository == "":
		return what + " has no repository in Chart.yaml and charts/ does not hold it" + unchecked + "put it in charts/ to check them"
	}
	return what + " from " + repo + " is not vendored in charts/ and lbguard fetches nothing" + unchecked + build
}

// showRepository is a dependency's repository as a message shows it:
// without a user or password, and quiet.
func showRepository(repo string) string {
	if u, err := url.Parse(repo); err == nil && u.User != nil {
		u.User = nil
		repo = u.String()
	}
	return Quiet(repo)
}

// unvendoredNote adds to err, a chart's failure to render, the subcharts
// it was rendered without: a template of the chart may include theirs.
func unvendoredNote(err error, alone []LeftAlone) error {
	if len(alone) == 0 {
		return err
	}
	names := make([]string, len(alone))
	for i, a := range alone {
		names[i] = a.Subchart
	}
	return fmt.Errorf("%w (rendered without its subcharts not vendored in charts/: %s)", err, strings.Join(names, ", "))
}

// hasSubchart says whether ch holds a subchart of that name.
func hasSubchart(ch *chart.Chart, name string) bool {
	for _, d := range ch.Dependencies() {
		if d.Name() == name {
			return true
		}
	}
	return false
}

// localPath is the directory a file:// repository names, as Helm's
// resolver.GetLocalPath reads it: absolute, or relative to the chart.
func localPath(dir, repo string) string {
	p := strings.TrimPrefix(repo, "file://")
	if strings.HasPrefix(p, "/") {
		return filepath.Clean(p)
	}
	return filepath.Join(dir, p)
}

func dependencyError(req *chart.Dependency, err error) error {
	return fmt.Errorf("dependency %s (%s): %w", req.Name, showRepository(req.Repository), err)
}
