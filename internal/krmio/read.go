// Package krmio reads and writes the KRM function's ResourceList: the
// reader with its limits (size, nesting, aliases), the writer that keeps
// comments and order, and the text emitter of results.
package krmio

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/internal/yamlnode"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Limits on what lbguard reads (README, "Limits and bad input"). Input over
// a limit is refused as a whole, with a message that names the limit, before
// any rule runs and without a byte on stdout.
const (
	// MaxInputBytes is the largest ResourceList read: 64 MiB. A list of
	// 50 000 resources is about 50 MB; anything larger is refused before it
	// is parsed, so that a runaway generator cannot take the machine's memory.
	MaxInputBytes = 64 << 20

	// maxNestingDepth is how deep maps and lists may nest, the ResourceList
	// itself counting as level 1. Real manifests stay near 10 levels and the
	// deepest CRD schemas under 40; go-yaml itself stops at 10 000.
	maxNestingDepth = 1000

	// minAliasAllowance is how many nodes YAML aliases may add when they are
	// expanded, at the least: they may also double a larger document. More
	// is an alias bomb ("billion laughs"), refused before it is expanded.
	minAliasAllowance = 100_000
)

// ReadInput reads all of r, refusing more than limit bytes: it reads at most
// limit+1 bytes, never the whole of an oversized stream.
func ReadInput(r io.Reader, limit int64) ([]byte, error) {
	in, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("cannot read stdin: %v", err)
	}
	if int64(len(in)) > limit {
		return nil, fmt.Errorf("stdin is larger than %s, the most lbguard reads (README: Limits and bad input): split the list", FormatBytes(limit))
	}
	return in, nil
}

// FormatBytes writes a size as a limit is stated: "64 MiB".
func FormatBytes(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return strconv.FormatInt(n>>20, 10) + " MiB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}

// ParseResourceList reads a ResourceList as fn.ParseResourceList does, after
// checking what the SDK takes for granted: one YAML document, a map of kind
// ResourceList, items that are all maps, nesting within maxNestingDepth,
// aliases that expand within bounds, and no mapping that repeats a key.
// Aliases are expanded (as kustomize does before it calls a function): the
// SDK cannot read an alias node, and an edit through one would change every
// resource that shares its anchor.
func ParseResourceList(in []byte) (*fn.ResourceList, error) {
	root, err := decodeSingleDocument(in)
	if err != nil {
		return nil, err
	}
	if root.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("stdin is %s, not a ResourceList", yamlnode.Describe(root))
	}
	if kind := yamlnode.Child(root, "kind"); kind == nil || kind.Kind != yaml.ScalarNode || kind.Value != "ResourceList" {
		what := "has no kind"
		if kind != nil {
			what = "is of kind " + yamlnode.Quote(kind)
		}
		return nil, fmt.Errorf("stdin %s; expected a ResourceList (apiVersion: config.kubernetes.io/v1)", what)
	}
	return resourceListFromNode(root)
}

// resourceListFromNode makes the ResourceList of a checked root map: its
// functionConfig, items and results, with aliases expanded. Without
// aliases, the anchors stay as written: an item no rule edits comes out
// exactly as it went in.
func resourceListFromNode(root *yaml.Node) (*fn.ResourceList, error) {
	aliases, err := CheckShape(root)
	if err != nil {
		return nil, err
	}
	if err := checkDuplicateKeys(root); err != nil {
		return nil, err
	}
	if aliases {
		if err := yaml.NewRNode(root).DeAnchor(); err != nil {
			return nil, fmt.Errorf("stdin: cannot expand its YAML aliases: %v", err)
		}
	}

	rl := &fn.ResourceList{FunctionConfig: fn.NewEmptyKubeObject()}
	if fc := yamlnode.Child(root, "functionConfig"); fc != nil && !yamlnode.IsNull(fc) {
		if fc.Kind != yaml.MappingNode {
			return nil, fmt.Errorf("functionConfig is %s; expected a map (a LBGuard or a ConfigMap)", yamlnode.Describe(fc))
		}
		rl.FunctionConfig = fn.MoveToKubeObject(yaml.NewRNode(fc))
	}
	if items := yamlnode.Child(root, "items"); items != nil && !yamlnode.IsNull(items) {
		if items.Kind != yaml.SequenceNode {
			return nil, fmt.Errorf("items is %s; expected a list of resources", yamlnode.Describe(items))
		}
		for i, item := range items.Content {
			if item.Kind != yaml.MappingNode {
				return nil, fmt.Errorf("items[%d] is %s, not a resource: every item must be a map with apiVersion, kind and metadata", i, yamlnode.Describe(item))
			}
			rl.Items = append(rl.Items, fn.MoveToKubeObject(yaml.NewRNode(item)))
		}
	}
	if results := yamlnode.Child(root, "results"); results != nil && !yamlnode.IsNull(results) {
		if results.Kind == yaml.MappingNode { // the old shape: results.items
			results = yamlnode.Child(results, "items")
		}
		if results != nil && results.Kind == yaml.SequenceNode {
			if err := results.Decode(&rl.Results); err != nil {
				return nil, fmt.Errorf("results cannot be read: %v", err)
			}
		}
	}
	return rl, nil
}

// maxDepthMessage is go-yaml's own refusal of deep nesting.
var maxDepthMessage = regexp.MustCompile(`^yaml: line (\d+): exceeded max depth of \d+$`)

// decodeSingleDocument parses in as exactly one YAML document and returns its root.
func decodeSingleDocument(in []byte) (*yaml.Node, error) {
	if len(bytes.TrimSpace(in)) == 0 {
		return nil, errors.New("stdin is empty; expected a ResourceList")
	}
	decoder := yaml.NewDecoder(bytes.NewReader(in))
	var docs []*yaml.Node
	for {
		doc := &yaml.Node{}
		err := decoder.Decode(doc)
		if err == io.EOF {
			break
		}
		if err != nil {
			if m := maxDepthMessage.FindStringSubmatch(err.Error()); m != nil {
				return nil, fmt.Errorf("stdin nests maps and lists deeper than %d levels (line %s), the most lbguard reads (README: Limits and bad input)", maxNestingDepth, m[1])
			}
			return nil, fmt.Errorf("stdin is not YAML: %v", err)
		}
		if len(doc.Content) > 0 { // a lone "---" or comment is no document
			docs = append(docs, doc)
		}
	}
	switch len(docs) {
	case 0:
		return nil, errors.New("stdin holds no YAML document; expected a ResourceList")
	case 1:
		return docs[0].Content[0], nil
	}
	return nil, fmt.Errorf("stdin holds %d YAML documents (the second at line %d); expected a single ResourceList", len(docs), docs[1].Line)
}
