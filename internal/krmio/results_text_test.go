package krmio

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// emitted is res as the YAML emitter writes it: the reference appendResult
// must match byte for byte.
func emitted(t testing.TB, res *fn.Result) string {
	t.Helper()
	n, err := resultNode(res)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := encode(&out, &yaml.Node{Kind: yaml.SequenceNode, Content: []*yaml.Node{n}}); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

func sampleResult(s string) *fn.Result {
	return &fn.Result{
		Message:     s,
		Severity:    fn.Warning,
		ResourceRef: &fn.ResourceRef{APIVersion: "apps/v1", Kind: "Deployment", Name: "web", Namespace: "shop"},
		Field:       &fn.Field{Path: s, CurrentValue: s, ProposedValue: map[string]any{"httpGet": map[string]any{"path": s, "port": 8080}}},
		File:        &fn.File{Path: "shop/" + s, Index: 2},
		Tags:        map[string]string{"lbguard.dev/rule": "R4", "lbguard.dev/action": s, s: "key"},
	}
}

// Every string the text writer takes must come out as the emitter writes it;
// the strings it cannot tell go to the emitter, and the common ones must not.
func TestAppendResultMatchesEmitter(t *testing.T) {
	tests := []struct {
		s    string
		text bool // written as text, not left to the emitter
	}{
		{"web", true},
		{"spec.template.spec.containers[0].readinessProbe", true},
		{"metadata.annotations[alb.ingress.kubernetes.io/target-type]", true},
		{"Deployment web: preStop sleep of 45 s added", true},
		{`Deployment web container "app": it's 'quoted'`, true},
		{"a #b", true},
		{"a#b", true},
		{"a:b", true},
		{"ends with a colon:", true},
		{"#first", true},
		{"[x]", true},
		{"{x}", true},
		{"*x", true},
		{"&x", true},
		{"!x", true},
		{"|x", true},
		{">x", true},
		{"%x", true},
		{"@x", true},
		{"`x", true},
		{`"x`, true},
		{"'x", true},
		{"? x", true},
		{"?x", true},
		{": x", true},
		{":x", true},
		{" leading", true},
		{"trailing ", true},
		{"a,b", true},
		{"maybe", true},
		{"Yesterday", true},
		{"", false},
		{"yes", false},
		{"off", false},
		{"true", true},
		{"FALSE", true},
		{"null", true},
		{"~", true},
		{"30", true},
		{"0123", true},
		{"99999999999999999999999", true},
		{"30s", false},
		{"1.31", true},
		{"17.5", true},
		{"1.", false},
		{"1.2.3", false},
		{"-x", false},
		{"- x", false},
		{".hidden", false},
		{"+1", false},
		{"2026-11-27", false},
		{"tab\there", false},
		{"line\nbreak", false},
		{"non-ASCII ×", false},
		{"<<", false},
		{strings.Repeat("k", 129), false}, // too long a key: "? key"
	}
	for _, tt := range tests {
		res := sampleResult(tt.s)
		got, ok := appendResult(nil, res)
		if ok != tt.text {
			t.Errorf("%q: written as text %v, want %v", tt.s, ok, tt.text)
		}
		if want := emitted(t, res); ok && string(got) != want {
			t.Errorf("%q:\ntext:\n%s\nemitter:\n%s", tt.s, got, want)
		}
	}
}

// Results with parts left out, or empty, are written as the emitter does.
func TestAppendResultShapes(t *testing.T) {
	tests := []struct {
		name string
		res  *fn.Result
		text bool
	}{
		{"message only", &fn.Result{Message: "lbguard config: spec.mode: must be fix or audit"}, true},
		{"no file, no field", &fn.Result{Message: "m", Severity: fn.Info, ResourceRef: &fn.ResourceRef{APIVersion: "v1", Kind: "Namespace", Name: "shop"}}, true},
		{"index 0 left out", &fn.Result{Message: "m", File: &fn.File{Path: "a.yaml"}}, true},
		{"numbers and bools", &fn.Result{Message: "m", Field: &fn.Field{Path: "p", CurrentValue: int64(-3), ProposedValue: true}}, true},
		{"an empty string value", &fn.Result{Message: "m", Field: &fn.Field{Path: "p", CurrentValue: ""}}, true},
		{"an empty tag", &fn.Result{Message: "m", Tags: map[string]string{"lbguard.dev/rule": ""}}, true},
		{"a whole number read from JSON", &fn.Result{Message: "m", Field: &fn.Field{Path: "p", CurrentValue: 8080.0, ProposedValue: -2.0}}, true},
		{"a million", &fn.Result{Message: "m", Field: &fn.Field{Path: "p", ProposedValue: 1e6}}, false},
		{"minus zero", &fn.Result{Message: "m", Field: &fn.Field{Path: "p", ProposedValue: math.Copysign(0, -1)}}, false},
		{"an empty field", &fn.Result{Message: "m", Field: &fn.Field{}}, false},
		{"an empty map value", &fn.Result{Message: "m", Field: &fn.Field{Path: "p", ProposedValue: map[string]any{}}}, false},
		{"a list value", &fn.Result{Message: "m", Field: &fn.Field{Path: "p", ProposedValue: []any{"a"}}}, false},
		{"a float value", &fn.Result{Message: "m", Field: &fn.Field{Path: "p", ProposedValue: 1.5}}, false},
	}
	for _, tt := range tests {
		got, ok := appendResult(nil, tt.res)
		if ok != tt.text {
			t.Errorf("%s: written as text %v, want %v", tt.name, ok, tt.text)
		}
		if want := emitted(t, tt.res); ok && string(got) != want {
			t.Errorf("%s:\ntext:\n%s\nemitter:\n%s", tt.name, got, want)
		}
	}
}

func FuzzAppendResult(f *testing.F) {
	for _, s := range []string{"web", "a: b", "it's", " x", "#x", "yes", "-", "a #b", "\t", "×"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		res := sampleResult(s)
		if got, ok := appendResult(nil, res); ok {
			if want := emitted(t, res); string(got) != want {
				t.Fatalf("%q:\ntext:\n%s\nemitter:\n%s", s, got, want)
			}
		}
	})
}
