package cli

import (
	"flag"
	"fmt"
	"path/filepath"
	"slices"

	"github.com/lbguard/lbguard/internal/render"
)

// InputFlags say how the PATHs of audit, fix and explain are read: the
// repository root and its config, what to leave out, and how charts
// render.
type InputFlags struct {
	Root       string // --root; "" for openRoot's
	RepoConfig string // --repo-config; "" for RepoConfigFile at the root
	Render     render.Options
}

// Register adds the flags to fs.
func (f *InputFlags) Register(fs *flag.FlagSet) {
	fs.StringVar(&f.Root, "root", "", "")
	fs.StringVar(&f.RepoConfig, "repo-config", "", "")
	fs.Var(repeated{&f.Render.Exclude}, "exclude", "")
	fs.Var(repeated{&f.Render.ValueFiles}, "values", "")
	fs.Var(repeated{&f.Render.Set}, "set", "")
	fs.BoolVar(&f.Render.SkipHelm, "helm-skip", false, "")
	fs.StringVar(&f.Render.Namespace, "namespace", "", "")
	fs.StringVar(&f.Render.ReleaseName, "release-name", "", "")
}

// InputFlagsHelp describes the flags, for the commands' usage texts.
const InputFlagsHelp = `  --root DIR       the repository root: nothing outside it is read or written
                   (default: the git work tree that holds the PATHs, else the
                   directory that holds them)
  --repo-config FILE  the repository config (default: ` + RepoConfigFile + ` at the
                   root, when there is one; README: Repository config)
  --exclude GLOB   leave out paths that match, relative to the root (repeatable;
                   "test/*", "**/fixtures")
  --values FILE    Helm values for every chart, over its values.yaml
                   (repeatable; later files win)
  --set KEY=VALUE  a Helm value, as helm's --set (repeatable; wins over
                   --values)
  --helm-skip      leave charts alone: neither rendered nor read
  --namespace NS   the namespace charts are rendered into (default: default)
  --release-name NAME  the release name charts see (default: release-name)
`

// ReadStreamConfig is, for a command that reads only a stream (lbguard
// helm-post-render), the repository config of --root, or of the root
// that holds --repo-config when only it is given; with neither flag none
// is read, as audit reads standard input. Of the repository config only
// its config applies to a stream: it fills *config when --config is not
// given.
func (f *InputFlags) ReadStreamConfig(config *string) error {
	var paths []string
	if f.RepoConfig != "" {
		paths = []string{f.RepoConfig}
	}
	root, err := f.open(paths, config)
	if root != nil {
		root.Close()
	}
	return err
}

// open opens the root of a run over paths and reads the repository
// config into f, under the flags; config is --config, which the
// repository config may give. The caller closes the root (nil when only
// standard input is read).
func (f *InputFlags) open(paths []string, config *string) (*render.Root, error) {
	if f.RepoConfig != "" && f.Root == "" && !slices.ContainsFunc(paths, func(p string) bool { return p != stdinPath }) {
		// Standard input alone: the root is the one that holds the
		// repository config named.
		paths = append(slices.Clone(paths), f.RepoConfig)
	}
	root, err := openRoot(f.Root, paths)
	if err != nil || root == nil {
		return root, err
	}
	file := f.RepoConfig
	if file == "" {
		file = filepath.Join(root.Dir(), RepoConfigFile)
	}
	cfg, ok, err := readRepoConfig(root, file)
	if err == nil && !ok && f.RepoConfig != "" {
		err = fmt.Errorf("cannot read the repository config %s: no such file", f.RepoConfig)
	}
	if err != nil {
		root.Close()
		return nil, inputErrorf("%v", err)
	}
	if ok {
		cfg.apply(root, f, config)
		f.RepoConfig = file
	}
	f.Render.Root = root
	f.Root = root.Dir()
	return root, nil
}
