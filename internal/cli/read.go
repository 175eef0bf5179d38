package cli

import (
	"flag"
	"fmt"
	"io"
	"slices"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/internal/render"
)

// For commands that only read the manifests (lbguard explain): the same
// flags among paths, files, directories and standard input as audit and
// fix, and the same config.

// Unit is one deployable unit read, as the rules see it: its name, what it
// is, and its resources. An alternative file of a directory makes a unit of
// its own (Alternative names the file).
type Unit struct {
	Name, Kind  string
	Alternative string
	Objects     fn.KubeObjects
}

// Units is what ReadUnits read.
type Units struct {
	Units []Unit
	// Problems are the units that could not be read, or were left alone
	// with their resources unchecked: one line each, naming the unit and
	// the reason.
	Problems []string
	// Notes are the units left alone with nothing of their own to check.
	Notes []string
	root  *render.Root
}

// Close releases the repository root.
func (u *Units) Close() {
	if u.root != nil {
		u.root.Close()
	}
}

// ReadUnits reads paths as audit does (the root, the repository config,
// --exclude and the Helm flags of f; config is --config, which the
// repository config may give) and returns each deployable unit's
// resources, for commands that judge one unit at a time without writing
// (lbguard explain). The caller closes the result.
func ReadUnits(paths []string, stdin io.Reader, config *string, f InputFlags) (*Units, error) {
	root, err := f.open(paths, config)
	if err != nil {
		return nil, err
	}
	out := &Units{root: root}
	read, err := readInputs(paths, stdin, []string{*config, f.RepoConfig}, f.Render)
	if err != nil {
		out.Close()
		return nil, err
	}
	for _, u := range splitUnits(read.sources) {
		variants := u.variants()
		for _, v := range variants {
			objs := newInputs(v).objects()
			if len(objs) == 0 {
				continue
			}
			unit := Unit{Name: u.name, Kind: u.kind, Objects: objs}
			if len(variants) > 1 {
				unit.Alternative = alternativeOf(v, variants)
			}
			out.Units = append(out.Units, unit)
		}
	}
	for _, f := range read.failed {
		out.Problems = append(out.Problems, fmt.Sprintf("%s %s cannot be read: %v", f.kind, f.path, f.err))
	}
	for _, a := range leftAloneUnits(read.leftAlone) {
		line := a.Title + " left alone: " + a.Reason
		if a.Unchecked {
			out.Problems = append(out.Problems, line)
		} else {
			out.Notes = append(out.Notes, line)
		}
	}
	return out, nil
}

// alternativeOf names the file of variant v that the other variants do
// not hold.
func alternativeOf(v []*source, variants [][]*source) string {
	for _, src := range v {
		shared := true
		for _, other := range variants {
			if !slices.Contains(other, src) {
				shared = false
			}
		}
		if !shared {
			return src.path
		}
	}
	return ""
}

// ParseInterspersed parses flags anywhere among the paths, as audit, fix
// and explain take them; "--" ends the flags. It returns the paths.
func ParseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var paths []string
	for len(args) > 0 {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			break
		}
		if len(args) > len(rest) && args[len(args)-len(rest)-1] == "--" {
			return append(paths, rest...), nil // after --: paths only
		}
		paths = append(paths, rest[0])
		args = rest[1:]
	}
	return paths, nil
}
