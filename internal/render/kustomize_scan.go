package render

import (
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"

	"sigs.k8s.io/kustomize/api/types"
)

// kustomize fetches what a kustomization names that is no local path: a
// resource or base that parses as a git URL is cloned with the git program
// (over ssh, https or file://), and a file with an http(s) URL is fetched
// with an HTTP client that has no timeout. Before lbguard builds a
// kustomization it walks it, and every kustomization it names, and leaves
// the build alone when any entry is remote or lies outside the root: the
// build is never attempted, so nothing is dialled or started.

// userAt is the user of an scp-style git URL, git@github.com:org/repo, as
// kustomize's repospec reads it.
var userAt = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9-]*@`)

// isRemote says whether kustomize would fetch ref: a superset of its
// repospec (git::, ssh://, https://, http://, file://, user@, github.com)
// and of its remote files (http, https): any URL scheme at all.
func isRemote(ref string) bool {
	l := strings.ToLower(strings.TrimSpace(ref))
	l = strings.TrimPrefix(l, "git::")
	return strings.Contains(l, "://") || userAt.MatchString(l) ||
		strings.HasPrefix(l, "github.com/") || strings.HasPrefix(l, "github.com:")
}

// kustomizationRefs are the entries of a kustomization that name other
// files: dirs may be kustomizations (resources, bases, components and
// plugin configs), files are read as they are.
func kustomizationRefs(k *types.Kustomization) (dirs, files []string) {
	dirs = append(dirs, k.Resources...)
	//lint:ignore SA1019 kustomize still reads the deprecated bases, and so may a stranger's kustomization
	dirs = append(dirs, k.Bases...)
	dirs = append(dirs, k.Components...)
	for _, list := range [][]string{k.Generators, k.Transformers, k.Validators} {
		for _, e := range list {
			if !strings.Contains(e, "\n") { // else an inline config
				dirs = append(dirs, e)
			}
		}
	}
	files = append(files, k.Crds...)
	files = append(files, k.Configurations...)
	//lint:ignore SA1019 kustomize still reads deprecated patches: a remote one would be fetched
	for _, p := range k.PatchesStrategicMerge {
		if s := string(p); !strings.Contains(s, "\n") {
			files = append(files, s)
		}
	}
	//lint:ignore SA1019 kustomize still reads deprecated patches: a remote one would be fetched
	for _, p := range append(append([]types.Patch{}, k.Patches...), k.PatchesJson6902...) {
		if p.Path != "" {
			files = append(files, p.Path)
		}
	}
	for _, r := range k.Replacements {
		if r.Path != "" {
			files = append(files, r.Path)
		}
	}
	sources := func(kv types.KvPairSources) {
		for _, f := range kv.FileSources {
			if _, path, ok := strings.Cut(f, "="); ok {
				f = path
			}
			files = append(files, f)
		}
		files = append(files, kv.EnvSources...)
		if kv.EnvSource != "" {
			files = append(files, kv.EnvSource)
		}
	}
	for _, g := range k.ConfigMapGenerator {
		sources(g.KvPairSources)
	}
	for _, g := range k.SecretGenerator {
		sources(g.KvPairSources)
	}
	if p := k.OpenAPI["path"]; p != "" {
		files = append(files, p)
	}
	return dirs, files
}

// leaveAlone walks the kustomization in dir and those it names, inside
// the root, and says why its build is left alone: the first remote entry
// or path outside the root, with what to do. "" when it can be built.
func leaveAlone(r *Root, dir string) string {
	seen := map[string]bool{}
	var walk func(dir string) string
	walk = func(dir string) string {
		if seen[dir] {
			return ""
		}
		seen[dir] = true
		k := readKustomization(r, dir)
		if k == nil {
			return "" // the build says what is wrong with it
		}
		dirs, files := kustomizationRefs(k)
		for _, ref := range append(dirs, files...) {
			if isRemote(ref) {
				return fmt.Sprintf("remote resource `%s` in %s: lbguard fetches nothing; vendor it into the repository, or check `kustomize build %s | lbguard audit -` where fetching is allowed",
					Quiet(ref), kustomizationName(r, dir), dir)
			}
			p := filepath.Join(dir, ref)
			if filepath.IsAbs(ref) {
				p = ref
			}
			if _, err := r.Stat(p); errors.Is(err, ErrOutsideRoot) {
				return fmt.Sprintf("`%s` in %s lies outside the repository root %s: lbguard reads nothing outside it; run it from a directory that holds both (or give --root)",
					Quiet(ref), kustomizationName(r, dir), r.Dir())
			}
		}
		for _, ref := range dirs {
			p := filepath.Join(dir, ref)
			if info, err := r.Stat(p); err == nil && info.IsDir() && kustomizationIn(r, p) != "" {
				if why := walk(filepath.Clean(p)); why != "" {
					return why
				}
			}
		}
		return ""
	}
	return walk(filepath.Clean(dir))
}

// kustomizationName is the kustomization file of dir, for messages.
func kustomizationName(r *Root, dir string) string {
	if p := kustomizationIn(r, dir); p != "" {
		return p
	}
	return dir
}
