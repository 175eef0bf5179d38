package annotations

import (
	"errors"
	"reflect"
	"testing"
)

type pair struct{ key, value string }

func pairsOf(m *StringMap) []pair {
	var out []pair
	for _, e := range m.entries {
		out = append(out, pair{e.key, e.value})
	}
	return out
}

func TestParseStringMap(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		pairs []pair // every entry, in written order, duplicates included
		keys  []string
		out   string // String() right after parsing
	}{
		{
			name: "empty",
			in:   "",
			out:  "",
		},
		{
			name:  "one entry",
			in:    "deregistration_delay.timeout_seconds=30",
			pairs: []pair{{"deregistration_delay.timeout_seconds", "30"}},
			keys:  []string{"deregistration_delay.timeout_seconds"},
			out:   "deregistration_delay.timeout_seconds=30",
		},
		{
			name:  "order kept, not sorted",
			in:    "stickiness.enabled=true,deregistration_delay.timeout_seconds=60,load_balancing.algorithm.type=least_outstanding_requests",
			pairs: []pair{{"stickiness.enabled", "true"}, {"deregistration_delay.timeout_seconds", "60"}, {"load_balancing.algorithm.type", "least_outstanding_requests"}},
			keys:  []string{"stickiness.enabled", "deregistration_delay.timeout_seconds", "load_balancing.algorithm.type"},
			out:   "stickiness.enabled=true,deregistration_delay.timeout_seconds=60,load_balancing.algorithm.type=least_outstanding_requests",
		},
		{
			name:  "spaces around entries, keys and values are trimmed for reading, printed as written",
			in:    " a = 1 ,  b=2",
			pairs: []pair{{"a", "1"}, {"b", "2"}},
			keys:  []string{"a", "b"},
			out:   " a = 1 ,  b=2",
		},
		{
			name:  "empty entries are dropped",
			in:    ",a=1,,b=2,",
			pairs: []pair{{"a", "1"}, {"b", "2"}},
			keys:  []string{"a", "b"},
			out:   "a=1,b=2",
		},
		{
			name: "only commas and spaces",
			in:   " , ,",
			out:  "",
		},
		{
			name:  "empty value",
			in:    "a=,b=2",
			pairs: []pair{{"a", ""}, {"b", "2"}},
			keys:  []string{"a", "b"},
			out:   "a=,b=2",
		},
		{
			name:  "the value keeps everything after the first =",
			in:    "a=b=c",
			pairs: []pair{{"a", "b=c"}},
			keys:  []string{"a"},
			out:   "a=b=c",
		},
		{
			name:  "escaped comma belongs to the value",
			in:    `a=x\,y,b=2`,
			pairs: []pair{{"a", `x\,y`}, {"b", "2"}},
			keys:  []string{"a", "b"},
			out:   `a=x\,y,b=2`,
		},
		{
			name:  "escaped backslash does not escape the comma after it",
			in:    `a=x\\,b=2`,
			pairs: []pair{{"a", `x\\`}, {"b", "2"}},
			keys:  []string{"a", "b"},
			out:   `a=x\\,b=2`,
		},
		{
			name:  "an escaped space at the end of an entry is kept",
			in:    `a=b\ ,c=d`,
			pairs: []pair{{"a", `b\ `}, {"c", "d"}},
			keys:  []string{"a", "c"},
			out:   `a=b\ ,c=d`,
		},
		{
			name:  "duplicate keys are all kept in order",
			in:    "a=1,b=2,a=3",
			pairs: []pair{{"a", "1"}, {"b", "2"}, {"a", "3"}},
			keys:  []string{"a", "b", "a"},
			out:   "a=1,b=2,a=3",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := ParseStringMap(tt.in)
			if err != nil {
				t.Fatalf("ParseStringMap(%q): %v", tt.in, err)
			}
			if got := pairsOf(m); !reflect.DeepEqual(got, tt.pairs) {
				t.Errorf("entries = %q, want %q", got, tt.pairs)
			}
			if got := m.Keys(); !reflect.DeepEqual(got, tt.keys) && !(len(got) == 0 && len(tt.keys) == 0) {
				t.Errorf("Keys() = %q, want %q", got, tt.keys)
			}
			if got := m.String(); got != tt.out {
				t.Errorf("String() = %q, want %q", got, tt.out)
			}
		})
	}
}

func TestStringMapGetLastWins(t *testing.T) {
	m, err := ParseStringMap("deregistration_delay.timeout_seconds=10, stickiness.enabled=true ,deregistration_delay.timeout_seconds=20")
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := m.Get("deregistration_delay.timeout_seconds"); !ok || v != "20" {
		t.Errorf("Get(deregistration_delay.timeout_seconds) = %q, %v; want \"20\", true", v, ok)
	}
	if v, ok := m.Get("stickiness.enabled"); !ok || v != "true" {
		t.Errorf("Get(stickiness.enabled) = %q, %v; want \"true\", true", v, ok)
	}
	if v, ok := m.Get("missing"); ok || v != "" {
		t.Errorf("Get(missing) = %q, %v; want \"\", false", v, ok)
	}
}

func TestParseStringMapErrors(t *testing.T) {
	tests := []struct {
		in, entry, message string
	}{
		{"a", "a", `entry "a" is not of the form key=value`},
		{"a=1,b", "b", `entry "b" is not of the form key=value`},
		{"=1", "=1", `entry "=1" is not of the form key=value`},
		{" = 1 ,a=2", "= 1", `entry "= 1" is not of the form key=value`},
		{"a=1,,  noequals  ,b=2", "noequals", `entry "noequals" is not of the form key=value`},
		{`a\,b=1,c`, "c", `entry "c" is not of the form key=value`},
		// Printed back before another entry, a lone backslash would escape the comma.
		{`a=1,b=x\`, `b=x\`, `entry "b=x\" ends with a lone backslash`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			m, err := ParseStringMap(tt.in)
			if err == nil {
				t.Fatalf("ParseStringMap(%q) = %q, want an error", tt.in, m.String())
			}
			var sme *StringMapError
			if !errors.As(err, &sme) {
				t.Fatalf("error %T %v, want *StringMapError", err, err)
			}
			if sme.Entry != tt.entry {
				t.Errorf("Entry = %q, want %q", sme.Entry, tt.entry)
			}
			if err.Error() != tt.message {
				t.Errorf("Error() = %q, want %q", err.Error(), tt.message)
			}
		})
	}
}

func TestStringMapSet(t *testing.T) {
	tests := []struct {
		name       string
		in         string
		key, value string
		out        string
	}{
		{
			name: "existing key replaced in place, others untouched as written",
			in:   "stickiness.enabled = true,deregistration_delay.timeout_seconds=300, slow_start.duration_seconds=30",
			key:  "deregistration_delay.timeout_seconds", value: "30",
			out: "stickiness.enabled = true,deregistration_delay.timeout_seconds=30, slow_start.duration_seconds=30",
		},
		{
			name: "new key appended at the end",
			in:   "stickiness.enabled=true, stickiness.type=lb_cookie",
			key:  "deregistration_delay.timeout_seconds", value: "30",
			out: "stickiness.enabled=true, stickiness.type=lb_cookie,deregistration_delay.timeout_seconds=30",
		},
		{
			name: "into an empty map",
			in:   "",
			key:  "deregistration_delay.timeout_seconds", value: "30",
			out: "deregistration_delay.timeout_seconds=30",
		},
		{
			name: "duplicate key: the last one, which is the one that counts, is replaced",
			in:   "a=1,b=2,a=3",
			key:  "a", value: "9",
			out: "a=1,b=2,a=9",
		},
		{
			name: "escaped entries are printed as written",
			in:   `tag=x\,y`,
			key:  "b", value: "2",
			out: `tag=x\,y,b=2`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := ParseStringMap(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			m.Set(tt.key, tt.value)
			if got := m.String(); got != tt.out {
				t.Errorf("String() = %q, want %q", got, tt.out)
			}
			if v, ok := m.Get(tt.key); !ok || v != tt.value {
				t.Errorf("Get(%q) = %q, %v; want %q", tt.key, v, ok, tt.value)
			}
			again, err := ParseStringMap(m.String())
			if err != nil {
				t.Fatalf("the printed map does not parse: %v", err)
			}
			if !reflect.DeepEqual(pairsOf(again), pairsOf(m)) {
				t.Errorf("reparsed %q, want %q", pairsOf(again), pairsOf(m))
			}
		})
	}
}

// FuzzStringMap checks that any value the parser accepts prints back to text
// that parses to the same entries, and that adding a key keeps the others.
func FuzzStringMap(f *testing.F) {
	for _, seed := range []string{
		"",
		"a=1",
		"deregistration_delay.timeout_seconds=30",
		"stickiness.enabled=true,stickiness.lb_cookie.duration_seconds=86400",
		" a = 1 , b = 2 ",
		",,a=1,,",
		`a=x\,y,b=2`,
		`a=x\\,b=2`,
		`a=b\`,
		`a=b\ ,c=d`,
		"a=1,a=2",
		"a=b=c",
		"a",
		"=1",
		"a=1,\tb=2\n",
		"k=\u00e9\u00e8,\u3000x=1",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseStringMap(s)
		if err != nil {
			return
		}
		printed := m.String()
		again, err := ParseStringMap(printed)
		if err != nil {
			t.Fatalf("ParseStringMap(%q) printed %q, which does not parse: %v", s, printed, err)
		}
		if got, want := pairsOf(again), pairsOf(m); !reflect.DeepEqual(got, want) {
			t.Fatalf("ParseStringMap(%q) printed %q, which parses to %q, want %q", s, printed, got, want)
		}
		if again.String() != printed {
			t.Fatalf("printing is not stable: %q then %q", printed, again.String())
		}

		// Adding the delay keeps every other entry and its order.
		before := pairsOf(m)
		m.Set(DeregistrationDelayAttribute, "30")
		added, err := ParseStringMap(m.String())
		if err != nil {
			t.Fatalf("after Set, %q does not parse: %v", m.String(), err)
		}
		if v, ok := added.Get(DeregistrationDelayAttribute); !ok || v != "30" {
			t.Fatalf("after Set, %q gives the delay %q, %v", m.String(), v, ok)
		}
		var kept []pair
		for _, p := range pairsOf(added) {
			if p.key != DeregistrationDelayAttribute {
				kept = append(kept, p)
			}
		}
		var want []pair
		for _, p := range before {
			if p.key != DeregistrationDelayAttribute {
				want = append(want, p)
			}
		}
		if !reflect.DeepEqual(kept, want) {
			t.Fatalf("after Set on %q: other entries %q, want %q", s, kept, want)
		}
	})
}
