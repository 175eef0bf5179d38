package main

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/transformers"
)

const allConfigKeys = "deregistrationDelaySeconds, kubernetesVersion, maxUnavailable, mode, nlbPreStopSeconds, preStopSeconds, scope, shutdownSeconds, sidecarPreStop, targetGroupBindingDelays"

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

func configDefaultsWith(change func(*transformers.Config)) transformers.Config {
	c := transformers.DefaultConfig()
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
		want   transformers.Config // checked when errs is empty
		errs   []configError
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
		{name: "LBGuard mode", config: lbguardConfig("mode: audit"), want: configDefaultsWith(func(c *transformers.Config) { c.Mode = transformers.ModeAudit })},
		{name: "LBGuard kubernetesVersion", config: lbguardConfig(`kubernetesVersion: "1.29"`), want: configDefaultsWith(func(c *transformers.Config) {
			c.KubernetesVersion = transformers.KubernetesVersion{Major: 1, Minor: 29}
		})},
		{name: "LBGuard kubernetesVersion with v and patch", config: lbguardConfig(`kubernetesVersion: v1.28.3`), want: configDefaultsWith(func(c *transformers.Config) {
			c.KubernetesVersion = transformers.KubernetesVersion{Major: 1, Minor: 28}
		})},
		{name: "LBGuard kubernetesVersion 1.30 as a YAML float is 1.30", config: lbguardConfig(`kubernetesVersion: 1.30`), want: configDefaultsWith(func(c *transformers.Config) {
			c.KubernetesVersion = transformers.KubernetesVersion{Major: 1, Minor: 30}
		})},
		{name: "LBGuard deregistrationDelaySeconds", config: lbguardConfig("deregistrationDelaySeconds: 60"), want: configDefaultsWith(func(c *transformers.Config) { c.DeregistrationDelaySeconds = 60 })},
		{name: "LBGuard deregistrationDelaySeconds 0", config: lbguardConfig("deregistrationDelaySeconds: 0"), want: configDefaultsWith(func(c *transformers.Config) { c.DeregistrationDelaySeconds = 0 })},
		{name: "LBGuard deregistrationDelaySeconds 3600", config: lbguardConfig("deregistrationDelaySeconds: 3600"), want: configDefaultsWith(func(c *transformers.Config) { c.DeregistrationDelaySeconds = 3600 })},
		{name: "LBGuard shutdownSeconds", config: lbguardConfig("shutdownSeconds: 5"), want: configDefaultsWith(func(c *transformers.Config) { c.ShutdownSeconds = 5 })},
		{name: "LBGuard preStopSeconds", config: lbguardConfig("preStopSeconds: 90"), want: configDefaultsWith(func(c *transformers.Config) { c.PreStopSeconds = configIntPtr(90) })},
		{name: "LBGuard nlbPreStopSeconds", config: lbguardConfig("nlbPreStopSeconds: 120"), want: configDefaultsWith(func(c *transformers.Config) { c.NLBPreStopSeconds = 120 })},
		{name: "LBGuard scope", config: lbguardConfig("scope: all"), want: configDefaultsWith(func(c *transformers.Config) { c.Scope = transformers.ScopeAll })},
		{name: "LBGuard maxUnavailable as a percentage", config: lbguardConfig(`maxUnavailable: "25%"`), want: configDefaultsWith(func(c *transformers.Config) { c.MaxUnavailable = "25%" })},
		{name: "LBGuard maxUnavailable as a YAML integer", config: lbguardConfig("maxUnavailable: 2"), want: configDefaultsWith(func(c *transformers.Config) { c.MaxUnavailable = "2" })},
		{name: "LBGuard maxUnavailable 100%", config: lbguardConfig(`maxUnavailable: 100%`), want: configDefaultsWith(func(c *transformers.Config) { c.MaxUnavailable = "100%" })},
		{name: "LBGuard sidecarPreStop", config: lbguardConfig("sidecarPreStop: true"), want: configDefaultsWith(func(c *transformers.Config) { c.SidecarPreStop = true })},
		{name: "LBGuard targetGroupBindingDelays", config: lbguardConfig("targetGroupBindingDelays:\n  black-tgb: 60\n  shop/white-tgb: 0"), want: configDefaultsWith(func(c *transformers.Config) {
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
targetGroupBindingDelays: {}`), want: configDefaultsWith(func(c *transformers.Config) {
			c.Mode = transformers.ModeAudit
			c.KubernetesVersion = transformers.KubernetesVersion{Major: 1, Minor: 33}
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
targetGroupBindingDelays: black-tgb=60, shop/white-tgb=15`), want: configDefaultsWith(func(c *transformers.Config) {
			c.Mode = transformers.ModeAudit
			c.KubernetesVersion = transformers.KubernetesVersion{Major: 1, Minor: 30}
			c.DeregistrationDelaySeconds = 30
			c.ShutdownSeconds = 25
			c.PreStopSeconds = configIntPtr(60)
			c.NLBPreStopSeconds = 190
			c.Scope = transformers.ScopeAll
			c.MaxUnavailable = "10%"
			c.SidecarPreStop = true
			c.TargetGroupBindingDelays = map[string]int{"black-tgb": 60, "shop/white-tgb": 15}
		})},
		{name: "ConfigMap deregistrationDelaySeconds \"30\" is fine", config: configMapConfig(`deregistrationDelaySeconds: "45"`), want: configDefaultsWith(func(c *transformers.Config) { c.DeregistrationDelaySeconds = 45 })},
		{name: "ConfigMap kubernetesVersion unquoted", config: configMapConfig(`kubernetesVersion: 1.30`), want: configDefaultsWith(func(c *transformers.Config) {
			c.KubernetesVersion = transformers.KubernetesVersion{Major: 1, Minor: 30}
		})},

		// Unknown keys and fields.
		{name: "LBGuard unknown key", config: lbguardConfig("deregistrationDelay: 30"), errs: []configError{
			{"spec.deregistrationDelay", "unknown key; known keys: " + allConfigKeys},
		}},
		{name: "ConfigMap unknown key", config: configMapConfig(`prestopSeconds: "30"`), errs: []configError{
			{"data.prestopSeconds", "unknown key; known keys: " + allConfigKeys},
		}},
		{name: "LBGuard top-level unknown field", config: "apiVersion: lbguard.dev/v1alpha1\nkind: LBGuard\nmetadata:\n  name: lbguard\ndata:\n  mode: audit\n", errs: []configError{
			{"data", "unknown field: the keys go under spec"},
		}},
		{name: "LBGuard keys put at the top level", config: "apiVersion: lbguard.dev/v1alpha1\nkind: LBGuard\nmetadata:\n  name: lbguard\nmode: audit\nspec:\n  scope: all\n", errs: []configError{
			{"mode", "unknown field: the keys go under spec"},
		}},
		{name: "LBGuard spec not a map", config: "apiVersion: lbguard.dev/v1alpha1\nkind: LBGuard\nmetadata:\n  name: lbguard\nspec: [mode]\n", errs: []configError{
			{"spec", "must be a map of the keys in the README"},
		}},

		// Wrong YAML types.
		{name: "LBGuard deregistrationDelaySeconds as a string", config: lbguardConfig(`deregistrationDelaySeconds: "30"`), errs: []configError{
			{"spec.deregistrationDelaySeconds", `must be a YAML integer, not "30"`},
		}},
		{name: "LBGuard sidecarPreStop: yes", config: lbguardConfig(`sidecarPreStop: yes`), errs: []configError{
			{"spec.sidecarPreStop", `must be a YAML boolean, not "yes"`},
		}},
		{name: "ConfigMap sidecarPreStop: yes", config: configMapConfig(`sidecarPreStop: "yes"`), errs: []configError{
			{"data.sidecarPreStop", `must be true or false, not "yes"`},
		}},
		{name: "ConfigMap sidecarPreStop: True", config: configMapConfig(`sidecarPreStop: "True"`), errs: []configError{
			{"data.sidecarPreStop", `must be true or false, not "True"`},
		}},
		{name: "LBGuard mode as a list", config: lbguardConfig(`mode: [fix]`), errs: []configError{
			{"spec.mode", "must be a single value, not a list"},
		}},
		{name: "LBGuard mode as a boolean", config: lbguardConfig(`mode: true`), errs: []configError{
			{"spec.mode", `must be a string, not "true"`},
		}},
		{name: "LBGuard shutdownSeconds as a float", config: lbguardConfig(`shutdownSeconds: 2.5`), errs: []configError{
			{"spec.shutdownSeconds", `must be a YAML integer, not "2.5"`},
		}},
		{name: "ConfigMap value as a map", config: configMapConfig("mode: {value: fix}"), errs: []configError{
			{"data.mode", "must be a string"},
		}},
		{name: "LBGuard targetGroupBindingDelays as a string", config: lbguardConfig(`targetGroupBindingDelays: "black-tgb=60"`), errs: []configError{
			{"spec.targetGroupBindingDelays", "must be a map of TargetGroupBinding names to seconds"},
		}},
		{name: "LBGuard targetGroupBindingDelays with a string value", config: lbguardConfig("targetGroupBindingDelays:\n  black-tgb: \"60\""), errs: []configError{
			{"spec.targetGroupBindingDelays", "black-tgb: must be a whole number of seconds"},
		}},

		// Out of range.
		{name: "LBGuard deregistrationDelaySeconds 3601", config: lbguardConfig("deregistrationDelaySeconds: 3601"), errs: []configError{
			{"spec.deregistrationDelaySeconds", `must be a whole number of seconds from 0 to 3600, not "3601"`},
		}},
		{name: "LBGuard deregistrationDelaySeconds -1", config: lbguardConfig("deregistrationDelaySeconds: -1"), errs: []configError{
			{"spec.deregistrationDelaySeconds", `must be a whole number of seconds from 0 to 3600, not "-1"`},
		}},
		{name: "ConfigMap shutdownSeconds -1", config: configMapConfig(`shutdownSeconds: "-1"`), errs: []configError{
			{"data.shutdownSeconds", `must be a whole number of seconds from 0 to 3600, not "-1"`},
		}},
		{name: "ConfigMap preStopSeconds not a number", config: configMapConfig(`preStopSeconds: 30s`), errs: []configError{
			{"data.preStopSeconds", `must be a whole number of seconds from 0 to 3600, not "30s"`},
		}},
		{name: "ConfigMap targetGroupBindingDelays out of range", config: configMapConfig(`targetGroupBindingDelays: shop/black-tgb=3601`), errs: []configError{
			{"data.targetGroupBindingDelays", `shop/black-tgb: must be a whole number of seconds from 0 to 3600, not "3601"`},
		}},
		{name: "ConfigMap targetGroupBindingDelays not a map", config: configMapConfig(`targetGroupBindingDelays: black-tgb`), errs: []configError{
			{"data.targetGroupBindingDelays", `must map TargetGroupBinding names to seconds (name=30,ns/other=60): entry "black-tgb" is not of the form key=value`},
		}},

		// Bad values.
		{name: "bad mode", config: lbguardConfig("mode: repair"), errs: []configError{
			{"spec.mode", `must be fix or audit, not "repair"`},
		}},
		{name: "bad scope", config: configMapConfig("scope: everything"), errs: []configError{
			{"data.scope", `must be load-balanced or all, not "everything"`},
		}},
		{name: "kubernetesVersion 1.x", config: lbguardConfig(`kubernetesVersion: "1.x"`), errs: []configError{
			{"spec.kubernetesVersion", `must be a Kubernetes version such as "1.31", not "1.x"`},
		}},
		{name: "kubernetesVersion 2.0", config: lbguardConfig(`kubernetesVersion: "2.0"`), errs: []configError{
			{"spec.kubernetesVersion", `must be a Kubernetes version such as "1.31", not "2.0"`},
		}},
		{name: "kubernetesVersion 1", config: configMapConfig(`kubernetesVersion: "1"`), errs: []configError{
			{"data.kubernetesVersion", `must be a Kubernetes version such as "1.31", not "1"`},
		}},
		{name: "maxUnavailable 0", config: lbguardConfig("maxUnavailable: 0"), errs: []configError{
			{"spec.maxUnavailable", `must be a whole number of pods from 1, or a percentage from 1% to 100%, not "0" (0 would block every drain)`},
		}},
		{name: "maxUnavailable 0%", config: lbguardConfig(`maxUnavailable: "0%"`), errs: []configError{
			{"spec.maxUnavailable", `must be a whole number of pods from 1, or a percentage from 1% to 100%, not "0%" (0 would block every drain)`},
		}},
		{name: "maxUnavailable 101%", config: configMapConfig(`maxUnavailable: "101%"`), errs: []configError{
			{"data.maxUnavailable", `must be a whole number of pods from 1, or a percentage from 1% to 100%, not "101%" (0 would block every drain)`},
		}},
		{name: "every problem is reported, in order", config: lbguardConfig(`
mode: repair
deregistrationDelaySeconds: "30"
colour: blue
scope: all`), errs: []configError{
			{"spec.mode", `must be fix or audit, not "repair"`},
			{"spec.deregistrationDelaySeconds", `must be a YAML integer, not "30"`},
			{"spec.colour", "unknown key; known keys: " + allConfigKeys},
		}},

		// Kinds.
		{name: "unsupported config kind", config: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: lbguard\n", errs: []configError{
			{"kind", "function config apps/v1/Deployment is not supported: use LBGuard (lbguard.dev/v1alpha1) or a ConfigMap"},
		}},
		{name: "LBGuard of another version", config: "apiVersion: lbguard.dev/v1beta1\nkind: LBGuard\nmetadata:\n  name: lbguard\nspec:\n  mode: audit\n", errs: []configError{
			{"kind", "function config lbguard.dev/v1beta1/LBGuard is not supported: use LBGuard (lbguard.dev/v1alpha1) or a ConfigMap"},
		}},
		{name: "LBGuard without its group", config: "apiVersion: v1alpha1\nkind: LBGuard\nmetadata:\n  name: lbguard\nspec:\n  mode: audit\n", errs: []configError{
			{"kind", "function config v1alpha1/LBGuard is not supported: use LBGuard (lbguard.dev/v1alpha1) or a ConfigMap"},
		}},
		{name: "a ConfigMap of another group", config: "apiVersion: example.com/v1\nkind: ConfigMap\nmetadata:\n  name: lbguard\ndata:\n  mode: audit\n", errs: []configError{
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
			got, errs := decodeConfig(obj)
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
	e := configError{"spec.mode", `must be fix or audit, not "repair"`}
	if got, want := e.Error(), `spec.mode: must be fix or audit, not "repair"`; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

const runTestDeployment = `
- apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: web
    namespace: shop
  spec:
    template:
      metadata:
        labels: {app: web}
      spec:
        containers: [{name: web, image: web}]
`

func TestRunBadConfig(t *testing.T) {
	in := "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:" + runTestDeployment +
		"functionConfig:\n  apiVersion: lbguard.dev/v1alpha1\n  kind: LBGuard\n  metadata:\n    name: lbguard\n  spec:\n    mode: repair\n"
	var stdout, stderr bytes.Buffer
	if code := run(nil, strings.NewReader(in), &stdout, &stderr); code != 1 {
		t.Errorf("exit status %d, want 1", code)
	}
	rl, err := fn.ParseResourceList(stdout.Bytes())
	if err != nil {
		t.Fatalf("stdout is not a ResourceList: %v\n%s", err, stdout.String())
	}
	if len(rl.Items) != 1 || rl.Items[0].GetName() != "web" {
		t.Errorf("items = %d, want the one Deployment, unchanged", len(rl.Items))
	}
	if len(rl.Results) != 1 {
		t.Fatalf("results = %d, want 1:\n%s", len(rl.Results), stdout.String())
	}
	res := rl.Results[0]
	if res.Severity != fn.Error || res.Message != `lbguard config: spec.mode: must be fix or audit, not "repair"` ||
		res.Field == nil || res.Field.Path != "spec.mode" {
		t.Errorf("result = %s %q field %+v, want an error on spec.mode", res.Severity, res.Message, res.Field)
	}
	if res.ResourceRef == nil || res.ResourceRef.Kind != "LBGuard" || res.ResourceRef.Name != "lbguard" {
		t.Errorf("result resourceRef = %+v, want the LBGuard config", res.ResourceRef)
	}
	if want := "lbguard: error: lbguard config: spec.mode: must be fix or audit, not \"repair\"\n"; !strings.Contains(stderr.String(), want) {
		t.Errorf("stderr = %q, want it to contain %q", stderr.String(), want)
	}
	before, err := fn.ParseResourceList([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := rl.Items[0].String(), before.Items[0].String(); got != want {
		t.Errorf("the Deployment changed despite the bad config:\n%s\nwas\n%s", got, want)
	}
}

func TestRunInputNotYAML(t *testing.T) {
	for _, in := range []string{
		"this: is: not: yaml: [",
		"\x00\x01binary",
		"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: not-a-resource-list\n",
	} {
		var stdout, stderr bytes.Buffer
		if code := run(nil, strings.NewReader(in), &stdout, &stderr); code != 1 {
			t.Errorf("%q: exit status %d, want 1", in, code)
		}
		if stdout.Len() != 0 {
			t.Errorf("%q: stdout = %q, want it empty", in, stdout.String())
		}
		if msg := stderr.String(); !strings.HasPrefix(msg, "lbguard: stdin ") || !strings.HasSuffix(msg, "\n") || strings.Count(msg, "\n") != 1 {
			t.Errorf("%q: stderr = %q, want one line saying what is wrong with stdin", in, msg)
		}
	}
}

func TestRunEmptyResourceList(t *testing.T) {
	var stdout, stderr bytes.Buffer
	in := "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\n"
	if code := run(nil, strings.NewReader(in), &stdout, &stderr); code != 0 {
		t.Errorf("exit status %d, want 0; stderr %q", code, stderr.String())
	}
	if _, err := fn.ParseResourceList(stdout.Bytes()); err != nil {
		t.Errorf("stdout is not a ResourceList: %v\n%s", err, stdout.String())
	}
	if want := "lbguard: 0 changed, 0 warnings, 0 errors, 0 notes\n"; stderr.String() != want {
		t.Errorf("stderr = %q, want %q", stderr.String(), want)
	}
}

func TestRunCommands(t *testing.T) {
	tests := []struct {
		args           []string
		code           int
		stdout, stderr string // prefixes
	}{
		{[]string{"version"}, 0, "lbguard " + version + "\n", ""},
		{[]string{"--help"}, 0, "lbguard: keeps workloads behind AWS load balancers", ""},
		{[]string{"frobnicate"}, 2, "", "lbguard: unknown command \"frobnicate\"\n"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(tt.args, strings.NewReader(""), &stdout, &stderr)
			if code != tt.code {
				t.Errorf("exit status %d, want %d", code, tt.code)
			}
			if !strings.HasPrefix(stdout.String(), tt.stdout) || (tt.stdout == "" && stdout.Len() != 0) {
				t.Errorf("stdout = %q, want it to start with %q", stdout.String(), tt.stdout)
			}
			if !strings.HasPrefix(stderr.String(), tt.stderr) || (tt.stderr == "" && stderr.Len() != 0) {
				t.Errorf("stderr = %q, want it to start with %q", stderr.String(), tt.stderr)
			}
		})
	}
}
