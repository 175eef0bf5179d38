package render

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"text/template"

	"github.com/Masterminds/sprig/v3"
	"github.com/lbguard/lbguard/internal/krmio"
	"helm.sh/helm/v4/pkg/chart/common"
	"helm.sh/helm/v4/pkg/chart/common/util"
	chart "helm.sh/helm/v4/pkg/chart/v2"
	chartutil "helm.sh/helm/v4/pkg/chart/v2/util"
	"helm.sh/helm/v4/pkg/engine"
	releaseutil "helm.sh/helm/v4/pkg/release/v1/util"
)

// renderChart renders the chart in dir as `helm template` does, with
// Helm's template engine itself rather than its install action: the
// action links the Kubernetes client and its schemes into lbguard, which
// every KRM run would pay for at start-up. The steps are the action's for
// a client-side dry run: the chart's values.yaml under the values of opts,
// dependencies enabled by their conditions and tags, Helm's default
// capabilities, templates rendered, NOTES.txt dropped, hooks split off by
// their helm.sh/hook annotation and both sorted in Helm's install order of
// kinds. No cluster is asked and nothing is fetched.
//
// A chart comes from a stranger's pull request as often as not: it is
// loaded through the repository's root (helm_load.go), rendered within a
// budget of time and memory (budget.go), its output held to MaxFileBytes
// and maxChartDocuments, and what Helm says of it passes through Quiet.
func renderChart(dir string, opts Options) (*Set, error) {
	if opts.SkipHelm {
		return leftAlone(dir, "Helm chart not rendered (--helm-skip)"), nil
	}
	return withBudget("helm chart "+dir, unitBudget, func() (*Set, error) {
		root := opts.Root
		if root == nil {
			top, err := FindRoot(dir)
			if err != nil {
				return nil, chartError(dir, err)
			}
			if root, err = OpenRoot(top); err != nil {
				return nil, chartError(dir, err)
			}
			defer root.Close()
			opts.Root = root
		}
		return renderChartIn(root, dir, opts)
	})
}

func renderChartIn(root *Root, dir string, opts Options) (*Set, error) {
	opts = opts.forChart(dir) // the repository config's values for it
	limits := newChartLimits()
	ch, err := loadChartWithin(root, dir, limits)
	if err != nil {
		return nil, chartError(dir, err)
	}
	if ch.Metadata.Type == "library" {
		return leftAlone(dir, "Helm library chart: it renders nothing of its own"), nil
	}
	deps, err := loadDependencies(root, dir, ch, limits) // helm_deps.go
	if err != nil {
		return nil, chartError(dir, err)
	}
	vals, err := userValues(opts, root)
	if err != nil {
		return nil, chartError(dir, err)
	}
	files, alone, err := renderTemplates(ch, vals, opts, deps)
	if err != nil {
		return nil, chartError(dir, unvendoredNote(err, alone))
	}
	set, err := chartDocuments(dir, ch.Name(), files, deps.dirs)
	if err != nil {
		return nil, err
	}
	set.LeftAlone = append(set.LeftAlone, alone...)
	if opts.Namespace != "" {
		if err := inReleaseNamespace(append(set.Documents, set.Hooks...), opts.Namespace); err != nil {
			return nil, chartError(dir, err)
		}
	}
	return set, nil
}

func chartError(dir string, err error) error {
	return fmt.Errorf("helm chart %s: %w", dir, err)
}

// maxChartDocuments is the most YAML documents one chart may render.
const maxChartDocuments = 100_000

// renderTemplates renders every template of ch with the user's values,
// as a first install of the release opts names. Helm's errors come out
// through quietHelm. It returns as well the subcharts that are missing and
// enabled, which ch was rendered without (deps).
func renderTemplates(ch *chart.Chart, vals map[string]any, opts Options, deps *chartDeps) (map[string]string, []LeftAlone, error) {
	files, alone, err := renderHelm(ch, vals, opts, deps)
	if err != nil {
		return nil, alone, quietHelm(err, templateNames(ch))
	}
	size, docs := 0, 0
	for _, text := range files {
		size += len(text)
		docs += countDocuments(text)
	}
	if size > MaxFileBytes {
		return nil, alone, fmt.Errorf("the templates rendered more than %s, the most lbguard reads of one chart: exclude it or lower what it renders", krmio.FormatBytes(MaxFileBytes))
	}
	if docs > maxChartDocuments {
		return nil, alone, fmt.Errorf("the templates rendered more than %d YAML documents, the most lbguard reads of one chart: exclude it or lower what it renders", maxChartDocuments)
	}
	return files, alone, nil
}

func renderHelm(ch *chart.Chart, vals map[string]any, opts Options, deps *chartDeps) (map[string]string, []LeftAlone, error) {
	if err := chartutil.ProcessDependencies(ch, vals); err != nil {
		return nil, nil, fmt.Errorf("chart dependencies processing failed: %w", err)
	}
	alone := deps.unvendored(ch)
	caps := common.DefaultCapabilities.Copy()
	if v := ch.Metadata.KubeVersion; v != "" && !chartutil.IsCompatibleRange(v, caps.KubeVersion.String()) {
		return nil, alone, fmt.Errorf("chart requires kubeVersion: %s which is incompatible with Kubernetes %s", v, caps.KubeVersion.Version)
	}
	release := common.ReleaseOptions{Name: opts.releaseName(), Namespace: opts.namespace(), Revision: 1, IsInstall: true}
	top, err := util.ToRenderValues(ch, vals, release, caps)
	if err != nil {
		return nil, alone, err
	}
	files, err := engine.Engine{CustomTemplateFuncs: boundedFuncs()}.RenderWithContext(context.Background(), ch, top)
	if err != nil {
		return nil, alone, err
	}
	for name := range files {
		if strings.HasSuffix(name, "NOTES.txt") { // as Helm matches it
			delete(files, name) // text for people
		}
	}
	return files, alone, nil
}

// countDocuments is at least the number of documents Helm's
// releaseutil.SplitManifests finds in text: one, and one more for each
// line that starts with "---".
func countDocuments(text string) int {
	n := 1
	if strings.HasPrefix(text, "---") {
		n++
	}
	return n + strings.Count(text, "\n---")
}

// chartDocuments reads the rendered templates: the release's resources in
// Helm's install order of kinds, and its hooks apart, so that a template's
// documents are counted in that order. dirs are the directories of the
// file:// subcharts, by their place in the chart (helm_deps.go): their
// templates' files are there.
func chartDocuments(dir, name string, files map[string]string, dirs map[string]string) (*Set, error) {
	hooks, manifests, err := releaseutil.SortManifests(files, nil, releaseutil.InstallOrder)
	if err != nil {
		return nil, err
	}
	set := &Set{}
	counts := map[string]int{} // documents read so far per template
	read := func(source, text, hook string) (*Set, error) {
		tmpl := strings.TrimPrefix(source, name+"/")
		at := Origin{File: templateFile(dir, tmpl, dirs), Chart: dir, Template: tmpl, Hook: hook, Document: counts[tmpl]}
		counts[tmpl]++
		return readStream([]byte(text), at, false)
	}
	for _, m := range manifests {
		part, err := read(m.Name, m.Content, "")
		if err != nil {
			return nil, err
		}
		set.add(part)
	}
	for _, h := range hooks {
		events := make([]string, len(h.Events))
		for i, e := range h.Events {
			events[i] = string(e)
		}
		part, err := read(h.Path, h.Manifest, strings.Join(events, ","))
		if err != nil {
			return nil, err
		}
		set.Hooks = append(set.Hooks, part.Documents...)
		set.NonResources = append(set.NonResources, part.NonResources...)
	}
	return set, nil
}

// templateFile is the file of tmpl, a template of the chart in dir as Helm
// names it: under the directory of the file:// subchart it lies in, if
// any (the longest place of dirs it lies under), else under dir.
func templateFile(dir, tmpl string, dirs map[string]string) string {
	best := ""
	for at := range dirs {
		if len(at) > len(best) && strings.HasPrefix(tmpl, at+"/") {
			best = at
		}
	}
	if best == "" {
		return filepath.Join(dir, tmpl)
	}
	return filepath.Join(dirs[best], strings.TrimPrefix(tmpl, best+"/"))
}

// boundedFuncs are Sprig's functions that allocate their result at once,
// held to MaxFileBytes: `repeat 100000000000 "x"` would ask the runtime
// for 100 GB in one piece, which ends the process with a stack trace
// before any watchdog looks. Helm's other functions grow what they build
// step by step, which the budget sees. They apply to what tpl renders
// too: tpl's clones keep every function but tpl and include.
var boundedFuncs = sync.OnceValue(func() template.FuncMap {
	sprigs := sprig.TxtFuncMap()
	tooLarge := func(name string) error {
		return fmt.Errorf("%s: would take more than %s, the most lbguard renders of one chart", name, krmio.FormatBytes(MaxFileBytes))
	}
	// fits says whether n pieces of size bytes fit; n < 0 is left to the
	// function to refuse, as it does.
	fits := func(n, size int) bool { return n <= 0 || size <= MaxFileBytes/n }
	indent := sprigs["indent"].(func(int, string) string)
	nindent := sprigs["nindent"].(func(int, string) string)
	funcs := template.FuncMap{
		"repeat": func(count int, str string) (string, error) {
			if !fits(count, len(str)) {
				return "", tooLarge("repeat")
			}
			return strings.Repeat(str, count), nil // as Sprig's
		},
		"replace": func(old, new, src string) (string, error) {
			if grow := len(new) - len(old); grow > 0 && !fits(strings.Count(src, old), grow) {
				return "", tooLarge("replace")
			}
			return strings.Replace(src, old, new, -1), nil // as Sprig's
		},
		"indent": func(spaces int, v string) (string, error) {
			if !fits(strings.Count(v, "\n")+1, spaces) {
				return "", tooLarge("indent")
			}
			return indent(spaces, v), nil
		},
		"nindent": func(spaces int, v string) (string, error) {
			if !fits(strings.Count(v, "\n")+1, spaces) {
				return "", tooLarge("nindent")
			}
			return nindent(spaces, v), nil
		},
		"randBytes": func(count int) (string, error) {
			if !fits(count, 3) { // the bytes and their base64
				return "", tooLarge("randBytes")
			}
			return sprigs["randBytes"].(func(int) (string, error))(count)
		},
	}
	for _, name := range []string{"randAlphaNum", "randAlpha", "randAscii", "randNumeric"} {
		f := sprigs[name].(func(int) string)
		funcs[name] = func(count int) (string, error) {
			if !fits(count, 4) { // a rune each, then the string
				return "", tooLarge(name)
			}
			return f(count), nil
		}
	}
	return funcs
})

// quietHelm is Helm's err through Quiet, one short line without anything
// token-like, except that names, the chart's files as Helm names them in
// its messages, are kept whole: "templates/deployment-v2-canary.yaml:12"
// is where the error is, not a token.
func quietHelm(err error, names []string) error {
	names = slices.Clone(names)
	slices.SortFunc(names, func(a, b string) int { return len(b) - len(a) }) // the longest first
	hide := make([]string, 0, 2*len(names))
	show := make([]string, 0, 2*len(names))
	for i, name := range names {
		mark := "\x00" + strconv.Itoa(i) + "\x00" // neither space nor a token's
		hide = append(hide, name, mark)
		show = append(show, mark, name)
	}
	msg := Quiet(strings.NewReplacer(hide...).Replace(err.Error()))
	msg = strings.NewReplacer(show...).Replace(msg)
	if i := strings.IndexByte(msg, 0); i >= 0 { // a mark cut in two
		msg = msg[:i] + "…"
	}
	if r := []rune(strings.TrimSuffix(msg, "…")); len(r) > maxMessage { // names are longer than marks
		msg = string(r[:maxMessage]) + "…"
	}
	return errors.New(msg)
}

// templateNames are the names Helm gives the templates of ch and of its
// subcharts: "web/templates/deployment.yaml",
// "web/charts/db/templates/statefulset.yaml".
func templateNames(ch *chart.Chart) []string {
	var names []string
	for _, t := range ch.Templates {
		names = append(names, ch.ChartFullPath()+"/"+t.Name)
	}
	for _, d := range ch.Dependencies() {
		names = append(names, templateNames(d)...)
	}
	return names
}
