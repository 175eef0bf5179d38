package render

import (
	"fmt"
	"path/filepath"
	"strings"

	"helm.sh/helm/v4/pkg/chart/common"
	"helm.sh/helm/v4/pkg/chart/common/util"
	chart "helm.sh/helm/v4/pkg/chart/v2"
	"helm.sh/helm/v4/pkg/chart/v2/loader"
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
func renderChart(dir string, opts Options) (*Set, error) {
	if opts.SkipHelm {
		return leftAlone(dir, "Helm chart not rendered (--helm-skip)"), nil
	}
	ch, err := loader.LoadDir(dir)
	if err != nil {
		return nil, chartError(dir, err)
	}
	if ch.Metadata.Type == "library" {
		return leftAlone(dir, "Helm library chart: it renders nothing of its own"), nil
	}
	if err := checkDependencies(dir, ch); err != nil {
		return nil, chartError(dir, err)
	}
	vals, err := userValues(opts)
	if err != nil {
		return nil, chartError(dir, err)
	}
	files, err := renderTemplates(ch, vals, opts)
	if err != nil {
		return nil, chartError(dir, err)
	}
	return chartDocuments(dir, ch.Name(), files)
}

func chartError(dir string, err error) error {
	return fmt.Errorf("helm chart %s: %w", dir, err)
}

// checkDependencies fails on a dependency Chart.yaml names that charts/
// does not hold: lbguard does not fetch charts. The message is Helm's.
func checkDependencies(dir string, ch *chart.Chart) error {
	have := map[string]bool{}
	for _, d := range ch.Dependencies() {
		have[d.Name()] = true
	}
	var missing []string
	for _, d := range ch.Metadata.Dependencies {
		if !have[d.Name] {
			missing = append(missing, d.Name)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return fmt.Errorf("found in Chart.yaml, but missing in charts/ directory: %s; lbguard fetches nothing: run `helm dependency build %s` first",
		strings.Join(missing, ", "), dir)
}

// renderTemplates renders every template of ch with the user's values,
// as a first install of the release opts names.
func renderTemplates(ch *chart.Chart, vals map[string]any, opts Options) (map[string]string, error) {
	if err := chartutil.ProcessDependencies(ch, vals); err != nil {
		return nil, fmt.Errorf("chart dependencies processing failed: %w", err)
	}
	caps := common.DefaultCapabilities.Copy()
	if v := ch.Metadata.KubeVersion; v != "" && !chartutil.IsCompatibleRange(v, caps.KubeVersion.String()) {
		return nil, fmt.Errorf("chart requires kubeVersion: %s which is incompatible with Kubernetes %s", v, caps.KubeVersion.Version)
	}
	release := common.ReleaseOptions{Name: opts.releaseName(), Namespace: opts.namespace(), Revision: 1, IsInstall: true}
	top, err := util.ToRenderValues(ch, vals, release, caps)
	if err != nil {
		return nil, err
	}
	files, err := engine.Render(ch, top)
	if err != nil {
		return nil, err
	}
	for name := range files {
		if strings.HasSuffix(name, "NOTES.txt") { // as Helm matches it
			delete(files, name) // text for people
		}
	}
	return files, nil
}

// chartDocuments reads the rendered templates: the release's resources in
// Helm's install order of kinds, and its hooks apart, so that a template's
// documents are counted in that order.
func chartDocuments(dir, name string, files map[string]string) (*Set, error) {
	hooks, manifests, err := releaseutil.SortManifests(files, nil, releaseutil.InstallOrder)
	if err != nil {
		return nil, err
	}
	set := &Set{}
	counts := map[string]int{} // documents read so far per template
	read := func(source, text, hook string) (*Set, error) {
		tmpl := strings.TrimPrefix(source, name+"/")
		at := Origin{File: filepath.Join(dir, tmpl), Chart: dir, Template: tmpl, Hook: hook, Document: counts[tmpl]}
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
