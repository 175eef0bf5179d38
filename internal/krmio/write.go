package krmio

import (
	"io"
	"sort"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// ResourceListYAML writes rl exactly as rl.ToYAML does, but item by item and
// result by result (most as text: results_text.go): the YAML emitter holds
// every event of a document until the document ends and copies that queue
// as it grows, so one document for the whole list costs more the longer the
// list. The items are sorted, as ToYAML sorts them.
func ResourceListYAML(rl *fn.ResourceList) (*Output, error) {
	sortItems(rl.Items)
	return WriteResourceList(rl)
}

// sortItems sorts items as ResourceList.Sort does: sort.Sort by
// "apiVersion kind namespace name". Sort formats both items' ids at every
// comparison; here each item's id is read once. The comparisons are the
// same, so the order is too, ties included.
func sortItems(items fn.KubeObjects) {
	ids := make([]string, len(items))
	for i, obj := range items {
		ids[i] = obj.GetAPIVersion() + " " + obj.GetKind() + " " + obj.GetNamespace() + " " + obj.GetName()
	}
	sort.Sort(itemsByID{items, ids})
}

type itemsByID struct {
	items fn.KubeObjects
	ids   []string
}

func (s itemsByID) Len() int           { return len(s.items) }
func (s itemsByID) Less(i, j int) bool { return s.ids[i] < s.ids[j] }
func (s itemsByID) Swap(i, j int) {
	s.items[i], s.items[j] = s.items[j], s.items[i]
	s.ids[i], s.ids[j] = s.ids[j], s.ids[i]
}

// WriteResourceList writes rl as ResourceListYAML does, in the order it holds.
func WriteResourceList(rl *fn.ResourceList) (*Output, error) {
	out := &Output{}
	out.WriteString("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\n")
	if len(rl.Items) > 0 {
		out.WriteString("items:\n")
		for _, item := range rl.Items {
			if err := encodeItem(out, item); err != nil {
				return nil, err
			}
		}
	}
	if !rl.FunctionConfig.IsEmpty() {
		rn := rl.FunctionConfig.MoveToResourceNode()
		wrapped := &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{
			{Kind: yaml.ScalarNode, Tag: yaml.NodeTagString, Value: "functionConfig"}, rn.YNode()}}
		err := encode(out, wrapped)
		*rl.FunctionConfig = *fn.MoveToKubeObject(rn)
		if err != nil {
			return nil, err
		}
	}
	// Results as text where appendResult can write them, the rest through
	// the emitter, each a list of one under the one "results:".
	var text []byte
	for i, res := range rl.Results {
		if i == 0 {
			out.WriteString("results:\n")
		}
		var ok bool
		if text, ok = appendResult(text[:0], res); ok {
			out.Write(text)
			continue
		}
		n, err := resultNode(res)
		if err != nil {
			return nil, err
		}
		if err := encode(out, &yaml.Node{Kind: yaml.SequenceNode, Content: []*yaml.Node{n}}); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// encodeItem writes one item as an element of the items list.
func encodeItem(out io.Writer, item *fn.KubeObject) error {
	rn := item.MoveToResourceNode()
	defer func() { *item = *fn.MoveToKubeObject(rn) }()
	return encode(out, &yaml.Node{Kind: yaml.SequenceNode, Content: []*yaml.Node{rn.YNode()}})
}

// encode writes n as a document of its own, with no "---" before it.
func encode(out io.Writer, n *yaml.Node) error {
	encoder := yaml.NewEncoder(out)
	if err := encoder.Encode(n); err != nil {
		return err
	}
	return encoder.Close()
}

// output holds what is written until all of it is, so that an error never
// leaves half a list on stdout. It keeps chunks of a fixed size: a buffer
// that doubles as it grows copies megabytes again and again, and holds up to
// twice what it needs.
type Output struct {
	chunks [][]byte
	size   int
}

const outputChunk = 1 << 20

func (o *Output) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		last := len(o.chunks) - 1
		if last < 0 || len(o.chunks[last]) == cap(o.chunks[last]) {
			o.chunks = append(o.chunks, make([]byte, 0, outputChunk))
			last++
		}
		k := min(len(p), cap(o.chunks[last])-len(o.chunks[last]))
		o.chunks[last] = append(o.chunks[last], p[:k]...)
		p = p[k:]
	}
	o.size += n
	return n, nil
}

func (o *Output) WriteString(s string) (int, error) {
	return o.Write([]byte(s))
}

// WriteTo writes it all to w.
func (o *Output) WriteTo(w io.Writer) (int64, error) {
	var n int64
	for _, c := range o.chunks {
		k, err := w.Write(c)
		n += int64(k)
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// Bytes is all of it in one slice.
func (o *Output) Bytes() []byte {
	b := make([]byte, 0, o.size)
	for _, c := range o.chunks {
		b = append(b, c...)
	}
	return b
}
