package render

import (
	"path/filepath"
	"slices"

	"sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// originFS reads the disk as it is, except that the kustomization file of
// root reads as if it asked for origin annotations (`buildMetadata:
// [originAnnotations]`): krusty has no option for them, and the user's
// file is not lbguard's to edit. kustomize hands the root's build metadata
// down to its bases.
type originFS struct {
	filesys.FileSystem
	root string // absolute
}

func (f originFS) ReadFile(path string) ([]byte, error) {
	data, err := f.FileSystem.ReadFile(path)
	if err != nil || filepath.Dir(path) != f.root || !isKustomizationFile(filepath.Base(path)) {
		return data, err
	}
	return withOriginAnnotations(data), nil
}

// withOriginAnnotations adds originAnnotations to a kustomization's
// buildMetadata. Input it cannot read goes through as it is, for kustomize
// to tell what is wrong with it.
func withOriginAnnotations(data []byte) []byte {
	k, err := yaml.Parse(string(data))
	if err != nil || k.YNode().Kind != yaml.MappingNode {
		return data
	}
	meta, err := k.Pipe(yaml.LookupCreate(yaml.SequenceNode, "buildMetadata"))
	if err != nil || meta.YNode().Kind != yaml.SequenceNode {
		return data
	}
	seq := meta.YNode()
	if !slices.ContainsFunc(seq.Content, func(n *yaml.Node) bool { return n.Value == types.OriginAnnotations }) {
		seq.Content = append(seq.Content, yaml.NewStringRNode(types.OriginAnnotations).YNode())
	}
	out, err := k.String()
	if err != nil {
		return data
	}
	return []byte(out)
}
