package explain

import (
	"fmt"
	"html"
	"io"
	"strings"
)

// WriteHTML writes a self-contained report, no script: per finding its
// table as the text report prints it and its timeline, inline or, when
// files names them, as images beside the report (--out).
func WriteHTML(w io.Writer, findings []Finding, opts Options, files []string) error {
	var b strings.Builder
	b.WriteString(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>lbguard explain</title>
<style>
body { font-family: "DejaVu Sans", Verdana, sans-serif; margin: 24px; color: #222; max-width: 1240px; }
h1 { font-size: 22px; }
h2 { font-size: 17px; margin-top: 36px; border-top: 1px solid #ccc; padding-top: 16px; }
pre { font-family: "DejaVu Sans Mono", monospace; font-size: 12.5px; background: #f7f7f7; padding: 12px; overflow-x: auto; }
nav li { margin: 2px 0; }
.timeline { margin: 12px 0; }
</style>
</head>
<body>
<h1>lbguard explain: seconds of failed requests per rollout, now and after lbguard fix</h1>
`)
	fmt.Fprintf(&b, "<p>At %s requests/s, requests up to %s s", html.EscapeString(seconds(opts.Traffic.RPS)), html.EscapeString(seconds(requestSeconds(opts.Traffic))))
	if names := opts.platformNames(); len(names) > 0 {
		fmt.Fprintf(&b, "; platform: %s", html.EscapeString(strings.Join(names, ", ")))
	}
	b.WriteString(". Hover over a bar of a timeline for its formula, values and source (docs/timing.md).</p>\n")
	if len(findings) == 0 {
		b.WriteString("<p>No workload behind an AWS load balancer.</p>\n")
	}
	anchors := names(findings)
	if len(findings) > 1 {
		writeIndex(&b, findings, anchors)
	}
	for i, f := range findings {
		fmt.Fprintf(&b, "<h2 id=\"%s\">%s</h2>\n", anchors[i], html.EscapeString(f.heading()))
		b.WriteString(`<div class="timeline">`)
		if files != nil {
			fmt.Fprintf(&b, `<img src="%s" alt="timeline of %s" width="%d">`, html.EscapeString(files[i]), html.EscapeString(f.heading()), svgWidth)
		} else {
			b.WriteString(timelineSVG(f))
		}
		b.WriteString("</div>\n")
		var text strings.Builder
		writeFinding(&text, f, opts)
		fmt.Fprintf(&b, "<pre>%s</pre>\n", html.EscapeString(text.String()))
	}
	b.WriteString("</body>\n</html>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// writeIndex lists the findings, by unit when the input held several.
func writeIndex(b *strings.Builder, findings []Finding, anchors []string) {
	b.WriteString("<nav><ul>\n")
	var unit *Unit
	for i, f := range findings {
		if f.Unit != nil && (unit == nil || *f.Unit != *unit) {
			if unit != nil {
				b.WriteString("</ul></li>\n")
			}
			unit = f.Unit
			fmt.Fprintf(b, "<li>%s<ul>\n", html.EscapeString(unit.label()))
		}
		fmt.Fprintf(b, "<li><a href=\"#%s\">%s</a></li>\n", anchors[i], html.EscapeString(f.title()))
	}
	if unit != nil {
		b.WriteString("</ul></li>\n")
	}
	b.WriteString("</ul></nav>\n")
}
