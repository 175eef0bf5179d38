package render

import (
	"fmt"
	"strconv"

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
	// from the document's root (metadata.labels, spec.ports[0]); "" for the
	// root.
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
// checked where it is defined.
func DuplicateKey(n *yaml.Node) *DuplicateKeyError {
	return duplicateKey(n, "")
}

func duplicateKey(n *yaml.Node, path string) *DuplicateKeyError {
	if n == nil {
		return nil
	}
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			if e := duplicateKey(c, path); e != nil {
				return e
			}
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			if e := duplicateKey(c, path+"["+strconv.Itoa(i)+"]"); e != nil {
				return e
			}
		}
	case yaml.MappingNode:
		first := map[string]int{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			// Complex keys do not occur in resources: only scalars compare.
			if k.Kind == yaml.ScalarNode {
				if line, ok := first[k.Value]; ok {
					return &DuplicateKeyError{Key: k.Value, FirstLine: line, SecondLine: k.Line, Path: path}
				}
				first[k.Value] = k.Line
			}
			if e := duplicateKey(n.Content[i+1], join(path, k.Value)); e != nil {
				return e
			}
		}
	}
	return nil
}

func join(path, field string) string {
	if path == "" {
		return field
	}
	return path + "." + field
}
