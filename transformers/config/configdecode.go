package config

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/internal/yamlnode"
	"github.com/lbguard/lbguard/transformers/annotations"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// The config is the kind LBGuard (its keys under spec), or a ConfigMap with
// the same keys flat in data (the kpt convention). No config: the defaults.
const (
	ConfigGroup   = "lbguard.dev"
	configVersion = "v1alpha1"
	configKind    = "LBGuard"
)

// configKey is one documented key: how to read it from its text, and whether
// the LBGuard form must carry it as a YAML integer, boolean, map or string.
type configKey struct {
	name  string
	shape string // "int", "bool", "string" or "map"
	set   func(c *Config, text string) error
}

// mapShape is what a map key maps, for messages, and the YAML type of its
// values in the LBGuard form.
type mapShape struct{ of, valueTag string }

var mapShapes = map[string]mapShape{
	"targetGroupBindingDelays": {"TargetGroupBinding names to seconds", yaml.NodeTagInt},
	"gateways":                 {"Gateway names to alb, nlb or ignore", yaml.NodeTagString},
	"gatewayClasses":           {"GatewayClass names to alb, nlb or ignore", yaml.NodeTagString},
}

var configKeys = []configKey{
	{"mode", "string", func(c *Config, s string) error {
		switch m := Mode(s); m {
		case ModeFix, ModeAudit:
			c.Mode = m
			return nil
		}
		return fmt.Errorf("must be fix or audit, not %q", s)
	}},
	{"kubernetesVersion", "string", func(c *Config, s string) error {
		v, err := parseKubernetesVersion(s)
		c.KubernetesVersion = v
		return err
	}},
	{"deregistrationDelaySeconds", "int", intKey(0, 3600, func(c *Config, n int) { c.DeregistrationDelaySeconds = n })},
	{"shutdownSeconds", "int", intKey(0, 3600, func(c *Config, n int) { c.ShutdownSeconds = n })},
	{"preStopSeconds", "int", intKey(0, 3600, func(c *Config, n int) { c.PreStopSeconds = &n })},
	{"nlbPreStopSeconds", "int", intKey(0, 3600, func(c *Config, n int) { c.NLBPreStopSeconds = n })},
	{"scope", "string", func(c *Config, s string) error {
		switch sc := Scope(s); sc {
		case ScopeLoadBalanced, ScopeAll:
			c.Scope = sc
			return nil
		}
		return fmt.Errorf("must be load-balanced or all, not %q", s)
	}},
	{"maxUnavailable", "string", func(c *Config, s string) error {
		if !validMaxUnavailable(s) {
			return fmt.Errorf("must be a whole number of pods from 1, or a percentage from 1%% to 100%%, not %q (0 would block every drain)", s)
		}
		c.MaxUnavailable = s
		return nil
	}},
	{"sidecarPreStop", "bool", func(c *Config, s string) error {
		b, err := strconv.ParseBool(s)
		if err != nil || (s != "true" && s != "false") {
			return fmt.Errorf("must be true or false, not %q", s)
		}
		c.SidecarPreStop = b
		return nil
	}},
	{"targetGroupBindingDelays", "map", func(c *Config, s string) error {
		m, err := annotations.ParseStringMap(s)
		if err != nil {
			return fmt.Errorf("must map TargetGroupBinding names to seconds (name=30,ns/other=60): %v", err)
		}
		for _, name := range m.Keys() {
			v, _ := m.Get(name)
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 || n > 3600 {
				return fmt.Errorf("%s: must be a whole number of seconds from 0 to 3600, not %q", name, v)
			}
			c.TargetGroupBindingDelays[name] = n
		}
		return nil
	}},
	{"gateways", "map", gatewayTypesKey("Gateway names (namespace/name)", func(c *Config) map[string]GatewayType { return c.Gateways })},
	{"gatewayClasses", "map", gatewayTypesKey("GatewayClass names", func(c *Config) map[string]GatewayType { return c.GatewayClasses })},
}

// gatewayTypesKey reads a map of Gateway or class names to the load
// balancer each makes.
func gatewayTypesKey(names string, into func(*Config) map[string]GatewayType) func(*Config, string) error {
	return func(c *Config, s string) error {
		m, err := annotations.ParseStringMap(s)
		if err != nil {
			return fmt.Errorf("must map %s to alb, nlb or ignore (public=alb,infra/internal=nlb): %v", names, err)
		}
		for _, name := range m.Keys() {
			v, _ := m.Get(name)
			switch t := GatewayType(v); t {
			case GatewayTypeALB, GatewayTypeNLB, GatewayTypeIgnore:
				into(c)[name] = t
			default:
				return fmt.Errorf("%s: must be alb, nlb or ignore, not %q", name, v)
			}
		}
		return nil
	}
}

func intKey(min, max int, set func(*Config, int)) func(*Config, string) error {
	return func(c *Config, s string) error {
		n, err := strconv.Atoi(s)
		if err != nil || n < min || n > max {
			return fmt.Errorf("must be a whole number of seconds from %d to %d, not %q", min, max, s)
		}
		set(c, n)
		return nil
	}
}

var kubernetesVersionPattern = regexp.MustCompile(`^v?(1)\.(\d{1,2})(\.\d+)?$`)

func parseKubernetesVersion(s string) (KubernetesVersion, error) {
	m := kubernetesVersionPattern.FindStringSubmatch(s)
	if m == nil {
		return KubernetesVersion{}, fmt.Errorf("must be a Kubernetes version such as \"1.31\", not %q", s)
	}
	minor, _ := strconv.Atoi(m[2])
	return KubernetesVersion{Major: 1, Minor: minor}, nil
}

func validMaxUnavailable(s string) bool {
	if p, ok := strings.CutSuffix(s, "%"); ok {
		n, err := strconv.Atoi(p)
		return err == nil && n >= 1 && n <= 100
	}
	n, err := strconv.Atoi(s)
	return err == nil && n >= 1
}

// ConfigError is a bad config value; Path names the key as written.
type ConfigError struct {
	Path, Problem string
}

func (e ConfigError) Error() string { return e.Path + ": " + e.Problem }

// DecodeConfig reads the function config; every problem names its key.
func DecodeConfig(obj *fn.KubeObject) (Config, []ConfigError) {
	cfg := DefaultConfig()
	switch {
	case obj == nil || obj.IsEmpty():
		return cfg, nil
	// Compare exactly: IsGVK lets an empty group match any group, so it took
	// an example.com/v1 ConfigMap, or an LBGuard without its group, for ours.
	case obj.GetAPIVersion() == "v1" && obj.GetKind() == "ConfigMap":
		return cfg, decodeFields(&cfg, obj, "data", true)
	case obj.GetAPIVersion() == ConfigGroup+"/"+configVersion && obj.GetKind() == configKind:
		return cfg, decodeFields(&cfg, obj, "spec", false)
	}
	return cfg, []ConfigError{{"kind", fmt.Sprintf("function config %s/%s is not supported: use %s (%s/%s) or a ConfigMap",
		obj.GetAPIVersion(), obj.GetKind(), configKind, ConfigGroup, configVersion)}}
}

// decodeFields applies every key under section. A ConfigMap carries only
// strings; the LBGuard kind carries each key in its own YAML type.
func decodeFields(cfg *Config, obj *fn.KubeObject, section string, allStrings bool) []ConfigError {
	root := obj.CopyToResourceNode()
	var errs []ConfigError
	for _, field := range mapFields(root.YNode()) {
		switch field.key {
		case "apiVersion", "kind", "metadata", section:
		default:
			errs = append(errs, ConfigError{field.name, fmt.Sprintf("unknown field: the keys go under %s", section)})
		}
	}
	node, err := root.Pipe(yaml.Lookup(section))
	if err != nil || yaml.IsMissingOrNull(node) { // "spec:" with every key commented out
		return errs
	}
	if node.YNode().Kind != yaml.MappingNode {
		return append(errs, ConfigError{section, "must be a map of the keys in the README"})
	}
	for _, field := range mapFields(node.YNode()) {
		path := section + "." + field.name
		key, known := lookupKey(field.key)
		if !known {
			errs = append(errs, ConfigError{path, "unknown key; known keys: " + knownKeys()})
			continue
		}
		text, err := fieldText(field.value, key, allStrings)
		if err == nil {
			err = key.set(cfg, text)
		}
		if err != nil {
			errs = append(errs, ConfigError{path, err.Error()})
		}
	}
	return errs
}

type mapField struct {
	key   string
	value *yaml.Node
	name  string // the key as messages show it
}

func mapFields(n *yaml.Node) []mapField {
	var fields []mapField
	for i := 0; i+1 < len(n.Content); i += 2 {
		key := n.Content[i]
		name := key.Value
		switch {
		case key.Kind != yaml.ScalarNode: // "? [a]: b"
			name = "(" + yamlnode.Describe(key) + " as a key)"
		case name == "":
			name = `""`
		}
		fields = append(fields, mapField{key.Value, n.Content[i+1], name})
	}
	return fields
}

// mapText is a map of the LBGuard form as the ConfigMap form writes it
// (k1=v1,k2=v2), after checking the type of each value.
func mapText(n *yaml.Node, key configKey) (string, error) {
	shape := mapShapes[key.name]
	if n.Kind != yaml.MappingNode {
		return "", fmt.Errorf("must be a map of %s", shape.of)
	}
	var parts []string
	for _, f := range mapFields(n) {
		if f.value.Kind != yaml.ScalarNode || f.value.Tag != shape.valueTag {
			if shape.valueTag == yaml.NodeTagInt {
				return "", fmt.Errorf("%s: must be a whole number of seconds", f.key)
			}
			return "", fmt.Errorf("%s: must be a string, not %s", f.key, yamlnode.Describe(f.value))
		}
		parts = append(parts, f.key+"="+f.value.Value)
	}
	return strings.Join(parts, ","), nil
}

// fieldText returns a value's text after checking its YAML type.
func fieldText(n *yaml.Node, key configKey, allStrings bool) (string, error) {
	shape := key.shape
	if allStrings {
		if n.Kind != yaml.ScalarNode {
			return "", fmt.Errorf("must be a string")
		}
		return n.Value, nil
	}
	if shape == "map" {
		return mapText(n, key)
	}
	if n.Kind != yaml.ScalarNode {
		return "", fmt.Errorf("must be a single value, not %s", yamlnode.Describe(n))
	}
	want := map[string]string{"int": "!!int", "bool": "!!bool"}[shape]
	switch {
	case want != "" && n.Tag != want:
		return "", fmt.Errorf("must be a YAML %s, not %q", map[string]string{"int": "integer", "bool": "boolean"}[shape], n.Value)
	case shape == "string" && n.Tag != "!!str" && n.Tag != "!!float" && n.Tag != "!!int":
		return "", fmt.Errorf("must be a string, not %q", n.Value)
	}
	return n.Value, nil
}

func lookupKey(name string) (configKey, bool) {
	for _, k := range configKeys {
		if k.name == name {
			return k, true
		}
	}
	return configKey{}, false
}

func knownKeys() string {
	names := make([]string, len(configKeys))
	for i, k := range configKeys {
		names[i] = k.name
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}
