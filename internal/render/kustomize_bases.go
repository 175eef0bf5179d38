package render

import (
	"path/filepath"

	"sigs.k8s.io/kustomize/api/konfig"
	"sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// consumedKustomizations are the kustomization directories among inputs
// that another of them builds on (resources, components): a base
// is checked as part of its overlays, not once more on its own, where it
// would be reported without the overlays' changes.
func consumedKustomizations(r *Root, inputs []input) map[string]bool {
	dirs := map[string]string{} // absolute → as listed
	for _, in := range inputs {
		if in.kind == kustomizationDir {
			dirs[absPath(in.path)] = in.path
		}
	}
	consumed := map[string]bool{}
	for abs := range dirs {
		k := readKustomization(r, abs)
		if k == nil {
			continue
		}
		for _, ref := range append(k.Resources, k.Components...) {
			if p, ok := dirs[absPath(filepath.Join(abs, ref))]; ok && p != dirs[abs] {
				consumed[p] = true
			}
		}
	}
	return consumed
}

// isComponent says whether dir holds a kustomize Component, which builds
// only as part of a kustomization that names it.
func isComponent(r *Root, dir string) bool {
	k := readKustomization(r, dir)
	return k != nil && k.Kind == types.ComponentKind
}

// readKustomization reads dir's kustomization file inside the root, nil
// when it cannot: the build then says what is wrong with it.
func readKustomization(r *Root, dir string) *types.Kustomization {
	path := kustomizationIn(r, dir)
	if path == "" {
		return nil
	}
	data, err := r.ReadFile(path)
	if err != nil {
		return nil
	}
	var k types.Kustomization
	if err := yaml.Unmarshal(data, &k); err != nil {
		return nil
	}
	k.FixKustomization() // the deprecated bases: join resources
	return &k
}

// kustomizationIn is KustomizationFile inside the root.
func kustomizationIn(r *Root, dir string) string {
	for _, k := range konfig.RecognizedKustomizationFileNames() {
		if info, err := r.Stat(filepath.Join(dir, k)); err == nil && !info.IsDir() {
			return filepath.Join(dir, k)
		}
	}
	return ""
}

func absPath(p string) string {
	if abs, err := filepath.Abs(p); err == nil {
		return abs
	}
	return p
}
