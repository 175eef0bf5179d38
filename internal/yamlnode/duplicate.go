package yamlnode

import (
	"fmt"
	"strconv"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// DuplicateKeyError is a mapping that repeats a key. yaml.v3 keeps both
// pairs when it decodes into a Node (kyaml reads resources that way), and
// what a later decode into a map or the API server keeps is not lbguard's
// guess to make: two `kind:` lines are usually two files concatenated
// without `---`.
type DuplicateKeyError struct {
	Key        string
	FirstLine  int
	SecondLine int
	// Path is the mapping that holds the key, as field names and indexes
	// from the node checked (metadata.labels, spec.ports[0]); "" for the
	// node itself.
	Path string
}

func (e *DuplicateKeyError) Error() string {
	where := ""
	if e.Path != "" {
		where = " in " + e.Path
	}
	return fmt.Sprintf("duplicate key %q%s at lines %d and %d", e.Key, where, e.FirstLine, e.SecondLine)
}

// DuplicateKey returns the first repeated key in n and below it, in
// document order, or nil. Aliases are not followed: the anchored node is
// checked where it is defined. It runs on every item the function reads,
// so it allocates nothing unless it finds one or a mapping is large; the
// path is built on the way out.
func DuplicateKey(n *yaml.Node) *DuplicateKeyError {
	if n == nil {
		return nil
	}
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			if e := DuplicateKey(c); e != nil {
				return e
			}
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			if e := DuplicateKey(c); e != nil {
				e.Path = prefixPath("["+strconv.Itoa(i)+"]", e.Path)
				return e
			}
		}
	case yaml.MappingNode:
		var seen map[string]int // line of each key, for large mappings only
		for i := 0; i+1 < len(n.Content); i += 2 {
			// Complex keys do not occur in resources: only scalars compare.
			if k := n.Content[i]; k.Kind == yaml.ScalarNode {
				if line, ok := earlierKey(n, i, &seen); ok {
					return &DuplicateKeyError{Key: k.Value, FirstLine: line, SecondLine: k.Line}
				}
			}
			if e := DuplicateKey(n.Content[i+1]); e != nil {
				e.Path = prefixPath(n.Content[i].Value, e.Path)
				return e
			}
		}
	}
	return nil
}

// smallMapping is the most pairs compared one by one; above it, keys go
// into a map.
const smallMapping = 16

// earlierKey is the line of an earlier scalar key of mapping m equal to the
// key at m.Content[i].
func earlierKey(m *yaml.Node, i int, seen *map[string]int) (int, bool) {
	key := m.Content[i].Value
	if len(m.Content) <= 2*smallMapping {
		for j := 0; j < i; j += 2 {
			if k := m.Content[j]; k.Kind == yaml.ScalarNode && k.Value == key {
				return k.Line, true
			}
		}
		return 0, false
	}
	if *seen == nil {
		*seen = make(map[string]int, len(m.Content)/2)
	}
	if line, ok := (*seen)[key]; ok {
		return line, true
	}
	(*seen)[key] = m.Content[i].Line
	return 0, false
}

// prefixPath puts step (a field name or "[i]") before path.
func prefixPath(step, path string) string {
	switch {
	case path == "":
		return step
	case strings.HasPrefix(path, "["):
		return step + path
	}
	return step + "." + path
}
