package annotations

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// StringMap is the AWS Load Balancer Controller's string-map annotation format
// ("k1=v1,k2=v2"), as used by target-group-attributes. It keeps every entry's
// original text and order so that editing one key leaves the others exactly as
// the user wrote them. A comma preceded by a backslash belongs to the value.
type StringMap struct {
	entries []stringMapEntry
}

type stringMapEntry struct {
	key, value string
	raw        string // the entry as written, with the spaces around it; empty once the value is replaced
}

// ParseStringMap reads a string-map annotation value. Empty entries are
// dropped, as the controller drops them; an entry without "=" or with an empty
// key is an error because the controller rejects the whole annotation.
func ParseStringMap(s string) (*StringMap, error) {
	m := &StringMap{}
	for _, part := range splitUnescaped(s, ',') {
		raw := trimEntry(part)
		if raw == "" {
			continue
		}
		if endsWithEscape(raw) {
			// Printed back before another entry, it would escape the comma.
			return nil, &StringMapError{Entry: raw, Problem: "ends with a lone backslash"}
		}
		key, value, ok := strings.Cut(raw, "=")
		key = trimEntry(key)
		if !ok || key == "" {
			return nil, &StringMapError{Entry: raw}
		}
		m.entries = append(m.entries, stringMapEntry{key: key, value: trimEntry(value), raw: part})
	}
	return m, nil
}

// StringMapError names the entry the controller would refuse.
type StringMapError struct {
	Entry   string
	Problem string // "" means: not of the form key=value
}

func (e *StringMapError) Error() string {
	if e.Problem != "" {
		return `entry "` + e.Entry + `" ` + e.Problem
	}
	return `entry "` + e.Entry + `" is not of the form key=value`
}

// trimEntry trims the spaces around an entry, except a space escaped by a
// backslash, which belongs to the entry.
func trimEntry(s string) string {
	s = strings.TrimLeftFunc(s, unicode.IsSpace)
	trimmed := strings.TrimRightFunc(s, unicode.IsSpace)
	if len(trimmed) < len(s) && endsWithEscape(trimmed) {
		_, size := utf8.DecodeRuneInString(s[len(trimmed):])
		trimmed = s[:len(trimmed)+size]
	}
	return trimmed
}

// endsWithEscape reports whether s ends with an odd run of backslashes.
func endsWithEscape(s string) bool {
	n := 0
	for n < len(s) && s[len(s)-1-n] == '\\' {
		n++
	}
	return n%2 == 1
}

// Get returns the value of key; when the key repeats, the last one wins, as in
// the controller's map.
func (m *StringMap) Get(key string) (string, bool) {
	for i := len(m.entries) - 1; i >= 0; i-- {
		if m.entries[i].key == key {
			return m.entries[i].value, true
		}
	}
	return "", false
}

// Set replaces the value of key in place, or appends the key at the end.
func (m *StringMap) Set(key, value string) {
	for i := len(m.entries) - 1; i >= 0; i-- {
		if m.entries[i].key == key {
			m.entries[i] = stringMapEntry{key: key, value: value}
			return
		}
	}
	m.entries = append(m.entries, stringMapEntry{key: key, value: value})
}

// Keys lists the keys in their written order.
func (m *StringMap) Keys() []string {
	keys := make([]string, len(m.entries))
	for i, e := range m.entries {
		keys[i] = e.key
	}
	return keys
}

// String prints the map back: untouched entries as written, joined by ",".
func (m *StringMap) String() string {
	parts := make([]string, len(m.entries))
	for i, e := range m.entries {
		if e.raw != "" {
			parts[i] = e.raw
		} else {
			parts[i] = e.key + "=" + e.value
		}
	}
	return strings.Join(parts, ",")
}

// splitUnescaped splits s at every sep not preceded by a backslash.
func splitUnescaped(s string, sep byte) []string {
	var parts []string
	start := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++ // the next byte is literal
		case sep:
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	return append(parts, s[start:])
}
