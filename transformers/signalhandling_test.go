package transformers

import (
	"github.com/lbguard/lbguard/transformers/config"
	"github.com/lbguard/lbguard/transformers/rules"
	"strings"
	"testing"
)

// withContainers is a Deployment behind an NLB whose containers are given
// as YAML list entries (indented for spec.template.spec.containers).
func withContainers(containers string) string {
	return behindNLB(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
` + containers)
}

func shellWrapperWarning(field, script, shell, advice string) string {
	return "warning Deployment/web spec.template.spec.containers[0]." + field + "=" + script +
		`: Deployment web container "app": the app runs under ` + "`" + shell + " -c`" +
		" without exec, so the shell stays PID 1, ignores SIGTERM and does not pass it on: the app never hears of the shutdown and is killed when the grace period ends, in the middle of its requests. In the script, " + advice
}

func TestSignalHandling(t *testing.T) {
	app := func(lines string) string {
		return "      - name: app\n        image: web:1\n        ports:\n        - containerPort: 8080\n" + lines
	}
	tests := []struct {
		name       string
		containers string
		want       []string
	}{
		{
			name:       "sh -c without exec",
			containers: app(`        command: ["sh", "-c", "./migrate && node server.js"]` + "\n"),
			want:       []string{shellWrapperWarning("command", "./migrate && node server.js", "sh", "start the app with exec: `exec node server.js`")},
		},
		{
			name:       "sh -c with exec",
			containers: app(`        command: ["sh", "-c", "./migrate && exec node server.js"]` + "\n"),
		},
		{
			name:       "a script that only execs the app",
			containers: app(`        command: ["/bin/sh", "-c", "exec node server.js --port 8080"]` + "\n"),
		},
		{
			name:       `a script that ends with exec "$@"`,
			containers: app("        command:\n        - /bin/sh\n        - -c\n        - |\n          set -e\n          ./migrate\n          exec \"$@\"\n        - --\n        args: [node, server.js]\n"),
		},
		{
			name:       "bash -c in args under command /bin/bash",
			containers: app(`        command: ["/bin/bash"]` + "\n" + `        args: ["-c", "source /env.sh; java -jar app.jar"]` + "\n"),
			want:       []string{shellWrapperWarning("args", "source /env.sh; java -jar app.jar", "bash", "start the app with exec: `exec java -jar app.jar`")},
		},
		{
			name:       "args that start a shell under the image's entrypoint",
			containers: app(`        args: ["sh", "-c", "node server.js"]` + "\n"),
			want:       []string{shellWrapperWarning("args", "node server.js", "sh", "start the app with exec: `exec node server.js`")},
		},
		{
			name:       "/usr/bin/env sh, combined flags",
			containers: app(`        command: ["/usr/bin/env", "sh", "-ec", "node server.js"]` + "\n"),
			want:       []string{shellWrapperWarning("command", "node server.js", "sh", "start the app with exec: `exec node server.js`")},
		},
		{
			name:       "bash -o pipefail -xc",
			containers: app(`        command: ["bash", "-o", "pipefail", "-xc", "node server.js"]` + "\n"),
			want:       []string{shellWrapperWarning("command", "node server.js", "bash", "start the app with exec: `exec node server.js`")},
		},
		{
			name:       "a pipeline cannot exec",
			containers: app(`        command: ["sh", "-c", "exec node server.js 2>&1 | tee /log/app"]` + "\n"),
			want:       []string{shellWrapperWarning("command", "exec node server.js 2>&1 | tee /log/app", "sh", "end the script with exec and the app's command, outside any pipeline or branch")},
		},
		{
			name:       "a background app and wait",
			containers: app(`        command: ["sh", "-c", "node server.js & wait"]` + "\n"),
			want:       []string{shellWrapperWarning("command", "node server.js & wait", "sh", "end the script with exec and the app's command, outside any pipeline or branch")},
		},
		{
			name:       "exec that only redirects",
			containers: app(`        command: ["sh", "-c", "exec >/log/app 2>&1\nnode server.js # the app"]` + "\n"),
			want:       []string{shellWrapperWarning("command", "exec >/log/app 2>&1\nnode server.js # the app", "sh", "start the app with exec: `exec node server.js`")},
		},
		{
			name:       "exec after a redirection of both streams",
			containers: app(`        command: ["sh", "-c", "cd /app; exec node server.js &>/dev/stdout"]` + "\n"),
		},
		{
			name:       "a script that passes SIGTERM on with a trap",
			containers: app(`        command: ["sh", "-c", "trap 'kill -TERM $pid' TERM; node server.js & pid=$!; wait $pid"]` + "\n"),
		},
		{
			name:       "exec in each branch",
			containers: app(`        command: ["sh", "-c", "if [ -f /cfg ]; then exec app --cfg /cfg; else exec app; fi"]` + "\n"),
		},
		{
			name:       "a branch without exec",
			containers: app(`        command: ["sh", "-c", "if [ -f /cfg ]; then app --cfg /cfg; fi"]` + "\n"),
			want:       []string{shellWrapperWarning("command", "if [ -f /cfg ]; then app --cfg /cfg; fi", "sh", "end the script with exec and the app's command, outside any pipeline or branch")},
		},
		{
			name:       "a quoted separator is not one",
			containers: app(`        command: ["sh", "-c", "exec node -e 'a(); b()'"]` + "\n"),
		},
		{
			name:       "plain command",
			containers: app(`        command: ["node", "server.js"]` + "\n"),
		},
		{
			name:       "a script file",
			containers: app(`        command: ["sh", "/start.sh"]` + "\n"),
		},
		{
			name:       "tini",
			containers: app(`        command: ["/sbin/tini", "--", "sh", "-c", "node server.js"]` + "\n"),
		},
		{
			name:       "dumb-init",
			containers: app(`        command: ["dumb-init", "sh", "-c", "node server.js"]` + "\n"),
		},
		{
			name: "a sidecar that does not serve",
			containers: app("") + `      - name: log-shipper
        image: shipper:1
        command: ["sh", "-c", "tail -F /log/app"]
`,
		},
		{
			name:       "a command of the wrong type",
			containers: app("        command: sh -c node\n"),
			want:       []string{"error Deployment/web spec.template.spec.containers[0].command: Deployment web: spec.template.spec.containers[0].command must be a list of strings"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, got := runRuleOn(t, withContainers(tt.containers), config.DefaultConfig(), rules.RuleSignalHandling.ID)
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("results:\n got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

// Opted-out workloads and workloads no load balancer fronts are not read.
func TestSignalHandlingScope(t *testing.T) {
	wrapped := "      - name: app\n        image: web:1\n        command: [sh, -c, node server.js]\n        ports:\n        - containerPort: 8080\n"
	for name, stream := range map[string]string{
		"opted out":        strings.Replace(withContainers(wrapped), "  name: web\n  namespace: shop\nspec:\n  replicas", "  name: web\n  namespace: shop\n  annotations:\n    lbguard.dev/skip: \"true\"\nspec:\n  replicas", 1),
		"no load balancer": strings.Replace(withContainers(wrapped), "type: LoadBalancer", "type: ClusterIP", 1),
	} {
		if _, got := runRuleOn(t, stream, config.DefaultConfig(), rules.RuleSignalHandling.ID); len(got) != 0 {
			t.Errorf("%s: got %q, want no result", name, got)
		}
	}
}

// Any script, however broken, is read without a panic.
func FuzzShellScript(f *testing.F) {
	for _, seed := range []string{"exec app", "a && b | c", "if x; then exec a; fi", "'unterminated", "a \\\n b # c", "x 2>&1 &>log &", "\\"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, script string) {
		rules.ExecsApp(script)
		rules.LastCommand(script)
		rules.ShellScript([]string{"sh", "-c", script})
	})
}
