package apiserver

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"sigs.k8s.io/yaml"
)

var updateCRDs = flag.Bool("update-crds", false,
	"rewrite the pod template schema of testdata/crds/argoproj.io_rollouts.yaml from the API server's OpenAPI")

const rolloutCRDFile = "argoproj.io_rollouts.yaml"

// The pod template of the Rollout CRD must describe the PodSpec of the
// Kubernetes version under test, as the upstream CRD (generated from the
// Kubernetes types it was built with) does. This test derives that schema
// from the running kube-apiserver's own OpenAPI and compares; with
// -update-crds it rewrites the file.
func TestRolloutCRDPodSpecSchema(t *testing.T) {
	s := Shared(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	code, body, err := s.do(ctx, http.MethodGet, "/openapi/v3/api/v1", "", nil)
	if err != nil || code != http.StatusOK {
		t.Fatalf("GET /openapi/v3/api/v1: %d %v", code, err)
	}
	var doc struct {
		Components struct {
			Schemas map[string]map[string]any `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	podSpec, err := structuralSchema(doc.Components.Schemas, "io.k8s.api.core.v1.PodSpec")
	if err != nil {
		t.Fatal(err)
	}
	want := jsonRoundTrip(t, podSpec)

	root, err := repoRoot()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(root, "testdata", "crds", rolloutCRDFile)
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	header, rest := splitHeader(raw)
	var crd map[string]any
	if err := yaml.Unmarshal(rest, &crd); err != nil {
		t.Fatal(err)
	}
	tmpl, err := dig(crd, "spec", "versions", 0, "schema", "openAPIV3Schema", "properties", "spec", "properties", "template", "properties")
	if err != nil {
		t.Fatal(err)
	}
	props := tmpl.(map[string]any)
	if reflect.DeepEqual(jsonRoundTrip(t, props["spec"]), want) {
		return
	}
	if !*updateCRDs {
		t.Fatalf("the pod template schema in %s differs from the PodSpec of this kube-apiserver; regenerate it with\n"+
			"  go test ./internal/apiserver -run TestRolloutCRDPodSpecSchema -update-crds", path)
	}
	props["spec"] = want
	out, err := yaml.Marshal(crd)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, append(header, out...), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("rewrote %s; run the tests again to install it", path)
}

// splitHeader separates the leading comment block of a YAML file.
func splitHeader(b []byte) (header, rest []byte) {
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			i = len(b) - 1
		}
		line := b[:i+1]
		if t := bytes.TrimSpace(line); len(t) > 0 && t[0] != '#' {
			break
		}
		header = append(header, line...)
		b = b[i+1:]
	}
	return header, b
}

func dig(v any, path ...any) (any, error) {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok || m[k] == nil {
				return nil, fmt.Errorf("no %q in %v", k, path)
			}
			v = m[k]
		case int:
			l, ok := v.([]any)
			if !ok || len(l) <= k {
				return nil, fmt.Errorf("no [%d] in %v", k, path)
			}
			v = l[k]
		}
	}
	return v, nil
}

func jsonRoundTrip(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// intOrString is how a CRD spells IntOrString and Quantity (as controller-gen
// does, less the Quantity pattern).
func intOrString() map[string]any {
	return map[string]any{
		"anyOf":                      []any{map[string]any{"type": "integer"}, map[string]any{"type": "string"}},
		"x-kubernetes-int-or-string": true,
	}
}

var specialSchemas = map[string]func() map[string]any{
	"io.k8s.apimachinery.pkg.util.intstr.IntOrString": intOrString,
	"io.k8s.apimachinery.pkg.api.resource.Quantity":   intOrString,
	"io.k8s.apimachinery.pkg.apis.meta.v1.Time": func() map[string]any {
		return map[string]any{"type": "string", "format": "date-time"}
	},
	"io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime": func() map[string]any {
		return map[string]any{"type": "string", "format": "date-time"}
	},
}

// structuralSchema turns an OpenAPI v3 component of kube-apiserver into a
// self-contained structural schema usable in a CRD: references inlined,
// descriptions and object defaults dropped, IntOrString and Quantity as
// x-kubernetes-int-or-string, only the keywords a CRD schema accepts.
func structuralSchema(defs map[string]map[string]any, name string) (map[string]any, error) {
	c := converter{defs: defs}
	out := c.ref(name, 0)
	return out, c.err
}

type converter struct {
	defs map[string]map[string]any
	err  error
}

func (c *converter) ref(name string, depth int) map[string]any {
	if f, ok := specialSchemas[name]; ok {
		return f()
	}
	d, ok := c.defs[name]
	if !ok {
		c.err = fmt.Errorf("no schema %s", name)
		return map[string]any{}
	}
	return c.convert(d, depth+1)
}

func (c *converter) convert(s map[string]any, depth int) map[string]any {
	if depth > 60 {
		c.err = fmt.Errorf("schema nests too deep (recursive?)")
		return map[string]any{}
	}
	if r, ok := s["$ref"].(string); ok {
		return c.ref(strings.TrimPrefix(r, "#/components/schemas/"), depth)
	}
	if all, ok := s["allOf"].([]any); ok && len(all) == 1 {
		if m, ok := all[0].(map[string]any); ok {
			if r, ok := m["$ref"].(string); ok {
				return c.ref(strings.TrimPrefix(r, "#/components/schemas/"), depth)
			}
		}
	}
	out := map[string]any{}
	for k, v := range s {
		switch k {
		case "type", "format", "enum", "required",
			"x-kubernetes-list-type", "x-kubernetes-list-map-keys", "x-kubernetes-map-type",
			"x-kubernetes-int-or-string", "x-kubernetes-preserve-unknown-fields":
			out[k] = v
		case "default":
			switch v.(type) {
			case string, float64, bool:
				out[k] = v
			}
		case "properties":
			props := map[string]any{}
			for pn, pv := range v.(map[string]any) {
				props[pn] = c.convert(pv.(map[string]any), depth+1)
			}
			out[k] = props
		case "items":
			out[k] = c.convert(v.(map[string]any), depth+1)
		case "additionalProperties":
			if m, ok := v.(map[string]any); ok {
				out[k] = c.convert(m, depth+1)
			} else {
				out[k] = v
			}
		}
	}
	// Zero-value defaults ("" for an enum, say) mean nothing to a CRD and can
	// fail its validation; defaults outside the enum likewise.
	if d, ok := out["default"]; ok {
		drop := d == "" || d == false || d == 0.0
		if enum, ok := out["enum"].([]any); ok && !drop {
			drop = true
			for _, e := range enum {
				if e == d {
					drop = false
				}
			}
		}
		if drop {
			delete(out, "default")
		}
	}
	if out["type"] == nil && out["x-kubernetes-int-or-string"] == nil {
		out["x-kubernetes-preserve-unknown-fields"] = true
	}
	// A CRD list map needs every key required or defaulted.
	if out["x-kubernetes-list-type"] == "map" {
		items, _ := out["items"].(map[string]any)
		req := map[string]bool{}
		if r, ok := items["required"].([]any); ok {
			for _, x := range r {
				req[fmt.Sprint(x)] = true
			}
		}
		props, _ := items["properties"].(map[string]any)
		keys, _ := out["x-kubernetes-list-map-keys"].([]any)
		for _, k := range keys {
			p, _ := props[fmt.Sprint(k)].(map[string]any)
			if !req[fmt.Sprint(k)] && (p == nil || p["default"] == nil) {
				out["x-kubernetes-list-type"] = "atomic"
				delete(out, "x-kubernetes-list-map-keys")
				break
			}
		}
	}
	if r, ok := out["required"].([]any); ok {
		sorted := append([]any(nil), r...)
		sort.Slice(sorted, func(i, j int) bool { return fmt.Sprint(sorted[i]) < fmt.Sprint(sorted[j]) })
		out["required"] = sorted
	}
	return out
}
