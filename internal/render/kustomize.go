package render

import (
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/resmap"
	"sigs.k8s.io/kustomize/api/types"
)

// buildKustomization builds the kustomization in dir in process, as
// `kustomize build` does with its defaults (no plugins, files loaded from
// the kustomization's own directory and its bases), with origin
// annotations on so that every resource names its source file.
func buildKustomization(r *Root, dir string) (*Set, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, kustomizationError(r, dir, err)
	}
	if reason := leaveAlone(r, dir); reason != "" {
		return leftAloneError(dir, reason), nil
	}
	// A kustomization may build without end too (a base named twice at
	// every level of nested overlays doubles at each): the unit's budget.
	return withBudget("kustomization "+dir, unitBudget, func() (*Set, error) {
		return build(r, dir, abs)
	})
}

func build(r *Root, dir, abs string) (*Set, error) {
	fsys := originFS{FileSystem: rootFS{r}, root: abs}
	m, err := quietly(func() (resmap.ResMap, error) {
		return krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(fsys, abs)
	})
	if reason := needsPrograms(dir, err); reason != "" {
		return leftAloneError(dir, reason), nil
	}
	if err != nil {
		return nil, kustomizationError(r, dir, err)
	}
	o := overlay{root: r, dir: dir, sources: map[string]*Set{}}
	set := &Set{}
	for _, res := range m.Resources() {
		obj := res.RNode.Copy() // kustomize's tree, not its JSON round trip
		at, err := o.origin(obj)
		if err != nil {
			return nil, err
		}
		set.Documents = append(set.Documents, &Document{Object: obj, Origin: at})
	}
	return set, nil
}

// kustomizationError is a build that failed; kustomize's message may
// quote a file, so it is shortened and tokens taken out, and the paths it
// names (absolute: krusty builds from the absolute directory) are made
// relative to the root.
func kustomizationError(r *Root, dir string, err error) error {
	return fmt.Errorf("kustomization %s: %s", dir, Quiet(r.relative(err.Error())))
}

// needsPrograms says why a build that failed for want of programs is left
// alone: running a repository's exec and container functions, or the helm
// binary, is not an audit's to do (lbguard may well be one of the
// functions). "" for any other failure.
func needsPrograms(dir string, err error) string {
	switch {
	case err == nil:
		return ""
	case types.IsErrOnlyBuiltinPluginsAllowed(err):
		return fmt.Sprintf("kustomization runs plugins (KRM functions), which lbguard does not run: check `kustomize build --enable-alpha-plugins --enable-exec %s | lbguard audit -` instead", dir)
	case strings.Contains(err.Error(), "must specify --enable-helm"): // kustomize's HelmChartInflationGenerator
		return fmt.Sprintf("kustomization inflates Helm charts (helmCharts) with the helm program, which lbguard does not run: check `kustomize build --enable-helm %s | lbguard audit -` instead", dir)
	}
	return ""
}

// kustomize writes its warnings (deprecated fields, with the log package
// and straight to os.Stderr) naming no kustomization; lbguard's report is
// its own output, so they are dropped while it builds. Builds run one at a
// time; what lbguard itself must say meanwhile (budget.go) goes to the
// process's stderr as it was at start.
var logMu sync.Mutex

func quietly(build func() (resmap.ResMap, error)) (resmap.ResMap, error) {
	logMu.Lock()
	defer logMu.Unlock()
	out := log.Writer()
	log.SetOutput(io.Discard)
	defer log.SetOutput(out)
	if null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0); err == nil {
		saved := os.Stderr
		os.Stderr = null
		defer func() { os.Stderr = saved; null.Close() }()
	}
	return build()
}
