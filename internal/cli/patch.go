package cli

import (
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/lbguard/lbguard/internal/report"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Writing fixes back: a changed document is not printed anew, which would
// reformat it, but patched. The differences between the document as read and
// as fixed become small edits of its text: a scalar replaced where it stands,
// a new key written after the last line of its map, at the map's indentation,
// a new list item after the last item. Everything else, comments, quoting,
// indentation and other documents, stays byte for byte. The patched text is
// read back and must equal the fixed document; when it does not, or the
// change is of a kind patching does not handle (a key removed, a flow map
// grown), the document alone is printed anew.

// textEdit replaces text[start:end] with text.
type textEdit struct {
	start, end int
	text       string
}

type patcher struct {
	text      string
	lineStart []int // byte offset of each line, from line 1 at index 0
	seqIndent string
	edits     []textEdit
}

var errCannotPatch = errors.New("change cannot be patched in place")

// patchDocument returns text, whose root map orig was read from, edited so
// that it reads as fixed.
func patchDocument(text string, orig, fixed *yaml.Node) (string, error) {
	p := &patcher{text: text, seqIndent: yaml.DeriveSeqIndentStyle(text)}
	p.lineStart = []int{0}
	for i := 0; i < len(text); i++ {
		if text[i] == '\n' {
			p.lineStart = append(p.lineStart, i+1)
		}
	}
	if err := p.walk(orig, fixed, p.lines()+1, false); err != nil {
		return "", err
	}
	out := p.apply()
	var doc yaml.Node
	if err := yaml.NewDecoder(strings.NewReader(out)).Decode(&doc); err != nil || doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return "", errCannotPatch
	}
	if !equalNodes(doc.Content[0], fixed) {
		return "", errCannotPatch
	}
	return out, nil
}

// lines counts the lines of the text; a last line without a newline counts.
func (p *patcher) lines() int {
	n := len(p.lineStart)
	if p.lineStart[n-1] == len(p.text) {
		n--
	}
	return n
}

func (p *patcher) line(n int) string {
	start := p.lineStart[n-1]
	end := len(p.text)
	if n < len(p.lineStart) {
		end = p.lineStart[n] - 1
	}
	return p.text[start:end]
}

// offset is the byte offset of a yaml.v3 position (columns count characters).
func (p *patcher) offset(line, column int) int {
	start := p.lineStart[line-1]
	off := start
	for c := 1; c < column && off < len(p.text) && p.text[off] != '\n'; c++ {
		_, size := utf8.DecodeRuneInString(p.text[off:])
		off += size
	}
	return off
}

// walk records the edits that turn o into f. bound is the first line after
// o's region: the line of whatever follows o in its parent.
func (p *patcher) walk(o, f *yaml.Node, bound int, inFlow bool) error {
	if equalNodes(o, f) {
		return nil
	}
	if o.Kind != f.Kind || o.Kind == yaml.AliasNode || o.Anchor != "" {
		return errCannotPatch
	}
	switch o.Kind {
	case yaml.ScalarNode:
		return p.replaceScalar(o, f, inFlow)
	case yaml.MappingNode:
		return p.walkMapping(o, f, bound, inFlow || o.Style&yaml.FlowStyle != 0)
	case yaml.SequenceNode:
		return p.walkSequence(o, f, bound, inFlow || o.Style&yaml.FlowStyle != 0)
	}
	return errCannotPatch
}

func (p *patcher) walkMapping(o, f *yaml.Node, bound int, flow bool) error {
	index := map[string]int{}
	for i := 0; i+1 < len(o.Content); i += 2 {
		if o.Content[i].Kind != yaml.ScalarNode {
			return errCannotPatch
		}
		index[o.Content[i].Value] = i / 2
	}
	nkeys := len(o.Content) / 2
	boundOf := func(j int) int {
		if j+1 < nkeys {
			return o.Content[2*(j+1)].Line
		}
		return bound
	}
	last := -1
	found := 0
	var pending []*yaml.Node // new entries after the key last
	flush := func() error {
		if len(pending) == 0 {
			return nil
		}
		if flow || nkeys == 0 {
			return errCannotPatch
		}
		err := p.insertEntries(o, last, boundOf(last), pending)
		pending = nil
		return err
	}
	for i := 0; i+1 < len(f.Content); i += 2 {
		key := f.Content[i]
		j, ok := index[key.Value]
		if !ok {
			pending = append(pending, key, f.Content[i+1])
			continue
		}
		if j < last {
			return errCannotPatch // reordered
		}
		if err := flush(); err != nil {
			return err
		}
		if err := p.walk(o.Content[2*j+1], f.Content[i+1], boundOf(j), flow); err != nil {
			return err
		}
		last = j
		found++
	}
	if found != nkeys {
		return errCannotPatch // a key was removed
	}
	return flush()
}

func (p *patcher) walkSequence(o, f *yaml.Node, bound int, flow bool) error {
	if len(f.Content) < len(o.Content) {
		return errCannotPatch
	}
	for i, item := range o.Content {
		next := bound
		if i+1 < len(o.Content) {
			next = o.Content[i+1].Line
		}
		if err := p.walk(item, f.Content[i], next, flow); err != nil {
			return err
		}
	}
	if extra := f.Content[len(o.Content):]; len(extra) > 0 {
		if flow || len(o.Content) == 0 {
			return errCannotPatch
		}
		return p.appendItems(o, bound, extra)
	}
	return nil
}

// insertEntries writes new map entries after the entry after (-1: before the
// first entry), at the indentation of the map's keys.
func (p *patcher) insertEntries(m *yaml.Node, after, regionEnd int, entries []*yaml.Node) error {
	first := m.Content[0]
	indent := p.offset(first.Line, first.Column) - p.lineStart[first.Line-1]
	if strings.TrimSpace(p.text[p.lineStart[first.Line-1]:p.offset(first.Line, first.Column)]) != "" &&
		!isDashPrefix(p.text[p.lineStart[first.Line-1]:p.offset(first.Line, first.Column)]) {
		return errCannotPatch // the map does not start its line: a map in flow or after a key
	}
	text, err := p.render(&yaml.Node{Kind: yaml.MappingNode, Content: entries}, indent)
	if err != nil {
		return err
	}
	if after < 0 {
		if indent > 0 && strings.TrimSpace(p.text[p.lineStart[first.Line-1]:p.offset(first.Line, first.Column)]) != "" {
			return errCannotPatch // before the first key of a list item: after its dash
		}
		p.insertAt(p.lineStart[first.Line-1], text)
		return nil
	}
	return p.insertAfterRegion(m.Content[2*after].Line, regionEnd, text)
}

// isDashPrefix reports whether s, the text before a map's first key on its
// line, is only list-item dashes and spaces: "- " or "  - - ".
func isDashPrefix(s string) bool {
	return strings.Trim(s, " -") == "" && strings.Contains(s, "-")
}

// appendItems writes new list items after the last one, at its dash.
func (p *patcher) appendItems(seq *yaml.Node, bound int, items []*yaml.Node) error {
	first := seq.Content[0]
	off := p.offset(first.Line, first.Column)
	lineStart := p.lineStart[first.Line-1]
	dash := strings.LastIndexByte(p.text[lineStart:off], '-')
	if dash < 0 || strings.TrimSpace(p.text[lineStart+dash+1:off]) != "" {
		return errCannotPatch
	}
	indent := dash
	if strings.Trim(p.text[lineStart:lineStart+dash], " -") != "" {
		return errCannotPatch
	}
	text, err := p.render(&yaml.Node{Kind: yaml.SequenceNode, Content: items}, indent)
	if err != nil {
		return err
	}
	last := seq.Content[len(seq.Content)-1]
	return p.insertAfterRegion(last.Line, bound, text)
}

// insertAfterRegion inserts text after the last line of [from, to) that holds
// more than blanks and comments: the comments before the next entry stay
// with it.
func (p *patcher) insertAfterRegion(from, to int, text string) error {
	if to > p.lines()+1 {
		to = p.lines() + 1
	}
	last := from
	for l := to - 1; l >= from; l-- {
		s := strings.TrimSpace(p.line(l))
		if s != "" && !strings.HasPrefix(s, "#") {
			last = l
			break
		}
	}
	if last < len(p.lineStart) {
		p.insertAt(p.lineStart[last], text)
	} else {
		p.insertAt(len(p.text), "\n"+text) // the last line has no newline
	}
	return nil
}

func (p *patcher) insertAt(off int, text string) {
	p.edits = append(p.edits, textEdit{off, off, text})
}

// render prints n in the document's list style, every line indented.
func (p *patcher) render(n *yaml.Node, indent int) (string, error) {
	n = blockStyle(yaml.CopyYNode(n))
	out, err := yaml.MarshalWithOptions(n, &yaml.EncoderOptions{SeqIndent: yaml.SequenceIndentStyle(p.seqIndent)})
	if err != nil {
		return "", err
	}
	pad := strings.Repeat(" ", indent)
	var b strings.Builder
	for _, l := range strings.SplitAfter(string(out), "\n") {
		if strings.TrimSpace(l) != "" {
			b.WriteString(pad)
		}
		b.WriteString(l)
	}
	return b.String(), nil
}

// blockStyle turns flow maps and lists into block ones: new content goes
// into block context.
func blockStyle(n *yaml.Node) *yaml.Node {
	n.Style &^= yaml.FlowStyle
	for _, c := range n.Content {
		blockStyle(c)
	}
	return n
}

// replaceScalar writes f's value where o's stands, in o's quoting when the
// type stays the same.
func (p *patcher) replaceScalar(o, f *yaml.Node, inFlow bool) error {
	if o.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 || o.Line == 0 {
		return errCannotPatch
	}
	start := p.offset(o.Line, o.Column)
	end, ok := p.scalarEnd(start, o, inFlow)
	if !ok {
		return errCannotPatch
	}
	style := f.Style &^ yaml.FlowStyle
	if o.ShortTag() == f.ShortTag() {
		style = o.Style
	}
	n := &yaml.Node{Kind: yaml.ScalarNode, Value: f.Value, Tag: f.ShortTag(), Style: style}
	out, err := yaml.Marshal(n)
	if err != nil {
		return err
	}
	text := strings.TrimSuffix(string(out), "\n")
	if strings.Contains(text, "\n") {
		return errCannotPatch
	}
	p.edits = append(p.edits, textEdit{start, end, text})
	return nil
}

// scalarEnd finds where the scalar starting at start ends on its line.
func (p *patcher) scalarEnd(start int, o *yaml.Node, inFlow bool) (int, bool) {
	text := p.text
	switch {
	case o.Style&yaml.DoubleQuotedStyle != 0:
		for i := start + 1; i < len(text); i++ {
			switch text[i] {
			case '\\':
				i++
			case '"':
				return i + 1, true
			}
		}
		return 0, false
	case o.Style&yaml.SingleQuotedStyle != 0:
		for i := start + 1; i < len(text); i++ {
			if text[i] == '\'' {
				if i+1 < len(text) && text[i+1] == '\'' {
					i++
					continue
				}
				return i + 1, true
			}
		}
		return 0, false
	}
	if o.Tag != "" && strings.HasPrefix(text[start:], "!") {
		return 0, false // an explicit tag before the value
	}
	end := start
	for end < len(text) && text[end] != '\n' {
		if text[end] == '#' && end > start && (text[end-1] == ' ' || text[end-1] == '\t') {
			break
		}
		if inFlow && strings.IndexByte(",]}", text[end]) >= 0 {
			break
		}
		end++
	}
	for end > start && (text[end-1] == ' ' || text[end-1] == '\t') {
		end--
	}
	if text[start:end] != o.Value {
		return 0, false // a plain scalar over several lines, or an odd form
	}
	return end, true
}

func (p *patcher) apply() string {
	sort.SliceStable(p.edits, func(i, j int) bool { return p.edits[i].start < p.edits[j].start })
	var b strings.Builder
	pos := 0
	for _, e := range p.edits {
		b.WriteString(p.text[pos:e.start])
		b.WriteString(e.text)
		pos = e.end
	}
	b.WriteString(p.text[pos:])
	return b.String()
}

// equalNodes compares YAML values: kinds, tags, values, keys and items in
// order; style, comments and positions aside.
func equalNodes(a, b *yaml.Node) bool {
	for a != nil && a.Kind == yaml.AliasNode {
		a = a.Alias
	}
	for b != nil && b.Kind == yaml.AliasNode {
		b = b.Alias
	}
	if a == nil || b == nil {
		return a == b
	}
	if a.Kind == yaml.DocumentNode && len(a.Content) == 1 {
		a = a.Content[0]
	}
	if b.Kind == yaml.DocumentNode && len(b.Content) == 1 {
		b = b.Content[0]
	}
	if a.Kind != b.Kind {
		return false
	}
	if a.Kind == yaml.ScalarNode {
		return a.Value == b.Value && a.ShortTag() == b.ShortTag()
	}
	if len(a.Content) != len(b.Content) {
		return false
	}
	for i := range a.Content {
		if !equalNodes(a.Content[i], b.Content[i]) {
			return false
		}
	}
	return true
}

// valueKey is a text that two nodes share exactly when equalNodes says
// they are equal: an index key for YAML values.
func valueKey(n *yaml.Node) string {
	var b strings.Builder
	writeValueKey(&b, n)
	return b.String()
}

// writeValueKey writes what equalNodes compares, each part with its length
// or count so that no two values read the same.
func writeValueKey(b *strings.Builder, n *yaml.Node) {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n == nil {
		b.WriteString("-")
		return
	}
	if n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
		n = n.Content[0]
	}
	if n.Kind == yaml.ScalarNode {
		tag := n.ShortTag()
		fmt.Fprintf(b, "%d|%d:%s%d:%s", n.Kind, len(n.Value), n.Value, len(tag), tag)
		return
	}
	fmt.Fprintf(b, "%d|%d:", n.Kind, len(n.Content))
	for _, c := range n.Content {
		writeValueKey(b, c)
	}
}

// reprint prints a document anew, when patching cannot say the change: its
// comments stay, its formatting becomes kyaml's.
func reprint(text string, fixed *yaml.Node) (string, error) {
	style := yaml.DeriveSeqIndentStyle(text)
	out, err := yaml.MarshalWithOptions(fixed, &yaml.EncoderOptions{SeqIndent: yaml.SequenceIndentStyle(style)})
	if err != nil {
		return "", err
	}
	s := string(out)
	if strings.HasPrefix(strings.TrimLeft(text, " \t"), "---") {
		first, _, _ := strings.Cut(text, "\n")
		// yaml.v3 reads a comment on the separator line as the first
		// key's, which the document printed anew begins with: it goes back
		// on its line, not twice.
		if _, comment, ok := strings.Cut(first, "#"); ok {
			s = strings.TrimPrefix(s, "#"+comment+"\n")
		}
		s = first + "\n" + s
	}
	return s, nil
}

// newDocument prints an object lbguard added, for appending to a file in
// that file's list style.
func newDocument(like string, n *yaml.Node) (string, error) {
	style := yaml.DeriveSeqIndentStyle(like)
	out, err := yaml.MarshalWithOptions(n, &yaml.EncoderOptions{SeqIndent: yaml.SequenceIndentStyle(style)})
	return string(out), err
}

// fixedText is the source with its changed documents patched (or printed
// anew) and the added objects appended as new documents. reprinted names the
// documents patching could not say.
func (s *source) fixedText(changed map[*document]*yaml.Node, added []*yaml.Node) (text string, reprinted []*document, err error) {
	var b strings.Builder
	pos := 0
	for _, d := range s.docs {
		if d.list != nil {
			continue // written with its List
		}
		b.WriteString(s.text[pos:d.start])
		pos = d.end
		fixed, ok := changed[d]
		if !ok && d.items != nil {
			fixed, ok = d.fixedList(changed)
		}
		if !ok {
			b.WriteString(d.text())
			continue
		}
		out, err := patchDocument(d.text(), d.node, fixed)
		if err != nil {
			reprinted = append(reprinted, d)
			if out, err = reprint(d.text(), fixed); err != nil {
				return "", nil, fmt.Errorf("%s:%d: %v", report.DisplayPath(s.path), d.line, err)
			}
		}
		b.WriteString(out)
	}
	b.WriteString(s.text[pos:])
	for _, n := range added {
		out, err := newDocument(s.text, n)
		if err != nil {
			return "", nil, err
		}
		cur := b.String()
		if cur != "" && !strings.HasSuffix(cur, "\n") {
			b.WriteString("\n")
		}
		if strings.TrimSpace(cur) != "" {
			b.WriteString("---\n")
		}
		b.WriteString(out)
	}
	return b.String(), reprinted, nil
}

// writeStream writes texts as one multi-document stream.
func writeStream(w io.Writer, texts []string) error {
	var b strings.Builder
	for _, t := range texts {
		if strings.TrimSpace(t) == "" {
			continue
		}
		if b.Len() > 0 {
			if !strings.HasSuffix(b.String(), "\n") {
				b.WriteString("\n")
			}
			if !strings.HasPrefix(t, "---") {
				b.WriteString("---\n")
			}
		}
		b.WriteString(t)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
