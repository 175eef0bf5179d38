package render

import (
	"fmt"
	"path/filepath"
	"strings"

	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/filesys"
)

// buildKustomization builds the kustomization in dir in process, as
// `kustomize build` does with its defaults (no plugins, files loaded from
// the kustomization's own directory and its bases), with origin
// annotations on so that every resource names its source file.
func buildKustomization(dir string) (*Set, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, kustomizationError(dir, err)
	}
	fsys := originFS{FileSystem: filesys.MakeFsOnDisk(), root: abs}
	m, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(fsys, abs)
	if reason := needsPrograms(dir, err); reason != "" {
		return leftAlone(dir, reason), nil
	}
	if err != nil {
		return nil, kustomizationError(dir, err)
	}
	o := overlay{dir: dir, sources: map[string]*Set{}}
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

func kustomizationError(dir string, err error) error {
	return fmt.Errorf("kustomization %s: %w", dir, err)
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
