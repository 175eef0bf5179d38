package transformers

import (
	"strings"
	"testing"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/transformers/config"
	"github.com/lbguard/lbguard/transformers/rules"
)

// probeIngress is an ALB Ingress in front of the Service web (port 80, named
// "web", to the container port "http"), with the given annotations.
func probeIngress(annotations string) string {
	return `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  annotations:
    alb.ingress.kubernetes.io/target-type: ip
` + indent(annotations, 4) + `spec:
  ingressClassName: alb
  defaultBackend:
    service:
      name: web
      port:
        number: 80
---
`
}

// probeService is the Service web; extra is added under its spec (type, …).
func probeService(annotations, extra string) string {
	return `apiVersion: v1
kind: Service
metadata:
  name: web
  annotations:
    note: x
` + indent(annotations, 4) + `spec:
` + indent(extra, 2) + `  selector:
    app: web
  ports:
  - name: web
    port: 80
    targetPort: http
---
`
}

// probeNLB is an LBC-owned NLB Service web, with the given annotations.
func probeNLB(annotations string) string {
	return probeService(`service.beta.kubernetes.io/aws-load-balancer-type: external
service.beta.kubernetes.io/aws-load-balancer-nlb-target-type: ip
`+annotations, "type: LoadBalancer\n")
}

// probeDeployment is the Deployment web with the given pod spec.
func probeDeployment(annotations, podSpec string) string {
	return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  annotations:
    note: x
` + indent(annotations, 4) + `spec:
  replicas: 3
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
` + indent(podSpec, 6)
}

// probeResults keeps R4's results and the errors of unreadable fields, as
// "severity: field: message".
func probeResults(results fn.Results) []string {
	return ruleOrInvalidResults(results, rules.RuleReadinessProbe.ID)
}

// readinessProbes lists the readinessProbe of each container of the
// Deployment web as YAML; "" where it has none.
func readinessProbes(t *testing.T, items fn.KubeObjects) []string {
	t.Helper()
	containers, _, err := findObject(t, items, "Deployment", "web").NestedSlice("spec", "template", "spec", "containers")
	if err != nil {
		t.Fatalf("containers: %v", err)
	}
	var probes []string
	for _, c := range containers {
		p, found, err := c.NestedSubObject("readinessProbe")
		switch {
		case err != nil: // not a map: a scalar, as written
			s, _, _ := c.NestedString("readinessProbe")
			probes = append(probes, s+"\n")
		case found:
			probes = append(probes, p.String())
		default:
			probes = append(probes, "")
		}
	}
	return probes
}

func TestReadinessProbe(t *testing.T) {
	const app = `containers:
- name: app
  image: app # pinned by digest in production
  ports:
  - name: http
    containerPort: 8080
`
	const added = `info: spec.template.spec.containers[0].readinessProbe: Deployment web container "app": readinessProbe added: `
	const judged = `, so that Kubernetes and the ELB judge the pod alike`
	const accepts = `, so the pod turns Ready only once the container accepts connections`
	cases := []struct {
		name   string
		input  string
		cfg    func(*config.Config)
		want   []string // each container's readinessProbe after the run; "" for none
		wantR4 []string
	}{{
		name:   "missing: a tcpSocket check on the port the ALB sends to, by its name",
		input:  probeIngress("") + probeService("", "") + probeDeployment("", app),
		want:   []string{"tcpSocket:\n  port: http\n"},
		wantR4: []string{added + `a tcpSocket check on port http (the port Ingress web sends traffic to)` + accepts},
	}, {
		name:   "missing, on an unnamed container port: the number",
		input:  probeIngress("") + strings.Replace(probeService("", ""), "targetPort: http", "targetPort: 8080", 1) + probeDeployment("", "containers:\n- name: app\n  ports:\n  - containerPort: 8080\n"),
		want:   []string{"tcpSocket:\n  port: 8080\n"},
		wantR4: []string{added + `a tcpSocket check on port 8080 (the port Ingress web sends traffic to)` + accepts},
	}, {
		name:   "the Ingress names a health-check path: an httpGet on it",
		input:  probeIngress("alb.ingress.kubernetes.io/healthcheck-path: /healthz\n") + probeService("", "") + probeDeployment("", app),
		want:   []string{"httpGet:\n  path: /healthz\n  port: http\n"},
		wantR4: []string{added + `an httpGet on /healthz, port http, the health check that Ingress web names` + judged},
	}, {
		name: "the backend Service overrides the Ingress's health-check path",
		input: probeIngress("alb.ingress.kubernetes.io/healthcheck-path: /healthz\n") +
			probeService("alb.ingress.kubernetes.io/healthcheck-path: /ready\n", "") + probeDeployment("", app),
		want:   []string{"httpGet:\n  path: /ready\n  port: http\n"},
		wantR4: []string{added + `an httpGet on /ready, port http, the health check that Service web names` + judged},
	}, {
		name: "an explicit numeric health-check port on the container",
		input: probeIngress("alb.ingress.kubernetes.io/healthcheck-path: /healthz\nalb.ingress.kubernetes.io/healthcheck-port: \"9090\"\n") +
			probeService("", "") + probeDeployment("", app+"  - containerPort: 9090\n"),
		want:   []string{"httpGet:\n  path: /healthz\n  port: 9090\n"},
		wantR4: []string{added + `an httpGet on /healthz, port 9090, the health check that Ingress web names` + judged},
	}, {
		name: "a health-check port the container does not expose: a tcpSocket check where traffic goes",
		input: probeIngress("alb.ingress.kubernetes.io/healthcheck-path: /healthz\nalb.ingress.kubernetes.io/healthcheck-port: \"9999\"\n") +
			probeService("", "") + probeDeployment("", "containers:\n- name: app\n  ports:\n  - name: metrics\n    containerPort: 9100\n  - name: http\n    containerPort: 8080\n"),
		want:   []string{"tcpSocket:\n  port: http\n"},
		wantR4: []string{added + `a tcpSocket check on port http (the port Ingress web sends traffic to)` + accepts},
	}, {
		name:   "a health-check port named after a Service port: its targetPort",
		input:  probeIngress("alb.ingress.kubernetes.io/healthcheck-path: /healthz\nalb.ingress.kubernetes.io/healthcheck-port: web\n") + probeService("", "") + probeDeployment("", app),
		want:   []string{"httpGet:\n  path: /healthz\n  port: http\n"},
		wantR4: []string{added + `an httpGet on /healthz, port http, the health check that Ingress web names` + judged},
	}, {
		name:   "an HTTPS health check: the probe uses HTTPS too",
		input:  probeIngress("alb.ingress.kubernetes.io/healthcheck-path: /healthz\nalb.ingress.kubernetes.io/backend-protocol: HTTPS\n") + probeService("", "") + probeDeployment("", app),
		want:   []string{"httpGet:\n  path: /healthz\n  port: http\n  scheme: HTTPS\n"},
		wantR4: []string{added + `an httpGet on /healthz, port http, the health check that Ingress web names` + judged},
	}, {
		name:   "a gRPC target group: no httpGet can pass its check, so a tcpSocket one",
		input:  probeIngress("alb.ingress.kubernetes.io/healthcheck-path: /grpc.health.v1.Health/Check\nalb.ingress.kubernetes.io/backend-protocol-version: GRPC\n") + probeService("", "") + probeDeployment("", app),
		want:   []string{"tcpSocket:\n  port: http\n"},
		wantR4: []string{added + `a tcpSocket check on port http (the port Ingress web sends traffic to)` + accepts},
	}, {
		name: "an NLB with an HTTP health check",
		input: probeNLB("service.beta.kubernetes.io/aws-load-balancer-healthcheck-protocol: http\nservice.beta.kubernetes.io/aws-load-balancer-healthcheck-path: /health\n") +
			probeDeployment("", app),
		want:   []string{"httpGet:\n  path: /health\n  port: http\n"},
		wantR4: []string{added + `an httpGet on /health, port http, the health check that Service web names` + judged},
	}, {
		name:   "an NLB with its default TCP health check",
		input:  probeNLB("") + probeDeployment("", app),
		want:   []string{"tcpSocket:\n  port: http\n"},
		wantR4: []string{added + `a tcpSocket check on port http (the port Service web sends traffic to)` + accepts},
	}, {
		name:   "an NLB health-checking another port of the container over TCP",
		input:  probeNLB("service.beta.kubernetes.io/aws-load-balancer-healthcheck-port: \"8081\"\n") + probeDeployment("", app+"  - name: health\n    containerPort: 8081\n"),
		want:   []string{"tcpSocket:\n  port: health\n"},
		wantR4: []string{added + `a tcpSocket check on port health (the port Service web health-checks)` + accepts},
	}, {
		name: "existing readiness probes are kept: exec and grpc",
		input: probeIngress("alb.ingress.kubernetes.io/healthcheck-path: /healthz\n") + probeService("", "") + probeDeployment("", app+`  readinessProbe:
    exec:
      command: ["cat", "/tmp/ready"]
- name: grpc
  ports:
  - containerPort: 9000
  readinessProbe:
    grpc:
      port: 9000
    periodSeconds: 5
`),
		want: []string{"exec:\n  command: [\"cat\", \"/tmp/ready\"]\n", "grpc:\n  port: 9000\nperiodSeconds: 5\n"},
	}, {
		name: "sidecars: one with ports gets a check on its own port, one without is not serving",
		input: probeIngress("alb.ingress.kubernetes.io/healthcheck-path: /healthz\n") + probeService("", "") + probeDeployment("", app+`- name: proxy
  ports:
  - name: admin
    containerPort: 15000
- name: logger
  image: fluent-bit
`),
		want: []string{"httpGet:\n  path: /healthz\n  port: http\n", "tcpSocket:\n  port: admin\n", ""},
		wantR4: []string{
			added + `an httpGet on /healthz, port http, the health check that Ingress web names` + judged,
			`info: spec.template.spec.containers[1].readinessProbe: Deployment web container "proxy": readinessProbe added: a tcpSocket check on port admin` + accepts,
		},
	}, {
		name: "a serving container without ports cannot get a probe",
		input: probeIngress("") + probeService("", "") + probeDeployment("", `containers:
- name: app
- name: sidecar
`),
		want:   []string{"", ""},
		wantR4: []string{`warning: spec.template.spec.containers[0].readinessProbe: Deployment web container "app": no readinessProbe, and no TCP port to check, so lbguard cannot add one: the pod turns Ready before the app listens; add a readinessProbe that fits the app`},
	}, {
		name:   "a serving container with only UDP ports cannot get a probe",
		input:  probeNLB("") + probeDeployment("", "containers:\n- name: dns\n  ports:\n  - name: http\n    containerPort: 53\n    protocol: UDP\n"),
		want:   []string{""},
		wantR4: []string{`warning: spec.template.spec.containers[0].readinessProbe: Deployment web container "dns": no readinessProbe, and no TCP port to check, so lbguard cannot add one: the pod turns Ready before the app listens; add a readinessProbe that fits the app`},
	}, {
		name: "identical liveness and readiness handlers: a warning, timings and port names aside",
		input: probeIngress("") + probeService("", "") + probeDeployment("", app+`  readinessProbe:
    httpGet:
      path: /healthz
      port: http
    periodSeconds: 5
  livenessProbe:
    httpGet:
      path: /healthz
      port: 8080
    periodSeconds: 20
`),
		want:   []string{"httpGet:\n  path: /healthz\n  port: http\nperiodSeconds: 5\n"},
		wantR4: []string{`warning: spec.template.spec.containers[0].livenessProbe: Deployment web container "app": livenessProbe runs the same check as the readinessProbe: when the app is only busy or a dependency is down, the kubelet restarts it instead of taking it out of the load balancer, and every replica can restart at once. Give the liveness probe a cheaper check (the process is alive) or a higher failureThreshold`},
	}, {
		name: "a liveness probe like the readiness probe lbguard adds: added, with the warning",
		input: probeIngress("alb.ingress.kubernetes.io/healthcheck-path: /healthz\n") + probeService("", "") + probeDeployment("", app+`  livenessProbe:
    httpGet: {path: /healthz, port: http}
`),
		want: []string{"httpGet:\n  path: /healthz\n  port: http\n"},
		wantR4: []string{
			added + `an httpGet on /healthz, port http, the health check that Ingress web names` + judged,
			`warning: spec.template.spec.containers[0].livenessProbe: Deployment web container "app": livenessProbe runs the same check as the readinessProbe: when the app is only busy or a dependency is down, the kubelet restarts it instead of taking it out of the load balancer, and every replica can restart at once. Give the liveness probe a cheaper check (the process is alive) or a higher failureThreshold`,
		},
	}, {
		name: "different liveness and readiness handlers: no warning",
		input: probeIngress("") + probeService("", "") + probeDeployment("", app+`  readinessProbe:
    httpGet:
      path: /ready
      port: http
  livenessProbe:
    httpGet:
      path: /healthz
      port: http
`),
		want: []string{"httpGet:\n  path: /ready\n  port: http\n"},
	}, {
		name: "a liveness probe with failureThreshold 1",
		input: probeIngress("") + probeService("", "") + probeDeployment("", app+`  readinessProbe:
    tcpSocket:
      port: http
  livenessProbe:
    exec:
      command: [/bin/healthy]
    failureThreshold: 1
`),
		want:   []string{"tcpSocket:\n  port: http\n"},
		wantR4: []string{`warning: spec.template.spec.containers[0].livenessProbe.failureThreshold: Deployment web container "app": livenessProbe has failureThreshold 1: a single slow or failed check restarts the container and cuts its in-flight requests; allow 3 (the default) or more`},
	}, {
		name: "init containers are untouched",
		input: probeIngress("") + probeService("", "") + probeDeployment("", `initContainers:
- name: migrate
  ports:
  - containerPort: 5432
  livenessProbe:
    tcpSocket:
      port: 5432
    failureThreshold: 1
`+app),
		want:   []string{"tcpSocket:\n  port: http\n"},
		wantR4: []string{added + `a tcpSocket check on port http (the port Ingress web sends traffic to)` + accepts},
	}, {
		name:  "an opted-out workload is untouched",
		input: probeIngress("") + probeService("", "") + probeDeployment("lbguard.dev/skip: \"true\"\n", app),
		want:  []string{""},
	}, {
		name:  "a workload no load balancer fronts is untouched",
		input: probeService("", "") + probeDeployment("", app),
		want:  []string{""},
	}, {
		name:   "scope all: a workload no load balancer fronts gets a check on its first port",
		input:  probeDeployment("", app),
		cfg:    func(c *config.Config) { c.Scope = config.ScopeAll },
		want:   []string{"tcpSocket:\n  port: http\n"},
		wantR4: []string{added + `a tcpSocket check on port http` + accepts},
	}, {
		name:   "a null readinessProbe counts as none",
		input:  probeIngress("") + probeService("", "") + probeDeployment("", app+"  readinessProbe: null\n  livenessProbe:\n"),
		want:   []string{"tcpSocket:\n  port: http\n"},
		wantR4: []string{added + `a tcpSocket check on port http (the port Ingress web sends traffic to)` + accepts},
	}, {
		name:   "a readinessProbe that is not a map is an error, left as it is",
		input:  probeIngress("") + probeService("", "") + probeDeployment("", app+"  readinessProbe: yes\n"),
		want:   []string{"yes\n"},
		wantR4: []string{`error: spec.template.spec.containers[0].readinessProbe: Deployment web: spec.template.spec.containers[0].readinessProbe must be a probe (a map)`},
	}, {
		name:   "a livenessProbe that is not a map is an error, and the container is left as it is",
		input:  probeIngress("") + probeService("", "") + probeDeployment("", app+"  livenessProbe: [tcpSocket]\n"),
		want:   []string{""},
		wantR4: []string{`error: spec.template.spec.containers[0].livenessProbe: Deployment web: spec.template.spec.containers[0].livenessProbe must be a probe (a map)`},
	}, {
		name:   "ports that are not a list are an error (reported once), and the workload is left as it is",
		input:  probeIngress("") + probeService("", "") + probeDeployment("", "containers:\n- name: app\n  ports: \"8080\"\n"),
		want:   []string{""},
		wantR4: []string{`error: spec.template.spec.containers[0].ports: Deployment web: spec.template.spec.containers[0].ports must be a list of ports`},
	}, {
		name:   "ports whose items are not maps are an error too",
		input:  probeIngress("") + probeService("", "") + probeDeployment("", "containers:\n- name: app\n  ports: [8080]\n"),
		want:   []string{""},
		wantR4: []string{`error: spec.template.spec.containers[0].ports: Deployment web: spec.template.spec.containers[0].ports must be a list of ports`},
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := config.DefaultConfig()
			if tc.cfg != nil {
				tc.cfg(&cfg)
			}
			items, results := applyRules(t, tc.input, cfg)
			equalLists(t, "readiness probes", readinessProbes(t, items), tc.want)
			equalLists(t, "R4 results", probeResults(results), tc.wantR4)
		})
	}
}
