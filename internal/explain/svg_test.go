package explain

import (
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"
)

// svg11 lists the SVG 1.1 elements the timeline may use, each with the
// attributes SVG 1.1 allows it (presentation attributes included), as the
// DTD's attribute lists give them for these elements.
var svg11 = map[string]map[string]bool{
	"svg":     attrs("xmlns", "version", "width", "height", "viewBox", "font-family"),
	"title":   attrs(),
	"g":       attrs(),
	"rect":    attrs("x", "y", "width", "height", "fill"),
	"line":    attrs("x1", "y1", "x2", "y2", "stroke", "stroke-width", "stroke-dasharray"),
	"text":    attrs("x", "y", "text-anchor", "font-size", "font-weight", "fill"),
	"polygon": attrs("points", "fill"),
}

func attrs(names ...string) map[string]bool {
	m := map[string]bool{}
	for _, n := range names {
		m[n] = true
	}
	return m
}

// drawn are the elements that draw a bar or a mark, which must carry a
// title of their own or sit in a group that does.
var drawn = map[string]bool{"rect": true, "polygon": true}

// checkSVG parses an SVG document with encoding/xml and checks its structure:
// SVG 1.1 elements and attributes only, no script, text only in <text> and
// <title>, and a title on every bar (the first rect, the background, aside).
func checkSVG(t *testing.T, doc string) {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(doc))
	type open struct {
		name     string
		titled   bool
		isBar    bool
		inTitled bool
	}
	var stack []*open
	rects := 0
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("not XML: %v", err)
		}
		switch el := tok.(type) {
		case xml.StartElement:
			name := el.Name.Local
			allowed, ok := svg11[name]
			if !ok || el.Name.Space != "http://www.w3.org/2000/svg" {
				t.Fatalf("element %s (namespace %q) is not an SVG 1.1 element the timeline uses", name, el.Name.Space)
			}
			for _, a := range el.Attr {
				if a.Name.Space == "" && !allowed[a.Name.Local] || a.Name.Space != "" && a.Name.Local != "xmlns" {
					t.Fatalf("<%s %s=…>: not an attribute SVG 1.1 gives it", name, a.Name.Local)
				}
			}
			if len(stack) == 0 && name != "svg" {
				t.Fatalf("the root is <%s>, not <svg>", name)
			}
			o := &open{name: name}
			if len(stack) > 0 {
				parent := stack[len(stack)-1]
				o.inTitled = parent.inTitled || parent.name == "g" && parent.titled
				if name == "title" {
					parent.titled = true
				}
			}
			if name == "rect" {
				rects++
				o.isBar = rects > 1
			} else {
				o.isBar = drawn[name]
			}
			stack = append(stack, o)
		case xml.EndElement:
			o := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if o.isBar && !o.titled && !o.inTitled {
				t.Errorf("a <%s> without a <title>", o.name)
			}
		case xml.CharData:
			if s := strings.TrimSpace(string(el)); s != "" {
				if parent := stack[len(stack)-1].name; parent != "text" && parent != "title" {
					t.Errorf("text %q directly in <%s>", s, parent)
				}
			}
		case xml.ProcInst, xml.Directive:
			t.Errorf("unexpected %T in the timeline", el)
		}
	}
	if rects < 10 {
		t.Errorf("only %d rects: no timeline drawn", rects)
	}
}

func TestTimelineIsSVG11(t *testing.T) {
	for _, name := range explainCases(t) {
		t.Run(name, func(t *testing.T) {
			checkSVG(t, explainOutput(t, name, "--format", "svg"))
		})
	}
}

// The timeline is a pure function of its input: two runs, the same bytes.
func TestTimelineIsDeterministic(t *testing.T) {
	a := explainOutput(t, "e3-nlb-defaults", "--format", "svg")
	if b := explainOutput(t, "e3-nlb-defaults", "--format", "svg"); a != b {
		t.Error("two runs drew different timelines")
	}
}
