package gen

import (
	"fmt"
	"strings"
)

// SharedSelector writes a hostile ResourceList of exactly n items, such as
// an untrusted pull request may hold: one Namespace, then apps of a workload
// and a Service each, every workload's pods labelled app: web and every
// Service selecting app: web, so that each Service selects every workload.
// The Services take turns: an LBC NLB of instance targets, an LBC NLB of ip
// targets, and a ClusterIP Service behind its own ALB Ingress (ip targets),
// so that R1–R8 all apply. The workloads take turns too: Deployments, with a
// StatefulSet every fifth, some with a readiness probe or a short preStop.
// The same n always gives the same bytes.
func SharedSelector(n int) *List {
	g := &generator{list: &List{Kinds: map[string]int{}}, max: n}
	g.b.Grow(n * 900)
	g.b.WriteString(header)
	g.b.WriteString("items:\n")
	const namespace = "shop"
	if g.room(1) {
		g.item("Namespace", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: "+namespace+"\n")
	}
	for i := 0; g.room(2); i++ {
		name := fmt.Sprintf("web-%d", i)
		front := []string{"nlb", "nlb", "alb"}[i%3]
		if front == "alb" && !g.room(3) {
			front = "nlb"
		}
		w := g.sharedWorkload(namespace, name, i)
		w.Front = front
		g.sharedService(namespace, name, i, front)
		if front == "alb" {
			g.sharedIngress(namespace, name)
		}
		g.list.Workloads = append(g.list.Workloads, *w)
	}
	if g.room(1) { // the one item an app does not fit in
		g.item("ConfigMap", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n  namespace: "+namespace+"\ndata:\n  LOG_LEVEL: info\n")
	}
	g.b.WriteString(functionConfig)
	g.list.YAML = []byte(g.b.String())
	g.list.Resources = g.count
	return g.list
}

func (g *generator) sharedWorkload(namespace, name string, i int) *Workload {
	kind := "Deployment"
	if i%5 == 4 {
		kind = "StatefulSet"
	}
	var b strings.Builder
	fmt.Fprintf(&b, `apiVersion: apps/v1
kind: %s
metadata:
  name: %s
  namespace: %s
  labels:
    app: web
spec:
  replicas: %d
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: app
        image: registry.example.com/web:1.%d
        ports:
        - name: http
          containerPort: 8080
`, kind, name, namespace, 2+i%3, i%10)
	if i%2 == 0 {
		b.WriteString("        readinessProbe:\n          httpGet:\n            path: /healthz\n            port: http\n          periodSeconds: 5\n")
	}
	if i%7 == 0 {
		b.WriteString("        lifecycle:\n          preStop:\n            sleep:\n              seconds: 20\n")
	}
	g.item(kind, b.String())
	return &Workload{Kind: kind, Namespace: namespace, Name: name, Serving: []string{"app"}}
}

func (g *generator) sharedService(namespace, name string, i int, front string) {
	typ, annotations := "ClusterIP", ""
	if front == "nlb" {
		typ = "LoadBalancer"
		annotations = "  annotations:\n    service.beta.kubernetes.io/aws-load-balancer-type: external\n"
		if i%3 == 1 {
			annotations += "    service.beta.kubernetes.io/aws-load-balancer-nlb-target-type: ip\n"
		}
	}
	g.item("Service", `apiVersion: v1
kind: Service
metadata:
  name: `+name+`
  namespace: `+namespace+`
`+annotations+`spec:
  type: `+typ+`
  selector:
    app: web
  ports:
  - name: http
    port: 80
    targetPort: http
`)
}

func (g *generator) sharedIngress(namespace, name string) {
	g.item("Ingress", `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: `+name+`
  namespace: `+namespace+`
  annotations:
    alb.ingress.kubernetes.io/scheme: internet-facing
    alb.ingress.kubernetes.io/target-type: ip
spec:
  ingressClassName: alb
  rules:
  - http:
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
