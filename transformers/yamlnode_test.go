package transformers

import (
	"reflect"
	"testing"

	"github.com/kptdev/krm-functions-sdk/go/fn"
)

// plainValue reads a map as the SDK's As does through JSON: the same maps,
// lists, strings, bools, nulls and float64 numbers.
func TestPlainValueIsAs(t *testing.T) {
	for _, probe := range []string{
		"httpGet: {path: /healthz, port: 8080, scheme: HTTPS}\nperiodSeconds: 10",
		"tcpSocket: {port: http}\nfailureThreshold: 3\ntimeoutSeconds: 1.5",
		"exec: {command: [cat, /tmp/ready, \"1\"]}\ninitialDelaySeconds: 010",
		"grpc: {port: 0x1F, service: ''}\nsuccessThreshold: 0o7",
		"httpGet: {port: '8080', httpHeaders: [{name: X, value: 'true'}], host: ~}\nenabled: True\nother: false",
		"httpGet: {port: -1, path: null}\nbig: 12345678901\nzero: 0\nfloat: 1e3",
	} {
		obj, err := fn.ParseKubeObject([]byte("apiVersion: v1\nkind: Probe\nmetadata: {name: p}\nspec:\n  probe:\n" + indent(probe, 4)))
		if err != nil {
			t.Fatal(err)
		}
		sub, _, err := obj.NestedSubObject("spec", "probe")
		if err != nil {
			t.Fatal(err)
		}
		var want map[string]any
		if err := sub.As(&want); err != nil {
			t.Fatal(err)
		}
		if got := plainValue(find(rootOf(obj), "spec", "probe")); !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got  %#v\n want %#v", probe, got, want)
		}
	}
}

// An object's view names it as the SDK's getters do, malformed ids included:
// the rules classify and name objects by their views.
func TestObjectViewIsSDK(t *testing.T) {
	for _, doc := range []string{
		"apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}",
		"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}",
		"apiVersion: apps/v1/extra\nkind: Deployment\nmetadata: {name: web}",
		"apiVersion: /\nkind: Service\nmetadata: {name: web}",
		"apiVersion: ''\nkind: Service\nmetadata: {name: web}",
		"kind: Service\nmetadata: {name: web}",
		"apiVersion: 1\nkind: 2\nmetadata: {name: 3, namespace: true}",
		"apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: '007', namespace: ~}",
		"apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: []",
		"apiVersion: policy/v1\nkind: PodDisruptionBudget",
	} {
		obj, err := fn.ParseKubeObject([]byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		want := obj.GroupVersionKind()
		wantView := objectView{apiVersion: obj.GetAPIVersion(), kind: obj.GetKind(), name: obj.GetName(),
			namespace: obj.GetNamespace(), gk: groupKind{want.Group, want.Kind}}
		got := *(&objectViews{}).view(obj)
		got.root = nil
		if got != wantView {
			t.Errorf("%s:\n got  %+v\n want %+v", doc, got, wantView)
		}
	}
}

// stringMapAt reads maps of strings as the SDK's NestedStringMap does, and
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
			got, err := stringMapAt(rootOf(obj), "spec", "l")
			if (err != nil) != (wantErr != nil) || !reflect.DeepEqual(got, want) && len(got)+len(want) > 0 {
				t.Errorf("%s:\n got  %#v, %v\n want %#v, %v", doc, got, err, want, wantErr)
			}
		}
	}
}

// intAt reads integers as the SDK's NestedInt does, and fails where it fails.
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
		got, found, err := intAt(rootOf(obj), "spec", "n")
		if got != want || found != wantFound || (err != nil) != (wantErr != nil) {
			t.Errorf("%s:\n got  %d, %v, %v\n want %d, %v, %v", doc, got, found, err, want, wantFound, wantErr)
		}
	}
}

// stringListAt reads lists of strings as the SDK's NestedStringSlice does,
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
		got, err := stringListAt(rootOf(obj), "spec", "l")
		if (err != nil) != (wantErr != nil) || !reflect.DeepEqual(got, want) && len(got)+len(want) > 0 {
			t.Errorf("%s:\n got  %#v, %v\n want %#v, %v", doc, got, err, want, wantErr)
		}
	}
}
