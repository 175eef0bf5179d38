package config

import (
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/internal/krmio"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// FuzzConfig decodes any function config, as lbguard reads it from a
// ResourceList. On every input: no panic; every problem names its key; a
// config accepted is within the documented ranges, and reads the same when
// written in the other form (LBGuard spec or ConfigMap data).
func FuzzConfig(f *testing.F) {
	for _, seed := range []string{
		"apiVersion: lbguard.dev/v1alpha1\nkind: LBGuard\nmetadata:\n  name: lbguard\n",
		"apiVersion: lbguard.dev/v1alpha1\nkind: LBGuard\nmetadata:\n  name: lbguard\nspec:\n  mode: audit\n  kubernetesVersion: \"1.29\"\n  deregistrationDelaySeconds: 60\n  shutdownSeconds: 40\n  preStopSeconds: 90\n  nlbPreStopSeconds: 200\n  scope: all\n  maxUnavailable: 25%\n  sidecarPreStop: true\n  targetGroupBindingDelays:\n    shop/web: 45\n    api: 0\n",
		"apiVersion: lbguard.dev/v1alpha1\nkind: LBGuard\nmetadata:\n  name: lbguard\nspec:\n  kubernetesVersion: 1.30\n  maxUnavailable: 2\n",
		"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: lbguard\ndata:\n  mode: fix\n  kubernetesVersion: v1.31.2\n  deregistrationDelaySeconds: \"0\"\n  preStopSeconds: \"3600\"\n  scope: load-balanced\n  maxUnavailable: \"100%\"\n  sidecarPreStop: \"false\"\n  targetGroupBindingDelays: web=30,shop/api=60\n",
		"apiVersion: lbguard.dev/v1alpha1\nkind: LBGuard\nmetadata:\n  name: lbguard\nspec:\n  deregistrationDelaySeconds: 9000\n  shutdownSeconds: \"20\"\n  drainSeconds: 30\n",
		"apiVersion: lbguard.dev/v1alpha1\nkind: LBGuard\nspec: [mode, fix]\n",
		"apiVersion: lbguard.dev/v1alpha1\nkind: LBGuard\nspec:\n  targetGroupBindingDelays: {a: x, b: [1]}\n  mode: [fix]\n",
		"apiVersion: v1\nkind: ConfigMap\ndata:\n  targetGroupBindingDelays: \"a=1,b\"\n  maxUnavailable: \"0\"\n",
		"apiVersion: v1\nkind: ConfigMap\ndata:\n  mode: {a: 1}\n",
		"apiVersion: example.com/v1\nkind: Other\nspec: {}\n",
		"apiVersion: lbguard.dev/v1alpha1\nkind: LBGuard\nspec:\n  mode: &m fix\n  scope: *m\n",
		"apiVersion: lbguard.dev/v1alpha1\nkind: LBGuard\nmetadata:\n  name: lbguard\nstatus: {}\nspec: ~\n",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		var doc yaml.Node
		if err := yaml.Unmarshal([]byte(text), &doc); err != nil || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
			return
		}
		in, err := yaml.Marshal(&yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{
			{Kind: yaml.ScalarNode, Value: "kind"}, {Kind: yaml.ScalarNode, Value: "ResourceList"},
			{Kind: yaml.ScalarNode, Value: "functionConfig"}, doc.Content[0],
		}})
		if err != nil {
			return
		}
		rl, err := krmio.ParseResourceList(in) // as the function reads it: aliases expanded, limits kept
		if err != nil {
			return
		}
		cfg, errs := DecodeConfig(rl.FunctionConfig)
		for _, e := range errs {
			if e.Path == "" || e.Problem == "" {
				t.Fatalf("a problem that names no key, or says nothing: %+v", e)
			}
		}
		if len(errs) > 0 {
			return
		}
		if problem := checkConfig(cfg); problem != "" {
			t.Fatalf("accepted, but %s: %+v", problem, cfg)
		}
		if !namesAreKeys(cfg) {
			return // names the ConfigMap form cannot write
		}
		for _, form := range []string{"LBGuard", "ConfigMap"} {
			again, errs := DecodeConfig(configAs(t, form, cfg))
			if len(errs) > 0 {
				t.Fatalf("written as a %s, the config is refused: %v\n%+v", form, errs, cfg)
			}
			if !reflect.DeepEqual(again, cfg) {
				t.Fatalf("written as a %s, the config reads otherwise:\n%+v\nwant\n%+v", form, again, cfg)
			}
		}
	})
}

// checkConfig says what in an accepted config is out of its documented range.
func checkConfig(cfg Config) string {
	seconds := map[string]int{
		"deregistrationDelaySeconds": cfg.DeregistrationDelaySeconds,
		"shutdownSeconds":            cfg.ShutdownSeconds,
		"nlbPreStopSeconds":          cfg.NLBPreStopSeconds,
	}
	if cfg.PreStopSeconds != nil {
		seconds["preStopSeconds"] = *cfg.PreStopSeconds
	}
	for name, delay := range cfg.TargetGroupBindingDelays {
		seconds["targetGroupBindingDelays "+name] = delay
	}
	for key, n := range seconds {
		if n < 0 || n > 3600 {
			return fmt.Sprintf("%s is %d", key, n)
		}
	}
	switch {
	case cfg.Mode != ModeFix && cfg.Mode != ModeAudit:
		return "mode is " + string(cfg.Mode)
	case cfg.Scope != ScopeLoadBalanced && cfg.Scope != ScopeAll:
		return "scope is " + string(cfg.Scope)
	case cfg.KubernetesVersion.Major != 1 || cfg.KubernetesVersion.Minor < 0:
		return "kubernetesVersion is " + cfg.KubernetesVersion.String()
	case !validMaxUnavailable(cfg.MaxUnavailable):
		return "maxUnavailable is " + cfg.MaxUnavailable
	}
	return ""
}

var resourceName = regexp.MustCompile(`^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(/[a-z0-9]([a-z0-9.-]*[a-z0-9])?)?$`)

// namesAreKeys reports whether every TargetGroupBinding name is one
// Kubernetes allows, which both forms can write.
func namesAreKeys(cfg Config) bool {
	for name := range cfg.TargetGroupBindingDelays {
		if !resourceName.MatchString(name) {
			return false
		}
	}
	return true
}

// configAs writes cfg as an LBGuard (typed values under spec) or a
// ConfigMap (strings under data).
func configAs(t *testing.T, form string, cfg Config) *fn.KubeObject {
	t.Helper()
	values := map[string]any{
		"mode":                       string(cfg.Mode),
		"kubernetesVersion":          cfg.KubernetesVersion.String(),
		"deregistrationDelaySeconds": cfg.DeregistrationDelaySeconds,
		"shutdownSeconds":            cfg.ShutdownSeconds,
		"nlbPreStopSeconds":          cfg.NLBPreStopSeconds,
		"scope":                      string(cfg.Scope),
		"maxUnavailable":             cfg.MaxUnavailable,
		"sidecarPreStop":             cfg.SidecarPreStop,
	}
	if cfg.PreStopSeconds != nil {
		values["preStopSeconds"] = *cfg.PreStopSeconds
	}
	if len(cfg.TargetGroupBindingDelays) > 0 {
		if form == "ConfigMap" {
			var pairs []string
			for name, delay := range cfg.TargetGroupBindingDelays {
				pairs = append(pairs, name+"="+strconv.Itoa(delay))
			}
			sort.Strings(pairs)
			values["targetGroupBindingDelays"] = strings.Join(pairs, ",")
		} else {
			values["targetGroupBindingDelays"] = cfg.TargetGroupBindingDelays
		}
	}
	var obj *fn.KubeObject
	var err error
	if form == "ConfigMap" {
		data := map[string]any{}
		for k, v := range values {
			data[k] = fmt.Sprint(v)
		}
		obj, err = fn.NewFromTypedObject(map[string]any{"apiVersion": "v1", "kind": "ConfigMap", "metadata": map[string]any{"name": "lbguard"}, "data": data})
	} else {
		obj, err = fn.NewFromTypedObject(map[string]any{"apiVersion": ConfigGroup + "/" + configVersion, "kind": configKind, "metadata": map[string]any{"name": "lbguard"}, "spec": values})
	}
	if err != nil {
		t.Fatal(err)
	}
	return obj
}
