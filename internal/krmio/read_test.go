package krmio_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/lbguard/lbguard/internal/krmio"
)

// errReader fails after what it holds.
type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("broken pipe") }

func TestReadInput(t *testing.T) {
	in, err := krmio.ReadInput(strings.NewReader("12345"), 5)
	if err != nil || string(in) != "12345" {
		t.Fatalf("ReadInput at the limit = %q, %v; want the input", in, err)
	}
	tests := []struct {
		name  string
		read  func() ([]byte, error)
		error string
	}{
		{"one byte over", func() ([]byte, error) { return krmio.ReadInput(strings.NewReader("123456"), 5) },
			"stdin is larger than 5 bytes, the most lbguard reads (README: Limits and bad input): split the list"},
		{"in MiB", func() ([]byte, error) { return krmio.ReadInput(strings.NewReader(strings.Repeat("x", 1<<20+1)), 1<<20) },
			"stdin is larger than 1 MiB, the most lbguard reads (README: Limits and bad input): split the list"},
		{"a read error", func() ([]byte, error) { return krmio.ReadInput(errReader{}, 5) }, "cannot read stdin: broken pipe"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, err := tt.read()
			if err == nil || err.Error() != tt.error || in != nil {
				t.Fatalf("ReadInput = %q, %v; want the error %q", in, err, tt.error)
			}
		})
	}
}

func TestFormatBytes(t *testing.T) {
	for n, want := range map[int64]string{64 << 20: "64 MiB", 1 << 20: "1 MiB", 1<<20 + 1: "1048577 bytes", 512: "512 bytes"} {
		if got := krmio.FormatBytes(n); got != want {
			t.Errorf("FormatBytes(%d) = %q, want %q", n, got, want)
		}
	}
}

// A deployment nested deeper than lbguard reads, as the n-th item.
func deepItem(levels int) string {
	return "- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: deep, namespace: shop}\n  data: " +
		strings.Repeat("[", levels) + strings.Repeat("]", levels) + "\n"
}

func TestParseResourceListRefuses(t *testing.T) {
	const head = "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\n"
	tests := []struct{ name, in, error string }{
		{"empty", " \n", "stdin is empty; expected a ResourceList"},
		{"a comment only", "# nothing\n", "stdin holds no YAML document; expected a ResourceList"},
		{"a null document", "# nothing\n---\n", "stdin is empty (null), not a ResourceList"},
		{"two documents", head + "---\n" + head, "stdin holds 2 YAML documents (the second at line 3); expected a single ResourceList"},
		{"not YAML", "a: [\n", "stdin is not YAML: yaml: line 1: did not find expected node content"},
		{"a list", "- a\n", "stdin is a list, not a ResourceList"},
		{"no kind", "apiVersion: v1\n", "stdin has no kind; expected a ResourceList (apiVersion: config.kubernetes.io/v1)"},
		{"another kind", "apiVersion: v1\nkind: List\n", `stdin is of kind "List"; expected a ResourceList (apiVersion: config.kubernetes.io/v1)`},
		{"items a map", head + "items: {a: b}\n", "items is a map; expected a list of resources"},
		{"an item a string", head + "items:\n- x\n", "items[0] is the string \"x\", not a resource: every item must be a map with apiVersion, kind and metadata"},
		{"functionConfig a list", head + "functionConfig: [a]\n", "functionConfig is a list; expected a map (a LBGuard or a ConfigMap)"},
		{"results unreadable", head + "results:\n- severity: [x]\n", "results cannot be read: yaml: unmarshal errors:\n  line 4: cannot unmarshal !!seq into fn.Severity"},
		{"an alias in its own anchor", head + "items:\n- &a {apiVersion: v1, kind: ConfigMap, metadata: {name: c, namespace: shop}, data: {x: *a}}\n",
			"items[0] (ConfigMap shop/c) holds the YAML alias *a inside its own anchor (line 4): it would expand forever"},
		{"an alias bomb", head + bomb(),
			"items[0] (ConfigMap shop/bomb) holds YAML aliases that expand the list to more than "},
		{"deep in an item", head + "items:\n" + deepItem(1001),
			"items[0] (ConfigMap shop/deep) nests maps and lists deeper than 1000 levels (line 7), the most lbguard reads (README: Limits and bad input)"},
		{"deep in the functionConfig, the list without items", head + "functionConfig:\n  data: " + strings.Repeat("[", 1001) + strings.Repeat("]", 1001) + "\n",
			"stdin nests maps and lists deeper than 1000 levels (line 4), the most lbguard reads (README: Limits and bad input)"},
		{"deep in the functionConfig", head + "items: []\nfunctionConfig:\n  data: " + strings.Repeat("[", 1001) + strings.Repeat("]", 1001) + "\n",
			"functionConfig nests maps and lists deeper than 1000 levels (line 5), the most lbguard reads (README: Limits and bad input)"},
		{"deep for go-yaml", strings.Repeat("[", 10001) + strings.Repeat("]", 10001) + "\n",
			"stdin is not YAML: yaml: exceeded max depth of 10000"},
		{"deep through aliases", head + "x: &a [[[[[[[[[[1]]]]]]]]]]\n" + aliasTower(110) + "items:\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: tower}, data: {t: *t109}}\n",
			"items[0] (ConfigMap tower) holds YAML aliases that nest it deeper than 1000 levels once expanded, the most lbguard reads (README: Limits and bad input)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rl, err := krmio.ParseResourceList([]byte(tt.in))
			if err == nil {
				t.Fatalf("ParseResourceList = %v, nil; want the error %q", rl, tt.error)
			}
			if got := err.Error(); got != tt.error && !(strings.HasSuffix(tt.error, " ") && strings.HasPrefix(got, tt.error)) {
				t.Fatalf("ParseResourceList: %q\nwant %q", got, tt.error)
			}
		})
	}
}

// bomb is an item whose aliases expand to 10^7 nodes.
func bomb() string {
	var b strings.Builder
	b.WriteString("items:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: bomb, namespace: shop}\n  data:\n    l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 8; i++ {
		b.WriteString("    l" + itoa(i) + ": &l" + itoa(i) + " [")
		for j := 0; j < 10; j++ {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString("*l" + itoa(i-1))
		}
		b.WriteString("]\n")
	}
	return b.String()
}

// aliasTower is n anchors t0…t(n-1), each a list of ten levels holding the one before.
func aliasTower(n int) string {
	var b strings.Builder
	b.WriteString("t0: &t0 [[[[[[[[[[*a]]]]]]]]]]\n")
	for i := 1; i < n; i++ {
		b.WriteString("t" + itoa(i) + ": &t" + itoa(i) + " [[[[[[[[[[*t" + itoa(i-1) + "]]]]]]]]]]\n")
	}
	return b.String()
}

func itoa(i int) string {
	const digits = "0123456789"
	if i < 10 {
		return digits[i : i+1]
	}
	return itoa(i/10) + digits[i%10:i%10+1]
}

func TestParseResourceListReads(t *testing.T) {
	in := "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nfunctionConfig: null\nitems:\n- &cm {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}\n- {apiVersion: v1, kind: Secret, metadata: {name: b}, data: {x: *cm}}\nresults:\n  items:\n  - message: old shape\n    severity: info\n"
	rl, err := krmio.ParseResourceList([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(rl.Items) != 2 || rl.Items[1].GetKind() != "Secret" || len(rl.Results) != 1 || rl.Results[0].Message != "old shape" {
		t.Fatalf("ParseResourceList read %d items, results %v", len(rl.Items), rl.Results)
	}
	if v, _, _ := rl.Items[1].NestedString("data", "x", "kind"); v != "ConfigMap" {
		t.Fatalf("the alias is not expanded: data.x.kind = %q", v)
	}
}
