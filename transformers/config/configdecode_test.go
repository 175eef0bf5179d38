package config

import (
	"reflect"
	"strings"
	"testing"

	"github.com/kptdev/krm-functions-sdk/go/fn"
)

const allConfigKeys = "deregistrationDelaySeconds, gatewayClasses, gateways, kubernetesVersion, maxUnavailable, mode, nlbPreStopSeconds, preStopSeconds, scope, shutdownSeconds, sidecarPreStop, targetGroupBindingDelays"

// lbguard and configMap wrap the lines of a spec or data section.
func lbguardConfig(spec string) string {
	return "apiVersion: lbguard.dev/v1alpha1\nkind: LBGuard\nmetadata:\n  name: lbguard\nspec:\n" + indentLines(spec)
}

func configMapConfig(data string) string {
	return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: lbguard\ndata:\n" + indentLines(data)
}

func indentLines(s string) string {
	var b strings.Builder
	for _, line := range strings.Split(strings.TrimSpace(s), "\n") {
		if line != "" {
			b.WriteString("  " + line + "\n")
		}
	}
	return b.String()
}

func configDefaultsWith(change func(*Config)) Config {
	c := DefaultConfig()
	if change != nil {
		change(&c)
	}
	return c
}

func configIntPtr(n int) *int { return &n }

func TestDecodeConfig(t *testing.T) {
	tests := []struct {
		name   string
		config string
		want   Config // checked when errs is empty
		errs   []ConfigError
	}{
		// Defaults.
		{name: "no config", config: "", want: configDefaultsWith(nil)},
		{name: "LBGuard without spec", config: "apiVersion: lbguard.dev/v1alpha1\nkind: LBGuard\nmetadata:\n  name: lbguard\n", want: configDefaultsWith(nil)},
		{name: "LBGuard with an empty spec", config: "apiVersion: lbguard.dev/v1alpha1\nkind: LBGuard\nmetadata:\n  name: lbguard\nspec: {}\n", want: configDefaultsWith(nil)},
		{name: "LBGuard with every key commented out", config: "apiVersion: lbguard.dev/v1alpha1\nkind: LBGuard\nmetadata:\n  name: lbguard\nspec:\n  # mode: audit\n", want: configDefaultsWith(nil)},
		{name: "ConfigMap without data", config: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: lbguard\n", want: configDefaultsWith(nil)},
		{name: "ConfigMap with empty data", config: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: lbguard\ndata: {}\n", want: configDefaultsWith(nil)},
		{name: "ConfigMap with a null data", config: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: lbguard\ndata:\n", want: configDefaultsWith(nil)},

		// Every key, valid, in the LBGuard form.
		{name: "LBGuard mode", config: lbguardConfig("mode: audit"), want: configDefaultsWith(func(c *Config) { c.Mode = ModeAudit })},
		{name: "LBGuard kubernetesVersion", config: lbguardConfig(`kubernetesVersion: "1.29"`), want: configDefaultsWith(func(c *Config) {
			c.KubernetesVersion = KubernetesVersion{Major: 1, Minor: 29}
		})},
		{name: "LBGuard kubernetesVersion with v and patch", config: lbguardConfig(`kubernetesVersion: v1.28.3`), want: configDefaultsWith(func(c *Config) {
			c.KubernetesVersion = KubernetesVersion{Major: 1, Minor: 28}
		})},
		{name: "LBGuard kubernetesVersion 1.30 as a YAML float is 1.30", config: lbguardConfig(`kubernetesVersion: 1.30`), want: configDefaultsWith(func(c *Config) {
			c.KubernetesVersion = KubernetesVersion{Major: 1, Minor: 30}
		})},
		{name: "LBGuard deregistrationDelaySeconds", config: lbguardConfig("deregistrationDelaySeconds: 60"), want: configDefaultsWith(func(c *Config) { c.DeregistrationDelaySeconds = 60 })},
		{name: "LBGuard deregistrationDelaySeconds 0", config: lbguardConfig("deregistrationDelaySeconds: 0"), want: configDefaultsWith(func(c *Config) { c.DeregistrationDelaySeconds = 0 })},
		{name: "LBGuard deregistrationDelaySeconds 3600", config: lbguardConfig("deregistrationDelaySeconds: 3600"), want: configDefaultsWith(func(c *Config) { c.DeregistrationDelaySeconds = 3600 })},
		{name: "LBGuard shutdownSeconds", config: lbguardConfig("shutdownSeconds: 5"), want: configDefaultsWith(func(c *Config) { c.ShutdownSeconds = 5 })},
		{name: "LBGuard preStopSeconds", config: lbguardConfig("preStopSeconds: 90"), want: configDefaultsWith(func(c *Config) { c.PreStopSeconds = configIntPtr(90) })},
		{name: "LBGuard nlbPreStopSeconds", config: lbguardConfig("nlbPreStopSeconds: 120"), want: configDefaultsWith(func(c *Config) { c.NLBPreStopSeconds = 120 })},
		{name: "LBGuard scope", config: lbguardConfig("scope: all"), want: configDefaultsWith(func(c *Config) { c.Scope = ScopeAll })},
		{name: "LBGuard maxUnavailable as a percentage", config: lbguardConfig(`maxUnavailable: "25%"`), want: configDefaultsWith(func(c *Config) { c.MaxUnavailable = "25%" })},
		{name: "LBGuard maxUnavailable as a YAML integer", config: lbguardConfig("maxUnavailable: 2"), want: configDefaultsWith(func(c *Config) { c.MaxUnavailable = "2" })},
		{name: "LBGuard maxUnavailable 100%", config: lbguardConfig(`maxUnavailable: 100%`), want: configDefaultsWith(func(c *Config) { c.MaxUnavailable = "100%" })},
		{name: "LBGuard sidecarPreStop", config: lbguardConfig("sidecarPreStop: true"), want: configDefaultsWith(func(c *Config) { c.SidecarPreStop = true })},
		{name: "LBGuard targetGroupBindingDelays", config: lbguardConfig("targetGroupBindingDelays:\n  black-tgb: 60\n  shop/white-tgb: 0"), want: configDefaultsWith(func(c *Config) {
			c.TargetGroupBindingDelays = map[string]int{"black-tgb": 60, "shop/white-tgb": 0}
		})},
		{name: "LBGuard every key at once", config: lbguardConfig(`
mode: audit
kubernetesVersion: "1.33"
deregistrationDelaySeconds: 10
shutdownSeconds: 0
preStopSeconds: 0
nlbPreStopSeconds: 200
scope: load-balanced
maxUnavailable: "1"
sidecarPreStop: false
targetGroupBindingDelays: {}`), want: configDefaultsWith(func(c *Config) {
			c.Mode = ModeAudit
			c.KubernetesVersion = KubernetesVersion{Major: 1, Minor: 33}
			c.DeregistrationDelaySeconds = 10
			c.ShutdownSeconds = 0
			c.PreStopSeconds = configIntPtr(0)
			c.NLBPreStopSeconds = 200
		})},

		// Every key, valid, in the ConfigMap form: all strings.
		{name: "ConfigMap every key", config: configMapConfig(`
mode: audit
kubernetesVersion: "1.30"
deregistrationDelaySeconds: "30"
shutdownSeconds: "25"
preStopSeconds: "60"
nlbPreStopSeconds: "190"
scope: all
maxUnavailable: 10%
sidecarPreStop: "true"
targetGroupBindingDelays: black-tgb=60, shop/white-tgb=15`), want: configDefaultsWith(func(c *Config) {
			c.Mode = ModeAudit
			c.KubernetesVersion = KubernetesVersion{Major: 1, Minor: 30}
			c.DeregistrationDelaySeconds = 30
			c.ShutdownSeconds = 25
			c.PreStopSeconds = configIntPtr(60)
			c.NLBPreStopSeconds = 190
			c.Scope = ScopeAll
			c.MaxUnavailable = "10%"
			c.SidecarPreStop = true
			c.TargetGroupBindingDelays = map[string]int{"black-tgb": 60, "shop/white-tgb": 15}
		})},
		{name: "ConfigMap deregistrationDelaySeconds \"30\" is fine", config: configMapConfig(`deregistrationDelaySeconds: "45"`), want: configDefaultsWith(func(c *Config) { c.DeregistrationDelaySeconds = 45 })},
		{name: "ConfigMap kubernetesVersion unquoted", config: configMapConfig(`kubernetesVersion: 1.30`), want: configDefaultsWith(func(c *Config) {
			c.KubernetesVersion = KubernetesVersion{Major: 1, Minor: 30}
		})},

		// Unknown keys and fields.
		{name: "LBGuard unknown key", config: lbguardConfig("deregistrationDelay: 30"), errs: []ConfigError{
			{"spec.deregistrationDelay", "unknown key; known keys: " + allConfigKeys},
		}},
		{name: "ConfigMap unknown key", config: configMapConfig(`prestopSeconds: "30"`), errs: []ConfigError{
			{"data.prestopSeconds", "unknown key; known keys: " + allConfigKeys},
		}},
		{name: "LBGuard top-level unknown field", config: "apiVersion: lbguard.dev/v1alpha1\nkind: LBGuard\nmetadata:\n  name: lbguard\ndata:\n  mode: audit\n", errs: []ConfigError{
			{"data", "unknown field: the keys go under spec"},
		}},
		{name: "LBGuard keys put at the top level", config: "apiVersion: lbguard.dev/v1alpha1\nkind: LBGuard\nmetadata:\n  name: lbguard\nmode: audit\nspec:\n  scope: all\n", errs: []ConfigError{
			{"mode", "unknown field: the keys go under spec"},
		}},
		{name: "LBGuard spec not a map", config: "apiVersion: lbguard.dev/v1alpha1\nkind: LBGuard\nmetadata:\n  name: lbguard\nspec: [mode]\n", errs: []ConfigError{
			{"spec", "must be a map of the keys in the README"},
		}},

		// Wrong YAML types.
		{name: "LBGuard deregistrationDelaySeconds as a string", config: lbguardConfig(`deregistrationDelaySeconds: "30"`), errs: []ConfigError{
			{"spec.deregistrationDelaySeconds", `must be a YAML integer, not "30"`},
		}},
		{name: "LBGuard sidecarPreStop: yes", config: lbguardConfig(`sidecarPreStop: yes`), errs: []ConfigError{
			{"spec.sidecarPreStop", `must be a YAML boolean, not "yes"`},
		}},
		{name: "ConfigMap sidecarPreStop: yes", config: configMapConfig(`sidecarPreStop: "yes"`), errs: []ConfigError{
			{"data.sidecarPreStop", `must be true or false, not "yes"`},
		}},
		{name: "ConfigMap sidecarPreStop: True", config: configMapConfig(`sidecarPreStop: "True"`), errs: []ConfigError{
			{"data.sidecarPreStop", `must be true or false, not "True"`},
		}},
		{name: "LBGuard mode as a list", config: lbguardConfig(`mode: [fix]`), errs: []ConfigError{
			{"spec.mode", "must be a single value, not a list"},
		}},
		{name: "LBGuard mode as a boolean", config: lbguardConfig(`mode: true`), errs: []ConfigError{
			{"spec.mode", `must be a string, not "true"`},
		}},
		{name: "LBGuard shutdownSeconds as a float", config: lbguardConfig(`shutdownSeconds: 2.5`), errs: []ConfigError{
			{"spec.shutdownSeconds", `must be a YAML integer, not "2.5"`},
		}},
		{name: "ConfigMap value as a map", config: configMapConfig("mode: {value: fix}"), errs: []ConfigError{
			{"data.mode", "must be a string"},
		}},
		{name: "LBGuard gateways and gatewayClasses", config: lbguardConfig("gateways:\n  infra/public: alb\n  edge: nlb\ngatewayClasses:\n  shared-alb: alb\n  istio: ignore"), want: configDefaultsWith(func(c *Config) {
			c.Gateways = map[string]GatewayType{"infra/public": GatewayTypeALB, "edge": GatewayTypeNLB}
			c.GatewayClasses = map[string]GatewayType{"shared-alb": GatewayTypeALB, "istio": GatewayTypeIgnore}
		})},
		{name: "ConfigMap gateways and gatewayClasses", config: configMapConfig("gateways: infra/public=alb\ngatewayClasses: shared-nlb=nlb"), want: configDefaultsWith(func(c *Config) {
			c.Gateways = map[string]GatewayType{"infra/public": GatewayTypeALB}
			c.GatewayClasses = map[string]GatewayType{"shared-nlb": GatewayTypeNLB}
		})},
		{name: "LBGuard gateways with an unknown type", config: lbguardConfig("gateways:\n  infra/public: elb"), errs: []ConfigError{
			{"spec.gateways", `infra/public: must be alb, nlb or ignore, not "elb"`},
		}},
		{name: "LBGuard gateways as a string", config: lbguardConfig(`gateways: "infra/public=alb"`), errs: []ConfigError{
			{"spec.gateways", "must be a map of Gateway names to alb, nlb or ignore"},
		}},
		{name: "LBGuard gatewayClasses with a list value", config: lbguardConfig("gatewayClasses:\n  shared-alb: [alb]"), errs: []ConfigError{
			{"spec.gatewayClasses", "shared-alb: must be a string, not a list"},
		}},
		{name: "ConfigMap gatewayClasses not a map", config: configMapConfig(`gatewayClasses: shared-alb`), errs: []ConfigError{
			{"data.gatewayClasses", `must map GatewayClass names to alb, nlb or ignore (public=alb,infra/internal=nlb): entry "shared-alb" is not of the form key=value`},
		}},
		{name: "LBGuard targetGroupBindingDelays as a string", config: lbguardConfig(`targetGroupBindingDelays: "black-tgb=60"`), errs: []ConfigError{
			{"spec.targetGroupBindingDelays", "must be a map of TargetGroupBinding names to seconds"},
		}},
		{name: "LBGuard targetGroupBindingDelays with a string value", config: lbguardConfig("targetGroupBindingDelays:\n  black-tgb: \"60\""), errs: []ConfigError{
			{"spec.targetGroupBindingDelays", "black-tgb: must be a whole number of seconds"},
		}},

		// Out of range.
		{name: "LBGuard deregistrationDelaySeconds 3601", config: lbguardConfig("deregistrationDelaySeconds: 3601"), errs: []ConfigError{
			{"spec.deregistrationDelaySeconds", `must be a whole number of seconds from 0 to 3600, not "3601"`},
		}},
		{name: "LBGuard deregistrationDelaySeconds -1", config: lbguardConfig("deregistrationDelaySeconds: -1"), errs: []ConfigError{
			{"spec.deregistrationDelaySeconds", `must be a whole number of seconds from 0 to 3600, not "-1"`},
		}},
		{name: "ConfigMap shutdownSeconds -1", config: configMapConfig(`shutdownSeconds: "-1"`), errs: []ConfigError{
			{"data.shutdownSeconds", `must be a whole number of seconds from 0 to 3600, not "-1"`},
		}},
		{name: "ConfigMap preStopSeconds not a number", config: configMapConfig(`preStopSeconds: 30s`), errs: []ConfigError{
			{"data.preStopSeconds", `must be a whole number of seconds from 0 to 3600, not "30s"`},
		}},
		{name: "ConfigMap targetGroupBindingDelays out of range", config: configMapConfig(`targetGroupBindingDelays: shop/black-tgb=3601`), errs: []ConfigError{
			{"data.targetGroupBindingDelays", `shop/black-tgb: must be a whole number of seconds from 0 to 3600, not "3601"`},
		}},
		{name: "ConfigMap targetGroupBindingDelays not a map", config: configMapConfig(`targetGroupBindingDelays: black-tgb`), errs: []ConfigError{
			{"data.targetGroupBindingDelays", `must map TargetGroupBinding names to seconds (name=30,ns/other=60): entry "black-tgb" is not of the form key=value`},
		}},

		// Bad values.
		{name: "bad mode", config: lbguardConfig("mode: repair"), errs: []ConfigError{
			{"spec.mode", `must be fix or audit, not "repair"`},
		}},
		{name: "bad scope", config: configMapConfig("scope: everything"), errs: []ConfigError{
			{"data.scope", `must be load-balanced or all, not "everything"`},
		}},
		{name: "kubernetesVersion 1.x", config: lbguardConfig(`kubernetesVersion: "1.x"`), errs: []ConfigError{
			{"spec.kubernetesVersion", `must be a Kubernetes version such as "1.31", not "1.x"`},
		}},
		{name: "kubernetesVersion 2.0", config: lbguardConfig(`kubernetesVersion: "2.0"`), errs: []ConfigError{
			{"spec.kubernetesVersion", `must be a Kubernetes version such as "1.31", not "2.0"`},
		}},
		{name: "kubernetesVersion 1", config: configMapConfig(`kubernetesVersion: "1"`), errs: []ConfigError{
			{"data.kubernetesVersion", `must be a Kubernetes version such as "1.31", not "1"`},
		}},
		{name: "maxUnavailable 0", config: lbguardConfig("maxUnavailable: 0"), errs: []ConfigError{
			{"spec.maxUnavailable", `must be a whole number of pods from 1, or a percentage from 1% to 100%, not "0" (0 would block every drain)`},
		}},
		{name: "maxUnavailable 0%", config: lbguardConfig(`maxUnavailable: "0%"`), errs: []ConfigError{
			{"spec.maxUnavailable", `must be a whole number of pods from 1, or a percentage from 1% to 100%, not "0%" (0 would block every drain)`},
		}},
		{name: "maxUnavailable 101%", config: configMapConfig(`maxUnavailable: "101%"`), errs: []ConfigError{
			{"data.maxUnavailable", `must be a whole number of pods from 1, or a percentage from 1% to 100%, not "101%" (0 would block every drain)`},
		}},
		{name: "every problem is reported, in order", config: lbguardConfig(`
mode: repair
deregistrationDelaySeconds: "30"
colour: blue
scope: all`), errs: []ConfigError{
			{"spec.mode", `must be fix or audit, not "repair"`},
			{"spec.deregistrationDelaySeconds", `must be a YAML integer, not "30"`},
			{"spec.colour", "unknown key; known keys: " + allConfigKeys},
		}},

		// Kinds.
		{name: "unsupported config kind", config: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: lbguard\n", errs: []ConfigError{
			{"kind", "function config apps/v1/Deployment is not supported: use LBGuard (lbguard.dev/v1alpha1) or a ConfigMap"},
		}},
		{name: "LBGuard of another version", config: "apiVersion: lbguard.dev/v1beta1\nkind: LBGuard\nmetadata:\n  name: lbguard\nspec:\n  mode: audit\n", errs: []ConfigError{
			{"kind", "function config lbguard.dev/v1beta1/LBGuard is not supported: use LBGuard (lbguard.dev/v1alpha1) or a ConfigMap"},
		}},
		{name: "LBGuard without its group", config: "apiVersion: v1alpha1\nkind: LBGuard\nmetadata:\n  name: lbguard\nspec:\n  mode: audit\n", errs: []ConfigError{
			{"kind", "function config v1alpha1/LBGuard is not supported: use LBGuard (lbguard.dev/v1alpha1) or a ConfigMap"},
		}},
		{name: "a ConfigMap of another group", config: "apiVersion: example.com/v1\nkind: ConfigMap\nmetadata:\n  name: lbguard\ndata:\n  mode: audit\n", errs: []ConfigError{
			{"kind", "function config example.com/v1/ConfigMap is not supported: use LBGuard (lbguard.dev/v1alpha1) or a ConfigMap"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			obj := fn.NewEmptyKubeObject()
			if tt.config != "" {
				var err error
				obj, err = fn.ParseKubeObject([]byte(tt.config))
				if err != nil {
					t.Fatalf("cannot parse the test config: %v", err)
				}
			}
			got, errs := DecodeConfig(obj)
			if !reflect.DeepEqual(errs, tt.errs) && !(len(errs) == 0 && len(tt.errs) == 0) {
				t.Fatalf("errors:\n got  %q\n want %q", errs, tt.errs)
			}
			if len(tt.errs) == 0 && !reflect.DeepEqual(got, tt.want) {
				t.Errorf("config:\n got  %+v\n want %+v", got, tt.want)
			}
		})
	}
}

func TestConfigErrorMessage(t *testing.T) {
	e := ConfigError{"spec.mode", `must be fix or audit, not "repair"`}
	if got, want := e.Error(), `spec.mode: must be fix or audit, not "repair"`; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}
