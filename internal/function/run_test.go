package function

import (
	"bytes"
	"strings"
	"testing"

	"github.com/kptdev/krm-functions-sdk/go/fn"
)

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
	if code := Run(strings.NewReader(in), &stdout, &stderr, Process); code != 1 {
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
		if code := Run(strings.NewReader(in), &stdout, &stderr, Process); code != 1 {
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
	if code := Run(strings.NewReader(in), &stdout, &stderr, Process); code != 0 {
		t.Errorf("exit status %d, want 0; stderr %q", code, stderr.String())
	}
	if _, err := fn.ParseResourceList(stdout.Bytes()); err != nil {
		t.Errorf("stdout is not a ResourceList: %v\n%s", err, stdout.String())
	}
	if want := "lbguard: 0 changed, 0 warnings, 0 errors, 0 notes\n"; stderr.String() != want {
		t.Errorf("stderr = %q, want %q", stderr.String(), want)
	}
}
