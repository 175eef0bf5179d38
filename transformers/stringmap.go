package transformers

import "strings"

// StringMap is the AWS Load Balancer Controller's string-map annotation format
// ("k1=v1,k2=v2"), as used by target-group-attributes. It keeps every entry's
// original text and order so that editing one key leaves the others exactly as
// the user wrote them. A comma preceded by a backslash belongs to the value.
type StringMap struct {
	entries []stringMapEntry
}

type stringMapEntry struct {
	key, value string
	raw        string // the entry as written; empty once the value is replaced
}

// ParseStringMap reads a string-map annotation value. Empty entries are
// dropped, as the controller drops them; an entry without "=" or with an empty
// key is an error because the controller rejects the whole annotation.
func ParseStringMap(s string) (*StringMap, error) {
	m := &StringMap{}
	for _, part := range splitUnescaped(s, ',') {
		raw := strings.TrimSpace(part)
		if raw == "" {
			continue
		}
		key, value, ok := strings.Cut(raw, "=")
		key = strings.TrimSpace(key)
		if !ok || key == "" {
			return nil, &StringMapError{Entry: raw}
		}
		m.entries = append(m.entries, stringMapEntry{key: key, value: strings.TrimSpace(value), raw: raw})
	}
	return m, nil
}

// StringMapError names the entry the controller would refuse.
type StringMapError struct{ Entry string }

func (e *StringMapError) Error() string {
	return `entry "` + e.Entry + `" is not of the form key=value`
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
