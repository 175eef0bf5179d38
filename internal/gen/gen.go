// Package gen writes realistic ResourceLists of a given size, such as a GitOps
// monorepo renders for one overlay: namespaces of a few apps each; every app
// a Deployment or a StatefulSet (with sidecars, some with probes, some with
// a preStop already), its ConfigMap and Service, and most of them behind an
// ALB Ingress (with target-group attributes already set) or an NLB Service;
// HorizontalPodAutoscalers and PodDisruptionBudgets here and there; head and
// line comments throughout, and the path and index annotations kustomize and
// kpt add. The same size and seed always give the same bytes.
//
// The benchmarks (internal/function/bench_test.go, bench/) run lbguard over these lists.
package gen

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
)

// Workload names one Deployment or StatefulSet of the list.
type Workload struct {
	Kind, Namespace, Name string
	// Front is how traffic reaches it: "alb" (an ALB Ingress in front of its
	// Service), "nlb" (its Service is an LBC NLB) or "" (none: in-cluster only).
	Front string
	// Serving lists its containers that have ports, which lbguard gives a
	// preStop when the workload is load-balanced.
	Serving []string
}

// List is a generated ResourceList and what it holds.
type List struct {
	YAML      []byte
	Resources int            // items in the list
	Kinds     map[string]int // items by kind
	Workloads []Workload
}

// DefaultSeed is the seed of the benchmarks' lists.
const DefaultSeed = 1

// ResourceList writes a ResourceList of exactly n items, with an LBGuard
// config of the defaults as its functionConfig.
func ResourceList(n int, seed uint64) *List {
	g := &generator{
		rnd:  rand.New(rand.NewPCG(seed, 0x6c6267)),
		list: &List{Kinds: map[string]int{}},
		max:  n,
	}
	g.b.Grow(n * 1100)
	g.b.WriteString(header)
	g.b.WriteString("items:\n")
	for ns := 0; g.count < n; ns++ {
		g.namespace(ns)
	}
	g.b.WriteString(functionConfig)
	g.list.YAML = []byte(g.b.String())
	g.list.Resources = g.count
	return g.list
}

const header = `apiVersion: config.kubernetes.io/v1
kind: ResourceList
`

const functionConfig = `functionConfig:
  apiVersion: lbguard.dev/v1alpha1
  kind: LBGuard
  metadata:
    name: lbguard
    annotations:
      config.kubernetes.io/function: |
        exec:
          path: ../bin/lbguard
  spec:
    mode: fix
    kubernetesVersion: "1.31"
`

type generator struct {
	rnd   *rand.Rand
	b     strings.Builder
	list  *List
	count int // items written
	max   int
}

var (
	teams    = []string{"payments", "search", "checkout", "identity", "catalog", "growth", "platform", "data"}
	apps     = []string{"api", "web", "worker", "gateway", "auth", "orders", "billing", "cart", "inventory", "notify", "profile", "recommend"}
	sidecars = []string{"log-shipper", "envoy", "otel-collector"}
	paths    = []string{"/healthz", "/readyz", "/health", "/api/health", "/status"}
)

// room reports whether k more items fit, and takes them.
func (g *generator) room(k int) bool {
	return g.count+k <= g.max
}

// item starts one list item: its kind counted, its YAML (the text of a
// resource with no indentation) written as a list element.
func (g *generator) item(kind, text string) {
	g.count++
	g.list.Kinds[kind]++
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	// A head comment stays on the dash line's item: "- # ..." then indented.
	for i, line := range lines {
		if i == 0 {
			g.b.WriteString("- ")
		} else if line != "" {
			g.b.WriteString("  ")
		}
		g.b.WriteString(line)
		g.b.WriteByte('\n')
	}
}

// origin is the annotations kpt and kustomize add to every item: the file
// it came from (one resource per file here) and its index in that file.
func (g *generator) origin(namespace, kind, name string) string {
	return "    internal.config.kubernetes.io/path: '" + namespace + "/" + strings.ToLower(kind) + "_" + name + ".yaml'\n" +
		"    internal.config.kubernetes.io/index: '0'\n"
}

// namespace writes a Namespace and the 3 to 8 apps in it.
func (g *generator) namespace(n int) {
	team := teams[n%len(teams)]
	name := fmt.Sprintf("%s-%d", team, n)
	g.item("Namespace", `# Namespace of team `+team+`, one of the overlay's tenants.
apiVersion: v1
kind: Namespace
metadata:
  name: `+name+`
  labels:
    team: `+team+`
    environment: production
  annotations:
`+g.origin(name, "Namespace", name))
	apps := 3 + g.rnd.IntN(6)
	for i := 0; i < apps && g.count < g.max; i++ {
		g.app(name, team, i)
	}
}

// app writes one app: ConfigMap, workload, Service, and its load balancer,
// autoscaler and budget when it has them, as far as the size allows.
func (g *generator) app(namespace, team string, i int) {
	name := apps[(i+len(namespace))%len(apps)]
	statefulSet := g.rnd.IntN(4) == 0
	front := ""
	switch p := g.rnd.IntN(100); {
	case p < 55:
		front = "alb"
	case p < 75:
		front = "nlb"
	}
	if !g.room(1) {
		return
	}
	g.configMap(namespace, name, team)
	if !g.room(1) {
		return
	}
	w := g.workload(namespace, name, team, statefulSet, front)
	if g.room(1) {
		g.service(namespace, name, team, front == "nlb")
	} else {
		w.Front = "" // its Service did not fit
	}
	if front == "alb" {
		if g.room(1) {
			g.ingress(namespace, name, team)
		} else {
			w.Front = ""
		}
	}
	g.list.Workloads = append(g.list.Workloads, *w)
	if !statefulSet && g.rnd.IntN(10) < 3 && g.room(1) {
		g.autoscaler(namespace, name)
	}
	if g.rnd.IntN(10) == 0 && g.room(1) {
		g.budget(namespace, name)
	}
}

func (g *generator) configMap(namespace, name, team string) {
	g.item("ConfigMap", `apiVersion: v1
kind: ConfigMap
metadata:
  name: `+name+`-config
  namespace: `+namespace+`
  labels:
    app.kubernetes.io/name: `+name+`
    app.kubernetes.io/part-of: `+team+`
  annotations:
`+g.origin(namespace, "ConfigMap", name)+`data:
  LOG_LEVEL: info # debug only while investigating
  HTTP_PORT: "8080"
  FEATURE_FLAGS: "new-checkout=false,search-v2=true"
  application.yaml: |
    server:
      shutdown: graceful
`)
}

func (g *generator) workload(namespace, name, team string, statefulSet bool, front string) *Workload {
	kind := "Deployment"
	if statefulSet {
		kind = "StatefulSet"
	}
	w := &Workload{Kind: kind, Namespace: namespace, Name: name, Front: front}
	var b strings.Builder
	fmt.Fprintf(&b, `# %s %s of team %s.
apiVersion: apps/v1
kind: %s
metadata:
  name: %s
  namespace: %s
  labels:
    app.kubernetes.io/name: %s
    app.kubernetes.io/instance: %s-%s
    app.kubernetes.io/part-of: %s
    app.kubernetes.io/version: "1.%d.%d"
  annotations:
%s`, kind, name, team, kind, name, namespace, name, name, namespace, team,
		g.rnd.IntN(20), g.rnd.IntN(10), g.origin(namespace, kind, name))
	replicas := 1 + g.rnd.IntN(5)
	fmt.Fprintf(&b, "spec:\n  replicas: %d # production baseline\n", replicas)
	if statefulSet {
		fmt.Fprintf(&b, "  serviceName: %s\n", name)
	} else {
		b.WriteString("  strategy:\n    type: RollingUpdate\n    rollingUpdate:\n      maxSurge: 25%\n      maxUnavailable: 0\n")
	}
	fmt.Fprintf(&b, `  selector:
    matchLabels:
      app.kubernetes.io/name: %s
      app.kubernetes.io/instance: %s-%s
  template:
    metadata:
      labels:
        app.kubernetes.io/name: %s
        app.kubernetes.io/instance: %s-%s
        app.kubernetes.io/part-of: %s
      annotations:
        prometheus.io/scrape: "true"
        prometheus.io/port: "9090"
    spec:
      serviceAccountName: %s
`, name, name, namespace, name, name, namespace, team, name)
	if g.rnd.IntN(3) == 0 {
		fmt.Fprintf(&b, "      terminationGracePeriodSeconds: %d\n", []int{30, 45, 60, 120}[g.rnd.IntN(4)])
	}
	b.WriteString("      containers:\n      # the app itself\n")
	fmt.Fprintf(&b, `      - name: %s
        image: registry.example.com/%s/%s:1.%d.%d # pinned by the release pipeline
        args: ["--config=/etc/app/application.yaml"]
        ports:
        - name: http
          containerPort: 8080
        - name: metrics
          containerPort: 9090
        env:
        - name: POD_NAME
          valueFrom:
            fieldRef:
              fieldPath: metadata.name
        - name: JAVA_OPTS
          value: "-XX:MaxRAMPercentage=75"
        envFrom:
        - configMapRef:
            name: %s-config
        resources:
          requests:
            cpu: 250m
            memory: 512Mi
          limits:
            memory: 1Gi
        volumeMounts:
        - name: config
          mountPath: /etc/app
`, name, team, name, g.rnd.IntN(20), g.rnd.IntN(10), name)
	w.Serving = append(w.Serving, name)
	if g.rnd.IntN(2) == 0 {
		path := paths[g.rnd.IntN(len(paths))]
		fmt.Fprintf(&b, `        readinessProbe:
          httpGet:
            path: %s
            port: http
          periodSeconds: 5
        livenessProbe:
          httpGet:
            path: /livez
            port: http
          initialDelaySeconds: 30
          periodSeconds: 20
`, path)
	}
	if g.rnd.IntN(8) == 0 {
		b.WriteString("        lifecycle:\n          preStop:\n            sleep:\n              seconds: 20 # too short behind an NLB\n")
	}
	switch sidecar := g.rnd.IntN(len(sidecars) + 1); {
	case sidecar == len(sidecars): // none
	case sidecars[sidecar] == "envoy":
		b.WriteString(`      - name: envoy
        image: envoyproxy/envoy:v1.31.0
        ports:
        - name: envoy-admin
          containerPort: 15000
        resources:
          requests:
            cpu: 100m
            memory: 128Mi
`)
		w.Serving = append(w.Serving, "envoy")
	default:
		fmt.Fprintf(&b, `      - name: %s
        image: registry.example.com/platform/%s:3.1
        resources:
          requests:
            cpu: 50m
            memory: 64Mi
        volumeMounts:
        - name: varlog
          mountPath: /var/log
`, sidecars[sidecar], sidecars[sidecar])
	}
	fmt.Fprintf(&b, `      volumes:
      - name: config
        configMap:
          name: %s-config
      - name: varlog
        emptyDir: {}
`, name)
	g.item(kind, b.String())
	return w
}

func (g *generator) service(namespace, name, team string, nlb bool) {
	annotations := g.origin(namespace, "Service", name)
	typ := "ClusterIP"
	if nlb {
		typ = "LoadBalancer"
		annotations += "    service.beta.kubernetes.io/aws-load-balancer-type: external\n" +
			"    service.beta.kubernetes.io/aws-load-balancer-scheme: internet-facing\n"
		if g.rnd.IntN(2) == 0 {
			annotations += "    service.beta.kubernetes.io/aws-load-balancer-nlb-target-type: ip\n"
		}
		if g.rnd.IntN(2) == 0 {
			annotations += "    service.beta.kubernetes.io/aws-load-balancer-target-group-attributes: preserve_client_ip.enabled=true\n"
		}
	}
	g.item("Service", `# Service `+name+`.
apiVersion: v1
kind: Service
metadata:
  name: `+name+`
  namespace: `+namespace+`
  labels:
    app.kubernetes.io/name: `+name+`
    app.kubernetes.io/part-of: `+team+`
  annotations:
`+annotations+`spec:
  type: `+typ+`
  selector:
    app.kubernetes.io/name: `+name+`
    app.kubernetes.io/instance: `+name+`-`+namespace+`
  ports:
  - name: http
    port: 80
    targetPort: http # the container's named port
  - name: metrics
    port: 9090
    targetPort: 9090
`)
}

func (g *generator) ingress(namespace, name, team string) {
	attrs := "stickiness.enabled=true,stickiness.lb_cookie.duration_seconds=3600"
	if g.rnd.IntN(3) == 0 {
		attrs += ",deregistration_delay.timeout_seconds=" + strconv.Itoa([]int{15, 30, 60}[g.rnd.IntN(3)])
	}
	extra := ""
	if g.rnd.IntN(2) == 0 {
		extra += "    alb.ingress.kubernetes.io/target-type: ip\n"
	}
	if g.rnd.IntN(2) == 0 {
		extra += "    alb.ingress.kubernetes.io/healthcheck-path: " + paths[g.rnd.IntN(len(paths))] + "\n"
	}
	g.item("Ingress", `# Public entry point of `+name+`, an ALB of the group of team `+team+`.
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: `+name+`
  namespace: `+namespace+`
  labels:
    app.kubernetes.io/name: `+name+`
  annotations:
`+g.origin(namespace, "Ingress", name)+`    alb.ingress.kubernetes.io/scheme: internet-facing
    alb.ingress.kubernetes.io/group.name: `+team+`
    alb.ingress.kubernetes.io/listen-ports: '[{"HTTPS":443}]'
    alb.ingress.kubernetes.io/target-group-attributes: `+attrs+`
`+extra+`spec:
  ingressClassName: alb
  rules:
  - host: `+name+`.`+namespace+`.example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: `+name+`
            port:
              name: http
`)
}

func (g *generator) autoscaler(namespace, name string) {
	g.item("HorizontalPodAutoscaler", `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: `+name+`
  namespace: `+namespace+`
  annotations:
`+g.origin(namespace, "HorizontalPodAutoscaler", name)+`spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: `+name+`
  minReplicas: 2
  maxReplicas: 10
  metrics:
  - type: Resource
    resource:
      name: cpu
      target:
        type: Utilization
        averageUtilization: 70
`)
}

func (g *generator) budget(namespace, name string) {
	g.item("PodDisruptionBudget", `# Written by hand before lbguard ran here.
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: `+name+`
  namespace: `+namespace+`
  annotations:
`+g.origin(namespace, "PodDisruptionBudget", name)+`spec:
  maxUnavailable: 1
  unhealthyPodEvictionPolicy: AlwaysAllow
  selector:
    matchLabels:
      app.kubernetes.io/name: `+name+`
      app.kubernetes.io/instance: `+name+`-`+namespace+`
`)
}
