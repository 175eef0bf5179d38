package yamlnode

import (
	"reflect"
	"testing"

	"github.com/kptdev/krm-functions-sdk/go/fn"
)

// StringMapAt reads maps of strings as the SDK's NestedStringMap does, and
// fails where it fails.
func TestStringMapAtIsNestedStringMap(t *testing.T) {
	for _, spec := range []string{
		"l: {a: b, c: ''}", "l: {a: 3, b: true, c: 1.5, d: 0x1F, e: .inf}", "l: {a: ~, b: null}",
		"l: {3: a, true: b}", "l: {a: !!binary aGVsbG8=}", "l: {a: '007', b: \"x y\"}", "l: {}",
		"l: {a: [x]}", "l: {a: {b: c}}", "l: {? [a] : b}", "l: ~", "l: []", "l: x", "other: 1",
	} {
		for _, doc := range []string{"spec:\n  " + spec, "spec: []", "spec: ~", "spec: 3"} {
			obj, err := fn.ParseKubeObject([]byte("apiVersion: v1\nkind: X\nmetadata: {name: n}\n" + doc))
			if err != nil {
				t.Fatal(err)
			}
			want, _, wantErr := obj.NestedStringMap("spec", "l")
			got, err := StringMapAt(rootOf(obj), "spec", "l")
			if (err != nil) != (wantErr != nil) || !reflect.DeepEqual(got, want) && len(got)+len(want) > 0 {
				t.Errorf("%s:\n got  %#v, %v\n want %#v, %v", doc, got, err, want, wantErr)
			}
		}
	}
}

// IntAt reads integers as the SDK's NestedInt does, and fails where it fails.
func TestIntAtIsNestedInt(t *testing.T) {
	for _, doc := range []string{
		"spec: {n: 30}", "spec: {n: -1}", "spec: {n: 0}", "spec: {n: '30'}", "spec: {n: 0x1F}", "spec: {n: 1.5}",
		"spec: {n: ~}", "spec: {n: true}", "spec: {n: [1]}", "spec: {n: {a: 1}}", "spec: {n: 99999999999999999999}",
		"spec: {}", "spec: []", "spec: ~", "other: 1",
	} {
		obj, err := fn.ParseKubeObject([]byte("apiVersion: v1\nkind: X\nmetadata: {name: n}\n" + doc))
		if err != nil {
			t.Fatal(err)
		}
		want, wantFound, wantErr := obj.NestedInt("spec", "n")
		got, found, err := IntAt(rootOf(obj), "spec", "n")
		if got != want || found != wantFound || (err != nil) != (wantErr != nil) {
			t.Errorf("%s:\n got  %d, %v, %v\n want %d, %v, %v", doc, got, found, err, want, wantFound, wantErr)
		}
	}
}

// StringListAt reads lists of strings as the SDK's NestedStringSlice does,
// and fails where it fails.
func TestStringListAtIsNestedStringSlice(t *testing.T) {
	for _, doc := range []string{
		"spec: {l: [sh, -c, 'sleep 5']}", "spec: {l: [1, true, ~, 1.5, '']}", "spec: {l: []}", "spec: {l: [[a]]}",
		"spec: {l: [{a: b}]}", "spec: {l: ~}", "spec: {l: sh}", "spec: {l: {a: b}}", "spec: {}", "spec: []", "spec: ~",
	} {
		obj, err := fn.ParseKubeObject([]byte("apiVersion: v1\nkind: X\nmetadata: {name: n}\n" + doc))
		if err != nil {
			t.Fatal(err)
		}
		want, _, wantErr := obj.NestedStringSlice("spec", "l")
		got, err := StringListAt(rootOf(obj), "spec", "l")
		if (err != nil) != (wantErr != nil) || !reflect.DeepEqual(got, want) && len(got)+len(want) > 0 {
			t.Errorf("%s:\n got  %#v, %v\n want %#v, %v", doc, got, err, want, wantErr)
		}
	}
}
