package krmio

import (
	"fmt"

	"github.com/lbguard/lbguard/internal/yamlnode"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// checkDuplicateKeys refuses a ResourceList in which a mapping repeats a
// key: an item, the functionConfig, or the list itself. kyaml keeps both
// pairs, the API server keeps one, and which one is not lbguard's guess;
// two `kind:` lines in one item are usually two files joined without `---`.
func checkDuplicateKeys(root *yaml.Node) error {
	for i := 0; i+1 < len(root.Content); i += 2 {
		key, value := root.Content[i], root.Content[i+1]
		if line, ok := firstKeyLine(root, i); ok {
			return fmt.Errorf("stdin: duplicate key %q in the ResourceList at lines %d and %d: lbguard cannot tell which one is meant", key.Value, line, key.Line)
		}
		var where string
		switch key.Value {
		case "items":
			if value.Kind == yaml.SequenceNode {
				for j, item := range value.Content {
					if e := yamlnode.DuplicateKey(item); e != nil {
						return fmt.Errorf("%s: %v: %s", describeItem(j, item), e, whichValue)
					}
				}
				continue
			}
			where = "items"
		case "functionConfig":
			where = "functionConfig"
		default:
			continue
		}
		if e := yamlnode.DuplicateKey(value); e != nil {
			return fmt.Errorf("%s: %v: lbguard cannot tell which value is meant", where, e)
		}
	}
	return nil
}

// whichValue says why a resource with a repeated key is refused.
const whichValue = "lbguard cannot tell which value the cluster would get (two files joined without ---?)"

// firstKeyLine is the line of an earlier key of mapping m equal to the one
// at m.Content[i].
func firstKeyLine(m *yaml.Node, i int) (int, bool) {
	for j := 0; j < i; j += 2 {
		if m.Content[j].Value == m.Content[i].Value {
			return m.Content[j].Line, true
		}
	}
	return 0, false
}
