package yamlnode

import (
	"reflect"
	"strings"
	"testing"

	"github.com/kptdev/krm-functions-sdk/go/fn"
)

// PlainValue reads a map as the SDK's As does through JSON: the same maps,
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
		obj, err := fn.ParseKubeObject([]byte("apiVersion: v1\nkind: Probe\nmetadata: {name: p}\nspec:\n  probe:\n" + "    " + strings.ReplaceAll(probe, "\n", "\n    ") + "\n"))
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
		if got := PlainValue(Find(rootOf(obj), "spec", "probe")); !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got  %#v\n want %#v", probe, got, want)
		}
	}
}
