package explain

import (
	"fmt"
	"io"
	"math"
	"strings"
)

// The timeline of docs/timing.md §6.2: one SVG per workload and load
// balancer, a "now" and an "after lbguard fix" panel on one time axis, one
// lane per rollout step, old pod, old target, new pod and new target, a red
// band whose height is the failing share of requests, and dashed markers.
// Plain SVG 1.1, no script and no style sheet: the same input gives the
// same bytes, and every bar's <title> gives its formula, values and source.

const (
	svgWidth   = 1200
	labelWidth = 200  // the lane names, left of the plot
	plotLeft   = 210  // where t = 0 is drawn
	plotRight  = 1170 // where the axis ends
	laneHeight = 22
	barHeight  = 14
	bandHeight = 36 // the failing-requests lane: its full height is every request failing
	legendTop  = 44
	// shownPods is how many old and new pods get their own lanes; a larger
	// rollout repeats the same pattern, and the red band counts them all.
	shownPods = 4
)

// Colours of the bars, by state (docs/timing.md §6.2).
const (
	colServing   = "#2e9e4f" // serving, Ready
	colPreStop   = "#9aa0a6" // preStop
	colShutdown  = "#8e44ad" // SIGTERM → exit
	colKilled    = "#c0392b"
	colStarting  = "#d5d8dc" // created, not Ready
	colGateWait  = "#a9dfbf" // containers Ready, waiting for the gate
	colInitial   = "#f4d03f" // target registered, initial
	colHealthy   = "#3b7dd8" // target healthy
	colRouted    = "#e67e22" // draining, still routed new requests
	colDraining  = "#f5cba7" // draining, no new requests
	colUnused    = "#eeeeee"
	colFailing   = "#e03131"
	colMarker    = "#555555"
	colText      = "#222222"
	colGrid      = "#e6e6e6"
	colPanelRule = "#bbbbbb"
)

// svgDoc builds an SVG document as text.
type svgDoc struct {
	b     strings.Builder
	scale float64 // pixels per second
}

func (d *svgDoc) x(t float64) float64 { return plotLeft + t*d.scale }

func (d *svgDoc) printf(format string, args ...any) { fmt.Fprintf(&d.b, format, args...) }

// rect draws a bar from t0 to t1 with its title; nothing when it has no length.
func (d *svgDoc) rect(t0, t1, y, h float64, fill, title string) {
	if t1 <= t0 {
		return
	}
	x0, x1 := d.x(t0), d.x(math.Min(t1, d.axisEnd()))
	if x1-x0 < 0.5 {
		x1 = x0 + 0.5
	}
	d.printf(`<rect x="%s" y="%s" width="%s" height="%s" fill="%s"><title>%s</title></rect>`+"\n",
		px(x0), px(y), px(x1-x0), px(h), fill, esc(title))
}

func (d *svgDoc) axisEnd() float64 { return (plotRight - plotLeft) / d.scale }

func (d *svgDoc) text(x, y float64, anchor, size, weight, s string) {
	d.printf(`<text x="%s" y="%s" text-anchor="%s" font-size="%s" font-weight="%s" fill="%s">%s</text>`+"\n",
		px(x), px(y), anchor, size, weight, colText, esc(s))
}

// px prints a coordinate to the tenth of a pixel.
func px(v float64) string { return strings.TrimSuffix(fmt.Sprintf("%.1f", v), ".0") }

// esc escapes text and attribute values; one replacer serves every call.
func esc(s string) string { return xmlEscaper.Replace(s) }

var xmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")

// WriteSVG writes the timeline of one finding.
func WriteSVG(w io.Writer, f Finding) error {
	_, err := io.WriteString(w, timelineSVG(f))
	return err
}

// WriteSVGs writes the timelines of every finding, one SVG document after another.
func WriteSVGs(w io.Writer, findings []Finding) error {
	for _, f := range findings {
		if err := WriteSVG(w, f); err != nil {
			return err
		}
	}
	return nil
}

func timelineSVG(f Finding) string {
	now, after := newPanel(f.Now, f.NowX, "now"), newPanel(f.After, f.AfterX, "after lbguard fix")
	end := niceCeil(math.Max(now.end(), after.end()))
	d := &svgDoc{scale: (plotRight - plotLeft) / end}
	top := float64(legendTop) // the unit, when there are several, takes a line above the legend
	if f.Unit != nil {
		top += 18
	}
	height := int(top) + 58 + now.height() + after.height() + 10
	d.printf(`<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="%d" height="%d" viewBox="0 0 %d %d" font-family="DejaVu Sans, Verdana, sans-serif">`+"\n",
		svgWidth, height, svgWidth, height)
	d.printf("<title>%s</title>\n", esc(f.heading()+": timeline of a rollout, now and after lbguard fix"))
	d.printf(`<rect x="0" y="0" width="%d" height="%d" fill="#ffffff"/>`+"\n", svgWidth, height)
	d.text(10, 22, "start", "15", "bold", f.title())
	if f.Unit != nil {
		d.text(10, 42, "start", "12", "normal", f.Unit.label())
	}
	d.legend(top)
	y := top + 58
	for _, p := range []*panel{now, after} {
		y = p.draw(d, y, end)
	}
	d.printf("</svg>\n")
	return d.b.String()
}

var legendItems = []struct{ fill, name string }{
	{colServing, "serving / Ready"}, {colPreStop, "preStop"}, {colShutdown, "SIGTERM → exit"},
	{colStarting, "starting"}, {colGateWait, "waiting for gate"}, {colInitial, "target initial"},
	{colHealthy, "target healthy"}, {colRouted, "draining, still routed"}, {colDraining, "draining"},
	{colFailing, "requests failing (height = share)"},
}

// legend draws the swatches in two rows, the markers' dashes last.
func (d *svgDoc) legend(top float64) {
	x, y := 10.0, top
	for i, item := range legendItems {
		if i == 6 {
			x, y = 10, y+18
		}
		d.printf(`<rect x="%s" y="%s" width="12" height="12" fill="%s"><title>legend: %s</title></rect>`+"\n", px(x), px(y-10), item.fill, esc(item.name))
		d.text(x+16, y, "start", "11", "normal", item.name)
		x += 28 + float64(len([]rune(item.name)))*6.4
	}
	d.printf(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="1.5" stroke-dasharray="5,4"/>`+"\n", px(x+6), px(y-11), px(x+6), px(y+3), colMarker)
	d.text(x+14, y, "start", "11", "normal", "markers: L, end of D, Spot, CA, MNG, from the first deletion")
}

// niceCeil rounds a time up to a multiple of a round step.
func niceCeil(t float64) float64 {
	if t <= 0 {
		return 10
	}
	step := tickStep(t)
	return math.Ceil(t/step) * step
}

// tickStep is a round step that puts five to ten ticks on an axis of t seconds.
func tickStep(t float64) float64 {
	for _, s := range []float64{1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1200, 3600} {
		if t/s <= 10 {
			return s
		}
	}
	return math.Ceil(t/36000) * 3600
}
