package render

import (
	"fmt"
	"log/slog"
	"path/filepath"
	"regexp"
	"strings"

	"helm.sh/helm/v4/pkg/action"
	ci "helm.sh/helm/v4/pkg/chart"
	chart "helm.sh/helm/v4/pkg/chart/v2"
	"helm.sh/helm/v4/pkg/chart/v2/loader"
	release "helm.sh/helm/v4/pkg/release/v1"
)

// renderChart renders the chart in dir as `helm template` does: a dry-run
// install on the client only, with the chart's values.yaml under the
// values of opts. No cluster is asked and nothing is fetched.
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
	rel, err := dryRun(ch, vals, opts)
	if err != nil {
		return nil, chartError(dir, err)
	}
	return chartDocuments(dir, ch.Name(), rel)
}

func chartError(dir string, err error) error {
	return fmt.Errorf("helm chart %s: %w", dir, err)
}

func leftAlone(dir, reason string) *Set {
	return &Set{LeftAlone: []LeftAlone{{Dir: dir, Reason: reason}}}
}

// checkDependencies fails on a dependency Chart.yaml names that charts/
// does not hold: lbguard does not fetch charts.
func checkDependencies(dir string, ch *chart.Chart) error {
	deps := ch.Metadata.Dependencies
	if len(deps) == 0 {
		return nil
	}
	reqs := make([]ci.Dependency, len(deps))
	for i, d := range deps {
		reqs[i] = d
	}
	if err := action.CheckDependencies(ch, reqs); err != nil {
		return fmt.Errorf("%w; lbguard fetches nothing: run `helm dependency build %s` first", err, dir)
	}
	return nil
}

// dryRun is `helm template`: an install that stops before the cluster,
// with Helm's default capabilities and an in-memory release store.
func dryRun(ch *chart.Chart, vals map[string]any, opts Options) (*release.Release, error) {
	cfg := action.NewConfiguration()
	cfg.SetLogger(slog.DiscardHandler)
	install := action.NewInstall(cfg)
	install.DryRunStrategy = action.DryRunClient
	install.Replace = true // no release-name check: there is no cluster to ask
	install.ReleaseName = opts.releaseName()
	install.Namespace = opts.namespace()
	r, err := install.Run(ch, vals)
	if err != nil {
		return nil, err
	}
	rel, ok := r.(*release.Release)
	if !ok {
		return nil, fmt.Errorf("unexpected release type %T", r)
	}
	return rel, nil
}

// sourceHeader heads each document of a release's manifest, as Helm writes
// it: the template that rendered it, prefixed with the chart's name.
var sourceHeader = regexp.MustCompile(`(?m)^---\n# Source: (.*)\n`)

// chartDocuments reads the rendered manifest and hooks of rel. Helm orders
// the manifest by kind, so a template's documents are counted in that
// order.
func chartDocuments(dir, name string, rel *release.Release) (*Set, error) {
	set := &Set{}
	counts := map[string]int{} // documents read so far per template
	read := func(source, text, hook string) (*Set, error) {
		tmpl := strings.TrimPrefix(source, name+"/")
		at := Origin{File: filepath.Join(dir, tmpl), Chart: dir, Template: tmpl, Hook: hook, Document: counts[tmpl]}
		counts[tmpl]++
		return readStream([]byte(text), at, false)
	}
	m := rel.Manifest
	heads := sourceHeader.FindAllStringSubmatchIndex(m, -1)
	for i, h := range heads {
		end := len(m)
		if i+1 < len(heads) {
			end = heads[i+1][0]
		}
		part, err := read(m[h[2]:h[3]], m[h[1]:end], "")
		if err != nil {
			return nil, err
		}
		set.add(part)
	}
	for _, h := range rel.Hooks {
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
