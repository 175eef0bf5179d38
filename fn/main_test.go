package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestRunCommands(t *testing.T) {
	const list = "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- apiVersion: v1\n  kind: Service\n  metadata:\n    name: web\n"
	tests := []struct {
		args           []string
		stdin          string
		code           int
		stdout, stderr string // prefixes
	}{
		{nil, list, 0, "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- apiVersion: v1\n  kind: Service\n", "lbguard: 0 changed, 0 warnings, 0 errors, 0 notes\n"},
		{nil, "kind: List\n", 1, "", "lbguard: stdin is of kind \"List\""},
		{[]string{"help"}, "", 0, "lbguard: keeps workloads behind AWS load balancers", ""},
		{[]string{"audit", "-"}, "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n", 0, "lbguard audit: 0 errors, 0 warnings in 0 workloads (1 resource, stdin read); exit status 0\n", ""},
		{[]string{"fix"}, "", 2, "", "lbguard fix: no PATH given"},
		{[]string{"helm-post-render"}, "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n", 0, "apiVersion: v1\nkind: Service\n", "lbguard fix: 0 changes, 0 errors, 0 warnings in 0 workloads (1 resource, stdin read); exit status 0\n"},
		{[]string{"version"}, "", 0, "lbguard " + version + "\n", ""},
		{[]string{"--help"}, "", 0, "lbguard: keeps workloads behind AWS load balancers", ""},
		{[]string{"explain", "--help"}, "", 0, "Usage: lbguard explain", ""},
		{[]string{"explain"}, "", 2, "", "lbguard explain: no PATH given"},
		{[]string{"frobnicate"}, "", 2, "", "lbguard: unknown command \"frobnicate\"\n"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(tt.args, strings.NewReader(tt.stdin), &stdout, &stderr)
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
