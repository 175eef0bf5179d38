package yamlnode

import (
	"strconv"
	"strings"
	"testing"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// rootOf is obj's root node, leaving obj usable.
func rootOf(obj *fn.KubeObject) *yaml.Node {
	rn := obj.MoveToResourceNode()
	root := rn.YNode()
	*obj = *fn.MoveToKubeObject(rn)
	return root
}

func parse(t *testing.T, text string) *yaml.Node {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(text), &doc); err != nil {
		t.Fatal(err)
	}
	return doc.Content[0]
}

// Child finds a map's value by its scalar key, and nothing in anything else.
func TestChild(t *testing.T) {
	n := parse(t, "a: 1\n? [b]\n: 2\n'3': three\nnull: x\n")
	for _, tt := range []struct {
		key, want string
	}{{"a", "1"}, {"3", "three"}, {"null", "x"}, {"b", ""}, {"", ""}, {"missing", ""}} {
		if got := ScalarText(Child(n, tt.key)); got != tt.want {
			t.Errorf("Child(%q) = %q, want %q", tt.key, got, tt.want)
		}
	}
	for _, other := range []*yaml.Node{nil, parse(t, "[a, b]"), parse(t, "a")} {
		if got := Child(other, "a"); got != nil {
			t.Errorf("Child of %v = %v, want nil", other, got)
		}
	}
}

// Find walks maps by key and lists by index.
func TestFind(t *testing.T) {
	n := parse(t, "spec:\n  containers:\n  - name: web\n  - name: log\n")
	for path, want := range map[string]string{
		"spec.containers.1.name": "log", "spec.containers.0.name": "web", "spec.containers.2.name": "",
		"spec.containers.-1.name": "", "spec.containers.x": "", "spec.0": "", "spec.containers.0.name.x": "",
	} {
		if got := ScalarText(Find(n, strings.Split(path, ".")...)); got != want {
			t.Errorf("Find(%s) = %q, want %q", path, got, want)
		}
	}
}

// Lookup and OfKind say where a path stops being a map.
func TestLookupOfKind(t *testing.T) {
	n := parse(t, "spec: {list: [a], scalar: x}\n")
	if _, found, err := Lookup(n, "spec", "none"); found || err != nil {
		t.Errorf("Lookup of a missing key: found %v, err %v", found, err)
	}
	if _, found, err := Lookup(n, "spec", "scalar", "deeper"); !found || err != ErrShape {
		t.Errorf("Lookup through a scalar: found %v, err %v", found, err)
	}
	if got, err := OfKind(n, yaml.SequenceNode, "spec", "list"); err != nil || len(got.Content) != 1 {
		t.Errorf("OfKind list = %v, %v", got, err)
	}
	if _, err := OfKind(n, yaml.MappingNode, "spec", "list"); err != ErrShape {
		t.Errorf("OfKind of the wrong kind: err %v", err)
	}
}

// IsNull, IsString, ScalarText and DecodeString tell scalars apart.
func TestScalars(t *testing.T) {
	for _, tt := range []struct {
		text           string
		null, isString bool
		written        string
		decoded        string
		decodeErr      bool
	}{
		{"~", true, false, "~", "", false},
		{"null", true, false, "null", "", false},
		{"''", false, true, "", "", false},
		{"'007'", false, true, "007", "007", false},
		{"30", false, false, "30", "30", false},
		{"true", false, false, "true", "true", false},
		{"!!binary aGVsbG8=", false, false, "aGVsbG8=", "hello", false},
		{"[a]", false, false, "", "", true},
		{"{a: b}", false, false, "", "", true},
	} {
		n := parse(t, "v: "+tt.text).Content[1]
		decoded, err := DecodeString(n)
		if IsNull(n) != tt.null || IsString(n) != tt.isString || ScalarText(n) != tt.written ||
			decoded != tt.decoded || (err != nil) != tt.decodeErr {
			t.Errorf("%s: null %v, string %v, text %q, decoded %q, %v", tt.text, IsNull(n), IsString(n), ScalarText(n), decoded, err)
		}
	}
	if ScalarText(nil) != "" {
		t.Error("ScalarText(nil) is not empty")
	}
}

// Describe and Quote name a node in messages.
func TestDescribe(t *testing.T) {
	for text, want := range map[string]string{
		"{a: b}": "a map", "[a]": "a list", "~": "empty (null)", "3": "the number 3", "1.5": "the number 1.5",
		"true": "the boolean true", "web": `the string "web"`, "'3'": `the string "3"`,
	} {
		if got := Describe(parse(t, text)); got != want {
			t.Errorf("Describe(%s) = %q, want %q", text, got, want)
		}
	}
	n := parse(t, "a: &x 1\nb: *x\n")
	if got := Describe(n.Content[3]); got != "an alias (*x)" {
		t.Errorf("Describe(alias) = %q", got)
	}
	long := parse(t, strings.Repeat("é", 61))
	if got, want := Quote(long), strconv.Quote(strings.Repeat("é", 60)+"…"); got != want {
		t.Errorf("Quote = %s, want %s", got, want)
	}
	if got := Quote(parse(t, "[a]")); got != "a list" {
		t.Errorf("Quote(list) = %q", got)
	}
}

// SetScalar edits one scalar in place, keeping its style.
func TestSetScalar(t *testing.T) {
	n := parse(t, "command: [sh, -c, 'sleep 5']\n")
	if !SetScalar(n, "sleep 60", "command", "2") || SetScalar(n, "x", "command") || SetScalar(n, "x", "none") {
		t.Fatal("SetScalar found the wrong nodes")
	}
	out, err := yaml.Marshal(n)
	if err != nil || string(out) != "command: [sh, -c, 'sleep 60']\n" {
		t.Errorf("got %q, %v", out, err)
	}
}

// Map and String build new nodes in the order given.
func TestBuild(t *testing.T) {
	n := Map(Field{"name", String("web")}, Field{"spec", Map(Field{"n", String("1")})})
	out, err := yaml.Marshal(n)
	if err != nil || string(out) != "name: web\nspec:\n  n: \"1\"\n" {
		t.Errorf("got %q, %v", out, err)
	}
}
