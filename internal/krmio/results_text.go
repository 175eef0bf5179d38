package krmio

import (
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"
)

// Results are a third of lbguard's output on a large list, and the YAML
// emitter is most of what writing them costs. appendResult writes a result's
// text directly, byte for byte as encoding resultNode(res) writes it, for the
// results it can: every string it writes is one the emitter would write plain
// or in single quotes on one line. Anything else (a string the emitter would
// double-quote or write on several lines, a value of another type) makes it
// give up, and the caller encodes that result with the emitter.

// appendResult appends res as one element of the results list, or reports
// false, having appended nothing that counts, when it cannot write res
// exactly as the emitter would.
func appendResult(b []byte, res *fn.Result) ([]byte, bool) {
	w := textWriter{b: append(b, "- "...), ok: true}
	first := true
	// field starts the next field of the result, unless it is left out.
	field := func(key string, present bool) bool {
		if !present || !w.ok {
			return false
		}
		if !first {
			w.indent(2)
		}
		first = false
		w.key(key)
		return true
	}
	for _, key := range resultKeys {
		switch key {
		case "message":
			if field(key, res.Message != "") {
				w.value(res.Message)
			}
		case "severity":
			if field(key, res.Severity != "") {
				w.value(string(res.Severity))
			}
		case "resourceRef":
			if ref := res.ResourceRef; field(key, ref != nil) {
				w.fields(4, refKeys, func(k string) (any, bool) {
					var v string
					switch k {
					case "apiVersion":
						v = ref.APIVersion
					case "kind":
						v = ref.Kind
					case "name":
						v = ref.Name
					case "namespace":
						v = ref.Namespace
					}
					return v, v != ""
				})
			}
		case "field":
			if f := res.Field; field(key, f != nil) {
				w.fields(4, fieldKeys, func(k string) (any, bool) {
					switch k {
					case "path":
						return f.Path, f.Path != ""
					case "currentValue":
						return f.CurrentValue, f.CurrentValue != nil
					}
					return f.ProposedValue, f.ProposedValue != nil
				})
			}
		case "file":
			if f := res.File; field(key, f != nil) {
				w.fields(4, fileKeys, func(k string) (any, bool) {
					if k == "path" {
						return f.Path, f.Path != ""
					}
					return f.Index, f.Index != 0
				})
			}
		case "tags":
			if field(key, len(res.Tags) > 0) {
				w.stringMap(4, res.Tags)
			}
		}
	}
	w.b = append(w.b, '\n')
	return w.b, w.ok
}

// The order resultNode's maps come out in: kyaml's field order, then by name.
var (
	resultKeys = sortedFields("message", "severity", "resourceRef", "field", "file", "tags")
	refKeys    = sortedFields("apiVersion", "kind", "name", "namespace")
	fieldKeys  = sortedFields("path", "currentValue", "proposedValue")
	fileKeys   = sortedFields("path", "index")
)

func sortedFields(keys ...string) []string {
	slices.SortFunc(keys, func(a, b string) int {
		switch {
		case fieldLess(a, b):
			return -1
		case fieldLess(b, a):
			return 1
		}
		return 0
	})
	return keys
}

// textWriter appends YAML text; ok turns false at the first thing it cannot
// write as the emitter would.
type textWriter struct {
	b  []byte
	ok bool
}

func (w *textWriter) indent(n int) {
	w.b = append(w.b, '\n')
	for range n {
		w.b = append(w.b, ' ')
	}
}

func (w *textWriter) key(k string) {
	// The emitter writes a key longer than 128 bytes as "? key".
	if len(k) > 128 {
		w.ok = false
		return
	}
	w.scalar(k)
	w.b = append(w.b, ':')
}

// value writes v after its key: a scalar on the key's line, a map below it.
func (w *textWriter) value(v any) {
	w.b = append(w.b, ' ')
	switch v := v.(type) {
	case string:
		if v == "" {
			w.b = append(w.b, `""`...) // "" would read back as null
			return
		}
		w.scalar(v)
	case int:
		w.b = strconv.AppendInt(w.b, int64(v), 10)
	case int64:
		w.b = strconv.AppendInt(w.b, v, 10)
	case bool:
		w.b = strconv.AppendBool(w.b, v)
	case float64:
		// A number read from YAML through JSON: a whole one below a million
		// is written as an integer (yaml.v3 writes larger ones as 1e+06).
		if v != math.Trunc(v) || v <= -1e6 || v >= 1e6 || v == 0 && math.Signbit(v) {
			w.ok = false
			return
		}
		w.b = strconv.AppendInt(w.b, int64(v), 10)
	default:
		w.ok = false
	}
}

// fields writes, as a map at indent in keys' order, the fields that
// resultNode writes: those get says are present. An empty map is the
// emitter's to write ("{}").
func (w *textWriter) fields(indent int, keys []string, get func(key string) (any, bool)) {
	n := 0
	for _, k := range keys {
		v, present := get(k)
		if !present {
			continue
		}
		n++
		w.indent(indent)
		w.key(k)
		if m, isMap := v.(map[string]any); isMap {
			w.anyMap(indent+2, m)
		} else {
			w.value(v)
		}
	}
	if n == 0 {
		w.ok = false
	}
}

// anyMap writes a value that is a map (a probe handler) below its key.
func (w *textWriter) anyMap(indent int, m map[string]any) {
	if len(m) == 0 {
		w.ok = false
		return
	}
	for _, k := range sortedFields(slices.Collect(maps.Keys(m))...) {
		w.indent(indent)
		w.key(k)
		switch v := m[k].(type) {
		case map[string]any:
			w.anyMap(indent+2, v)
		case nil:
			w.ok = false // the emitter's "null"
		default:
			w.value(v)
		}
	}
}

func (w *textWriter) stringMap(indent int, m map[string]string) {
	for _, k := range sortedFields(slices.Collect(maps.Keys(m))...) {
		w.indent(indent)
		w.key(k)
		w.value(m[k])
	}
}

// scalar writes s plain or in single quotes, as the emitter chooses for a
// string on one line of printable ASCII; it gives up on anything else.
func (w *textWriter) scalar(s string) {
	switch quoting(s) {
	case plain:
		w.b = append(w.b, s...)
	case doubleQuoted: // only strings with nothing to escape get here
		w.b = append(w.b, '"')
		w.b = append(w.b, s...)
		w.b = append(w.b, '"')
	case singleQuoted:
		w.b = append(w.b, '\'')
		for i := 0; i < len(s); i++ {
			if s[i] == '\'' {
				w.b = append(w.b, '\'')
			}
			w.b = append(w.b, s[i])
		}
		w.b = append(w.b, '\'')
	default:
		w.ok = false
	}
}

type style int

const (
	plain style = iota
	singleQuoted
	doubleQuoted
	emitterOnly // double quotes, several lines, or a case not worth knowing
)

// quoting is the style yaml.v3 writes the string s in, in a block map, as
// its emitter (yaml_emitter_analyze_scalar, select_scalar_style) and encoder
// (resolve, stringv) decide it, for the strings it can tell: printable ASCII
// on one line.
func quoting(s string) style {
	if readsAsNumberBoolOrNull(s) {
		return doubleQuoted
	}
	if s == "" || readsAsOtherType(s) {
		return emitterOnly // double quotes, or "" quoted
	}
	indicator := false // "---" and "..." start with a sign or a dot: not here
	precededBySpace := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c > 0x7e {
			return emitterOnly // tabs, line breaks, control characters, non-ASCII
		}
		followedBySpace := i+1 == len(s) || s[i+1] == ' '
		if i == 0 {
			switch c {
			case '#', ',', '[', ']', '{', '}', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`':
				indicator = true
			case '?', ':', '-':
				indicator = indicator || followedBySpace
			}
		} else {
			switch c {
			case ':':
				indicator = indicator || followedBySpace
			case '#':
				indicator = indicator || precededBySpace
			}
		}
		precededBySpace = c == ' '
	}
	if indicator || s[0] == ' ' || s[len(s)-1] == ' ' {
		return singleQuoted
	}
	return plain
}

// readsAsNumberBoolOrNull is true of the strings that, written plain, would
// certainly read back as an integer, a bool or null: digits alone (an
// integer, or a float when too long), and the words YAML 1.2 reads as bools
// or null, and decimals (digits, a dot, digits: the seconds of a window's
// tags), which read back as floats. yaml.v3 double-quotes them wherever they are.
func readsAsNumberBoolOrNull(s string) bool {
	switch s {
	case "true", "True", "TRUE", "false", "False", "FALSE", "null", "Null", "NULL", "~":
		return true
	}
	whole, fraction, decimal := strings.Cut(s, ".")
	return digitsOnly(whole) && (!decimal || digitsOnly(fraction))
}

func digitsOnly(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// readsAsOtherType is true of the strings, past readsAsNumberBoolOrNull,
// left to the emitter: those that may read back as a number, a timestamp or
// a merge key (any starting with a sign, digit, dot or tilde counts, which is
// more than needed, never less), and the YAML 1.1 bools, which yaml.v3 quotes
// in some places and not in others.
func readsAsOtherType(s string) bool {
	switch s[0] {
	case '+', '-', '.', '~', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return true
	}
	switch s {
	case "<<", "y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "n", "N", "no", "No", "NO", "off", "Off", "OFF":
		return true
	}
	return false
}
