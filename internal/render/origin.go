package render

import (
	"fmt"
	"strings"
)

// Origin says where a document came from, for findings to name it and for
// fixes to be written back to the right place.
type Origin struct {
	// File is the file the document was read from: a plain manifest, a
	// chart's template, or the source kustomize named for an overlay's
	// resource ("" when it named none). Paths are as given to Load, joined.
	File string
	// Line is the line the document (or List item) starts on in File, from
	// 1; 0 when no line of File holds it (a rendered template).
	Line int
	// Document is the index of the YAML document in File (empty documents
	// count), from 0. For a chart it counts the template's rendered
	// documents in Helm's install order; for an overlay it is known only
	// with Line.
	Document int
	// Chart is the chart directory, for a rendered chart.
	Chart string
	// Template is the template that rendered the document, relative to
	// Chart (templates/deployment.yaml, charts/sub/templates/x.yaml).
	Template string
	// Hook lists the Helm hook events of a hook (pre-install,post-upgrade).
	Hook string
	// Overlay is the kustomization directory, for a built kustomization.
	Overlay string
	// InList is set for an item of a List; ListIndex is its index in items.
	InList    bool
	ListIndex int
}

// Location is the place a person looks for the document:
// "deploy/web.yaml:12", "charts/web (templates/deployment.yaml)",
// "overlays/prod ← base/deployment.yaml:12".
func (o Origin) Location() string {
	var b strings.Builder
	switch {
	case o.Chart != "":
		b.WriteString(o.Chart + " (" + o.Template)
		if o.Hook != "" {
			b.WriteString(", " + o.Hook + " hook")
		}
		b.WriteString(")")
	case o.Overlay != "":
		b.WriteString(o.Overlay)
		if o.File != "" {
			b.WriteString(" ← " + o.fileLine())
		}
	default:
		b.WriteString(o.fileLine())
	}
	if o.InList {
		fmt.Fprintf(&b, " items[%d]", o.ListIndex)
	}
	return b.String()
}

func (o Origin) fileLine() string {
	if o.Line > 0 {
		return fmt.Sprintf("%s:%d", o.File, o.Line)
	}
	return o.File
}

// source names the file or rendering a document was read from, without a
// line: the head of an error about one of its documents.
func (o Origin) source() string {
	switch {
	case o.Chart != "":
		return o.Chart + " (" + o.Template + ")"
	case o.Overlay != "" && o.File != "":
		return o.Overlay + " ← " + o.File
	case o.Overlay != "":
		return o.Overlay
	}
	return o.File
}
