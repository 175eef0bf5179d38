package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/lbguard/lbguard/internal/render"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// RepoConfigFile is a repository's own lbguard file, at its root: how
// `lbguard audit .` reads the repository (README: Repository config). It
// is a file of the repository, like .kube-linter.yaml or .checkov.yaml,
// so that a CI job, a commit hook and a developer read it alike.
const RepoConfigFile = ".lbguard.yaml"

// repoConfig is RepoConfigFile: apiVersion lbguard.dev/v1alpha1, kind
// Repository.
type repoConfig struct {
	APIVersion string `yaml:"apiVersion"`
	Kind       string `yaml:"kind"`
	// Exclude are paths or globs, relative to the root, that are not read:
	// test fixtures, templates of other tools that end in .yaml.
	Exclude []string `yaml:"exclude"`
	// Config is lbguard's config (a LBGuard or ConfigMap) for every unit,
	// as --config.
	Config string `yaml:"config"`
	// Namespace and ReleaseName are the release's for every chart, as
	// --namespace and --release-name.
	Namespace   string `yaml:"namespace"`
	ReleaseName string `yaml:"releaseName"`
	// Charts give one chart its values, namespace and release name.
	Charts []repoChart `yaml:"charts"`
}

type repoChart struct {
	Path        string   `yaml:"path"`
	Values      []string `yaml:"values"`
	Set         []string `yaml:"set"`
	Namespace   string   `yaml:"namespace"`
	ReleaseName string   `yaml:"releaseName"`
}

const repoAPIVersion = "lbguard.dev/v1alpha1"

// readRepoConfig reads the repository config at path (inside the root),
// strictly: an unknown key or a path outside the root is an error naming
// it. ok is false when there is no such file.
func readRepoConfig(root *render.Root, file string) (cfg repoConfig, ok bool, err error) {
	data, err := root.ReadFile(file)
	if errors.Is(err, fs.ErrNotExist) {
		return cfg, false, nil
	}
	if err != nil {
		return cfg, false, fmt.Errorf("cannot read the repository config %s: %v", file, unwrapPathError(err))
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&cfg); err != nil {
		return cfg, false, fmt.Errorf("repository config %s: %s", file, render.Quiet(repoConfigError(err)))
	}
	if cfg.APIVersion != repoAPIVersion || cfg.Kind != "Repository" {
		return cfg, false, fmt.Errorf("repository config %s: must be apiVersion %s, kind Repository, not %s %s", file, repoAPIVersion, cfg.APIVersion, cfg.Kind)
	}
	for i, c := range cfg.Charts {
		if c.Path == "" {
			return cfg, false, fmt.Errorf("repository config %s: charts[%d].path is missing", file, i)
		}
	}
	return cfg, true, nil
}

// apply puts the repository config under the flags: the flags' exclude
// patterns are added to its own, their namespace, release name and config
// win over its own. Its paths are relative to the root.
func (c repoConfig) apply(root *render.Root, f *InputFlags, config *string) {
	f.Render.Exclude = append(append([]string{}, c.Exclude...), f.Render.Exclude...)
	if f.Render.Namespace == "" {
		f.Render.Namespace = c.Namespace
	}
	if f.Render.ReleaseName == "" {
		f.Render.ReleaseName = c.ReleaseName
	}
	if *config == "" && c.Config != "" {
		*config = filepath.Join(root.Dir(), filepath.FromSlash(c.Config))
	}
	for _, ch := range c.Charts {
		if f.Render.Charts == nil {
			f.Render.Charts = map[string]render.ChartOptions{}
		}
		values := make([]string, len(ch.Values))
		for i, v := range ch.Values {
			values[i] = filepath.Join(root.Dir(), filepath.FromSlash(v))
		}
		f.Render.Charts[cleanRel(ch.Path)] = render.ChartOptions{ValueFiles: values, Set: ch.Set, Namespace: ch.Namespace, ReleaseName: ch.ReleaseName}
	}
}

// cleanRel is a path of the repository config as render keys it: slashes,
// no leading ./ or trailing /.
func cleanRel(p string) string {
	return strings.TrimSuffix(path.Clean(filepath.ToSlash(p)), "/")
}

// repoConfigError words a decoding error of the repository config: an
// unknown key is named with the keys there are, not with Go's type name.
func repoConfigError(err error) string {
	msg := strings.TrimPrefix(err.Error(), "yaml: unmarshal errors:")
	msg = unknownRepoKey.ReplaceAllStringFunc(msg, func(m string) string {
		sub := unknownRepoKey.FindStringSubmatch(m)
		known := "apiVersion, kind, exclude, config, namespace, releaseName, charts"
		if sub[2] == "repoChart" {
			known = "path, values, set, namespace, releaseName"
		}
		return "unknown key " + sub[1] + " (known keys: " + known + ")"
	})
	return strings.TrimSpace(msg)
}

var unknownRepoKey = regexp.MustCompile(`field (\S+) not found in type cli\.(repoConfig|repoChart)`)
