package transformers

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/transformers/config"
	"github.com/lbguard/lbguard/transformers/model"
)

// parseItems reads a multi-document YAML list of resources.
func parseItems(t *testing.T, list string) fn.KubeObjects {
	t.Helper()
	items, err := fn.ParseKubeObjects([]byte(list))
	if err != nil {
		t.Fatalf("cannot parse the test input: %v", err)
	}
	return items
}

func objectID(obj *fn.KubeObject) string {
	ns := obj.GetNamespace()
	if ns == "" {
		ns = "default"
	}
	return obj.GetKind() + " " + ns + "/" + obj.GetName()
}

// describeBackends prints each backend of each load balancer on one line:
// the load balancer, the Service, the ports it uses, the workloads the Service
// selects, and the effective target type, deregistration delay and health check.
func describeBackends(inv *model.Inventory, cfg config.Config) []string {
	var out []string
	for _, lb := range inv.LoadBalancers {
		skipped := ""
		if lb.Skipped {
			skipped = " (skipped)"
		}
		if len(lb.Backends) == 0 {
			out = append(out, fmt.Sprintf("%s %s%s: no backends", lb.Kind, objectID(lb.Object), skipped))
		}
		for _, b := range lb.Backends {
			svc := b.Namespace + "/" + b.ServiceName
			if b.Service == nil {
				svc += " (not in list)"
			}
			var workloads []string
			for _, w := range b.Workloads {
				workloads = append(workloads, objectID(w.Object))
			}
			delay := "unknown"
			if d, known := b.DeregistrationDelay(cfg); known {
				delay = strconv.Itoa(d)
			}
			hc := b.HealthCheck()
			out = append(out, fmt.Sprintf("%s %s%s -> %s ports=[%s] workloads=[%s] target=%s delay=%s hc=%s|%s",
				lb.Kind, objectID(lb.Object), skipped, svc, strings.Join(b.Ports, ","), strings.Join(workloads, ", "),
				b.TargetType(), delay, hc.Path, hc.Port))
		}
	}
	return out
}

// describeWorkloads prints each workload with the load balancers in front of it.
func describeWorkloads(inv *model.Inventory) []string {
	var out []string
	for _, w := range inv.Workloads {
		var fronts []string
		for _, b := range w.Backends {
			fronts = append(fronts, string(b.LB.Kind)+" "+objectID(b.LB.Object)+" via "+b.ServiceName)
		}
		if len(fronts) == 0 {
			fronts = []string{"nothing"}
		}
		out = append(out, objectID(w.Object)+" <- "+strings.Join(fronts, "; "))
	}
	return out
}

func describeResults(results fn.Results) []string {
	var out []string
	for _, r := range results {
		ref := ""
		if r.ResourceRef != nil {
			ref = r.ResourceRef.Kind + " " + r.ResourceRef.Name
		}
		out = append(out, string(r.Severity)+" "+ref+": "+r.Message)
	}
	return out
}

// A Deployment selected by app=web in namespace shop, shared by many cases.
const webDeployment = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web, tier: front}}
    spec: {containers: [{name: web, image: web, ports: [{containerPort: 8080}]}]}
`

const webService = `
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
`

func TestInventory(t *testing.T) {
	tests := []struct {
		name      string
		cfg       func(*config.Config)
		items     string
		backends  []string
		workloads []string
		results   []string // every result, severity first; a trailing "…" matches a prefix
	}{
		{
			name: "legacy class annotation wins over spec.ingressClassName (alb over nginx)",
			items: webDeployment + "---" + webService + `---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  namespace: shop
  annotations: {kubernetes.io/ingress.class: alb}
spec:
  ingressClassName: nginx
  rules: [{http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}}]
`,
			backends:  []string{"ALB Ingress shop/web -> shop/web ports=[80] workloads=[Deployment shop/web] target=instance delay=300 hc=|"},
			workloads: []string{"Deployment shop/web <- ALB Ingress shop/web via web"},
		},
		{
			name: "legacy class annotation wins over spec.ingressClassName (nginx over alb)",
			items: webDeployment + "---" + webService + `---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  namespace: shop
  annotations: {kubernetes.io/ingress.class: nginx}
spec:
  ingressClassName: alb
  rules: [{http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}}]
`,
			workloads: []string{"Deployment shop/web <- nothing"},
		},
		{
			name: "ingressClassName alb with no IngressClass in the list: the chart's class",
			items: webDeployment + "---" + webService + `---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  namespace: shop
  annotations:
    alb.ingress.kubernetes.io/target-type: ip
    alb.ingress.kubernetes.io/target-group-attributes: stickiness.enabled=true,deregistration_delay.timeout_seconds=45
    alb.ingress.kubernetes.io/healthcheck-path: /healthz
    alb.ingress.kubernetes.io/healthcheck-port: traffic-port
spec:
  ingressClassName: alb
  rules: [{http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {name: http}}}}]}}]
`,
			backends:  []string{"ALB Ingress shop/web -> shop/web ports=[http] workloads=[Deployment shop/web] target=ip delay=45 hc=/healthz|traffic-port"},
			workloads: []string{"Deployment shop/web <- ALB Ingress shop/web via web"},
		},
		{
			name: "an IngressClass named alb of another controller is not the LBC's",
			items: webDeployment + "---" + webService + `---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: alb}
spec: {controller: k8s.io/ingress-nginx}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: shop}
spec:
  ingressClassName: alb
  rules: [{http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}}]
`,
			workloads: []string{"Deployment shop/web <- nothing"},
		},
		{
			name: "an IngressClass of controller ingress.k8s.aws/alb under another name",
			items: webDeployment + "---" + webService + `---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: internal-alb}
spec: {controller: ingress.k8s.aws/alb}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: shop}
spec:
  ingressClassName: internal-alb
  rules: [{http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: legacy
  namespace: shop
  annotations: {kubernetes.io/ingress.class: internal-alb}
spec:
  rules: [{http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}}]
`,
			backends: []string{
				"ALB Ingress shop/web -> shop/web ports=[80] workloads=[Deployment shop/web] target=instance delay=300 hc=|",
				"ALB Ingress shop/legacy -> shop/web ports=[80] workloads=[Deployment shop/web] target=instance delay=300 hc=|",
			},
			workloads: []string{"Deployment shop/web <- ALB Ingress shop/web via web; ALB Ingress shop/legacy via web"},
		},
		{
			name: "an Ingress without a class gets the default IngressClass",
			items: webDeployment + "---" + webService + `---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
  name: nginx
spec: {controller: k8s.io/ingress-nginx}
---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
  name: aws
  annotations: {ingressclass.kubernetes.io/is-default-class: "true"}
spec: {controller: ingress.k8s.aws/alb}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: shop}
spec:
  rules: [{http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: other, namespace: shop}
spec:
  ingressClassName: nginx
  rules: [{http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}}]
`,
			backends:  []string{"ALB Ingress shop/web -> shop/web ports=[80] workloads=[Deployment shop/web] target=instance delay=300 hc=|"},
			workloads: []string{"Deployment shop/web <- ALB Ingress shop/web via web"},
		},
		{
			name: "an Ingress without a class when the default IngressClass is nginx, or there is none",
			items: webDeployment + "---" + webService + `---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
  name: nginx
  annotations: {ingressclass.kubernetes.io/is-default-class: "true"}
spec: {controller: k8s.io/ingress-nginx}
---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: alb}
spec: {controller: ingress.k8s.aws/alb}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: shop}
spec:
  rules: [{http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}}]
`,
			workloads: []string{"Deployment shop/web <- nothing"},
		},
		{
			name: "an nginx Ingress is not handled",
			items: webDeployment + "---" + webService + `---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: nginx}
spec: {controller: k8s.io/ingress-nginx}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  namespace: shop
  annotations: {alb.ingress.kubernetes.io/target-type: ip}
spec:
  ingressClassName: nginx
  rules: [{http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}}]
`,
			workloads: []string{"Deployment shop/web <- nothing"},
		},
		{
			name: "EKS Auto Mode's class is an ALB with ip targets by default, by name or as the default class",
			items: webDeployment + "---" + webService + `---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
  name: eks-auto-alb
  annotations: {ingressclass.kubernetes.io/is-default-class: "true"}
spec: {controller: eks.amazonaws.com/alb}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: shop}
spec:
  ingressClassName: eks-auto-alb
  rules: [{http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: default-class, namespace: shop}
spec:
  rules: [{http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}}]
`,
			backends: []string{
				"ALB Ingress shop/web -> shop/web ports=[80] workloads=[Deployment shop/web] target=ip delay=300 hc=|",
				"ALB Ingress shop/default-class -> shop/web ports=[80] workloads=[Deployment shop/web] target=ip delay=300 hc=|",
			},
			workloads: []string{"Deployment shop/web <- ALB Ingress shop/web via web; ALB Ingress shop/default-class via web"},
		},
		{
			name: "spec.defaultBackend and every path backend, each Service once with all its ports",
			items: webDeployment + "---" + webService + `---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: shop}
spec:
  selector: {app: api}
  ports: [{port: 80}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec: {containers: [{name: api, image: api}]}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: shop}
spec:
  ingressClassName: alb
  defaultBackend: {service: {name: web, port: {number: 80}}}
  rules:
  - host: a.example.com
    http: {paths: [{path: /api, pathType: Prefix, backend: {service: {name: api, port: {number: 80}}}}]}
  - host: b.example.com
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: web, port: {name: http}}}}
      - {path: /static, pathType: Prefix, backend: {service: {name: cdn, port: {number: 80}}}}
      - {path: /bucket, pathType: Prefix, backend: {resource: {apiGroup: k8s.example.com, kind: StorageBucket, name: assets}}}
`,
			backends: []string{
				"ALB Ingress shop/web -> shop/web ports=[80,http] workloads=[Deployment shop/web] target=instance delay=300 hc=|",
				"ALB Ingress shop/web -> shop/api ports=[80] workloads=[Deployment shop/api] target=instance delay=300 hc=|",
				"ALB Ingress shop/web -> shop/cdn (not in list) ports=[80] workloads=[] target=instance delay=300 hc=|",
			},
			workloads: []string{
				"Deployment shop/web <- ALB Ingress shop/web via web",
				"Deployment shop/api <- ALB Ingress shop/web via api",
			},
		},
		{
			name: "the old extensions/v1beta1 shape: spec.backend, serviceName and servicePort",
			items: webDeployment + "---" + webService + `---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: shop}
spec:
  selector: {app: web, tier: front}
  ports: [{name: http, port: 80}]
---
apiVersion: extensions/v1beta1
kind: Ingress
metadata:
  name: web
  namespace: shop
  annotations:
    kubernetes.io/ingress.class: alb
    alb.ingress.kubernetes.io/target-type: ip
spec:
  backend: {serviceName: web, servicePort: 80}
  rules:
  - http:
      paths:
      - {path: /api/*, backend: {serviceName: api, servicePort: http}}
`,
			backends: []string{
				"ALB Ingress shop/web -> shop/web ports=[80] workloads=[Deployment shop/web] target=ip delay=300 hc=|",
				"ALB Ingress shop/web -> shop/api ports=[http] workloads=[Deployment shop/web] target=ip delay=300 hc=|",
			},
			workloads: []string{"Deployment shop/web <- ALB Ingress shop/web via web; ALB Ingress shop/web via api"},
		},
		{
			name: "use-annotation: a forward action fronts the Services it forwards to, not the action's name",
			items: webDeployment + "---" + webService + `---
apiVersion: v1
kind: Service
metadata: {name: web-canary, namespace: shop}
spec:
  selector: {app: web-canary}
  ports: [{port: 80}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web-canary, namespace: shop}
spec:
  selector: {matchLabels: {app: web-canary}}
  template:
    metadata: {labels: {app: web-canary}}
    spec: {containers: [{name: web, image: web}]}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  namespace: shop
  annotations:
    alb.ingress.kubernetes.io/actions.split: >
      {"type":"forward","forwardConfig":{"targetGroups":[
      {"serviceName":"web","servicePort":"80","weight":90},
      {"serviceName":"web-canary","servicePort":80,"weight":10},
      {"targetGroupARN":"arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/legacy/0123456789abcdef","weight":0}]}}
spec:
  ingressClassName: alb
  rules:
  - http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: split, port: {name: use-annotation}}}}
`,
			backends: []string{
				"ALB Ingress shop/web -> shop/web ports=[80] workloads=[Deployment shop/web] target=instance delay=300 hc=|",
				"ALB Ingress shop/web -> shop/web-canary ports=[80] workloads=[Deployment shop/web-canary] target=instance delay=300 hc=|",
			},
			workloads: []string{
				"Deployment shop/web <- ALB Ingress shop/web via web",
				"Deployment shop/web-canary <- ALB Ingress shop/web via web-canary",
			},
		},
		{
			name: "use-annotation: the controller's old action shape (Type, TargetGroups) and extensions/v1beta1",
			items: webDeployment + "---" + webService + `---
apiVersion: extensions/v1beta1
kind: Ingress
metadata:
  name: web
  namespace: shop
  annotations:
    kubernetes.io/ingress.class: alb
    alb.ingress.kubernetes.io/actions.blue: '{"Type":"forward","TargetGroups":[{"ServiceName":"web","ServicePort":"80","Weight":100}]}'
spec:
  rules:
  - http:
      paths:
      - {path: /*, backend: {serviceName: blue, servicePort: use-annotation}}
`,
			backends:  []string{"ALB Ingress shop/web -> shop/web ports=[80] workloads=[Deployment shop/web] target=instance delay=300 hc=|"},
			workloads: []string{"Deployment shop/web <- ALB Ingress shop/web via web"},
		},
		{
			name: "use-annotation: redirect and fixed-response actions front nothing",
			items: webDeployment + "---" + webService + `---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  namespace: shop
  annotations:
    alb.ingress.kubernetes.io/actions.ssl-redirect: '{"Type": "redirect", "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"}}'
    alb.ingress.kubernetes.io/actions.teapot: '{"type":"fixed-response","fixedResponseConfig":{"contentType":"text/plain","statusCode":"418","messageBody":"no"}}'
spec:
  ingressClassName: alb
  rules:
  - http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: ssl-redirect, port: {name: use-annotation}}}}
      - {path: /tea, pathType: Prefix, backend: {service: {name: teapot, port: {name: use-annotation}}}}
`,
			backends:  []string{"ALB Ingress shop/web: no backends"},
			workloads: []string{"Deployment shop/web <- nothing"},
		},
		{
			name: "use-annotation without its action annotation falls back to the named Service",
			items: webDeployment + "---" + webService + `---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: shop}
spec:
  ingressClassName: alb
  rules:
  - http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: web, port: {name: use-annotation}}}}
`,
			backends:  []string{"ALB Ingress shop/web -> shop/web ports=[] workloads=[Deployment shop/web] target=instance delay=300 hc=|"},
			workloads: []string{"Deployment shop/web <- ALB Ingress shop/web via web"},
		},
		{
			name: "use-annotation with an action that is not JSON: a warning, nothing fronted",
			items: webDeployment + "---" + webService + `---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  namespace: shop
  annotations:
    alb.ingress.kubernetes.io/actions.web: '{"type": "forward",'
spec:
  ingressClassName: alb
  rules:
  - http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: web, port: {name: use-annotation}}}}
`,
			backends:  []string{"ALB Ingress shop/web: no backends"},
			workloads: []string{"Deployment shop/web <- nothing"},
			results:   []string{"warning Ingress web: Ingress web: action web is not valid JSON (unexpected end of JSON input): the Services it forwards to are not checked"},
		},
		{
			name: "Service annotations replace the Ingress's key by key, each as a whole",
			items: `
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  namespace: shop
  annotations:
    alb.ingress.kubernetes.io/target-type: instance
    alb.ingress.kubernetes.io/target-group-attributes: deregistration_delay.timeout_seconds=60
    alb.ingress.kubernetes.io/healthcheck-path: /from-ingress
    alb.ingress.kubernetes.io/healthcheck-port: "8081"
spec:
  ingressClassName: alb
  rules:
  - http:
      paths:
      - {path: /a, pathType: Prefix, backend: {service: {name: plain, port: {number: 80}}}}
      - {path: /b, pathType: Prefix, backend: {service: {name: target-type, port: {number: 80}}}}
      - {path: /c, pathType: Prefix, backend: {service: {name: attributes, port: {number: 80}}}}
      - {path: /d, pathType: Prefix, backend: {service: {name: healthcheck, port: {number: 80}}}}
---
apiVersion: v1
kind: Service
metadata: {name: plain, namespace: shop}
spec: {selector: {app: a}}
---
apiVersion: v1
kind: Service
metadata:
  name: target-type
  namespace: shop
  annotations: {alb.ingress.kubernetes.io/target-type: ip}
spec: {selector: {app: b}}
---
apiVersion: v1
kind: Service
metadata:
  name: attributes
  namespace: shop
  annotations: {alb.ingress.kubernetes.io/target-group-attributes: stickiness.enabled=true}
spec: {selector: {app: c}}
---
apiVersion: v1
kind: Service
metadata:
  name: healthcheck
  namespace: shop
  annotations: {alb.ingress.kubernetes.io/healthcheck-path: /from-service}
spec: {selector: {app: d}}
`,
			backends: []string{
				"ALB Ingress shop/web -> shop/plain ports=[80] workloads=[] target=instance delay=60 hc=/from-ingress|8081",
				"ALB Ingress shop/web -> shop/target-type ports=[80] workloads=[] target=ip delay=60 hc=/from-ingress|8081",
				// The Service's attributes replace the Ingress's whole: its delay is the ELB default.
				"ALB Ingress shop/web -> shop/attributes ports=[80] workloads=[] target=instance delay=300 hc=/from-ingress|8081",
				"ALB Ingress shop/web -> shop/healthcheck ports=[80] workloads=[] target=instance delay=60 hc=/from-service|8081",
			},
		},
		{
			name: "LoadBalancer Services the LBC owns: loadBalancerClass, type external, type nlb-ip",
			items: webDeployment + `---
apiVersion: v1
kind: Service
metadata:
  name: by-class
  namespace: shop
spec:
  type: LoadBalancer
  loadBalancerClass: service.k8s.aws/nlb
  selector: {app: web}
---
apiVersion: v1
kind: Service
metadata:
  name: external
  namespace: shop
  annotations:
    service.beta.kubernetes.io/aws-load-balancer-type: external
    service.beta.kubernetes.io/aws-load-balancer-nlb-target-type: ip
    service.beta.kubernetes.io/aws-load-balancer-target-group-attributes: deregistration_delay.timeout_seconds=20,preserve_client_ip.enabled=true
    service.beta.kubernetes.io/aws-load-balancer-healthcheck-protocol: http
    service.beta.kubernetes.io/aws-load-balancer-healthcheck-path: /ready
    service.beta.kubernetes.io/aws-load-balancer-healthcheck-port: "9000"
spec:
  type: LoadBalancer
  selector: {app: web}
---
apiVersion: v1
kind: Service
metadata:
  name: nlb-ip
  namespace: shop
  annotations:
    service.beta.kubernetes.io/aws-load-balancer-type: nlb-ip
    service.beta.kubernetes.io/aws-load-balancer-healthcheck-path: /ignored-for-tcp
spec:
  type: LoadBalancer
  selector: {app: web}
`,
			backends: []string{
				"NLB Service shop/by-class -> shop/by-class ports=[] workloads=[Deployment shop/web] target=instance delay=300 hc=|",
				"NLB Service shop/external -> shop/external ports=[] workloads=[Deployment shop/web] target=ip delay=20 hc=/ready|9000",
				"NLB Service shop/nlb-ip -> shop/nlb-ip ports=[] workloads=[Deployment shop/web] target=ip delay=300 hc=|",
			},
			workloads: []string{"Deployment shop/web <- NLB Service shop/by-class via by-class; NLB Service shop/external via external; NLB Service shop/nlb-ip via nlb-ip"},
		},
		{
			name: "legacy LoadBalancer Services: no type annotation is a Classic ELB, nlb an in-tree NLB",
			items: webDeployment + `---
apiVersion: v1
kind: Service
metadata: {name: classic, namespace: shop}
spec:
  type: LoadBalancer
  selector: {app: web}
---
apiVersion: v1
kind: Service
metadata:
  name: classic-draining
  namespace: shop
  annotations:
    service.beta.kubernetes.io/aws-load-balancer-connection-draining-enabled: "true"
    service.beta.kubernetes.io/aws-load-balancer-connection-draining-timeout: "90"
    service.beta.kubernetes.io/aws-load-balancer-target-group-attributes: deregistration_delay.timeout_seconds=30
spec:
  type: LoadBalancer
  selector: {app: web}
---
apiVersion: v1
kind: Service
metadata:
  name: in-tree-nlb
  namespace: shop
  annotations:
    service.beta.kubernetes.io/aws-load-balancer-type: nlb
    service.beta.kubernetes.io/aws-load-balancer-nlb-target-type: ip
    service.beta.kubernetes.io/aws-load-balancer-target-group-attributes: deregistration_delay.timeout_seconds=30
spec:
  type: LoadBalancer
  selector: {app: web}
`,
			backends: []string{
				"Classic ELB Service shop/classic -> shop/classic ports=[] workloads=[Deployment shop/web] target=instance delay=300 hc=|",
				// Either owner may serve it: the longer of draining and the target-group delay.
				"Classic ELB Service shop/classic-draining -> shop/classic-draining ports=[] workloads=[Deployment shop/web] target=instance delay=90 hc=|",
				// The in-tree NLB reads neither annotation; its delay does not bound a pod's shutdown.
				"in-tree NLB Service shop/in-tree-nlb -> shop/in-tree-nlb ports=[] workloads=[Deployment shop/web] target=instance delay=unknown hc=|",
			},
			workloads: []string{"Deployment shop/web <- Classic ELB Service shop/classic via classic; Classic ELB Service shop/classic-draining via classic-draining; in-tree NLB Service shop/in-tree-nlb via in-tree-nlb"},
		},
		{
			name: "a LoadBalancer Service of another loadBalancerClass, and Services of other types, are not handled",
			items: webDeployment + `---
apiVersion: v1
kind: Service
metadata:
  name: metallb
  namespace: shop
  annotations: {service.beta.kubernetes.io/aws-load-balancer-type: external}
spec:
  type: LoadBalancer
  loadBalancerClass: metallb.io/metallb
  selector: {app: web}
---
apiVersion: v1
kind: Service
metadata:
  name: nodeport
  namespace: shop
  annotations: {service.beta.kubernetes.io/aws-load-balancer-type: external}
spec:
  type: NodePort
  selector: {app: web}
---
apiVersion: v1
kind: Service
metadata: {name: clusterip, namespace: shop}
spec:
  selector: {app: web}
`,
			workloads: []string{"Deployment shop/web <- nothing"},
		},
		{
			name: "TargetGroupBinding: spec.serviceRef, the declared target type, a delay known only from the config, by name or namespace/name",
			cfg: func(c *config.Config) {
				// README: a name, or namespace/name (which wins).
				c.TargetGroupBindingDelays = map[string]int{"shop/stated": 15, "stated": 99, "undeclared": 40, "other/ip": 5}
			},
			items: webDeployment + "---" + webService + `---
apiVersion: elbv2.k8s.aws/v1beta1
kind: TargetGroupBinding
metadata: {name: ip, namespace: shop}
spec:
  serviceRef: {name: web, port: 80}
  targetGroupARN: arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web/0123456789abcdef
  targetType: ip
---
apiVersion: elbv2.k8s.aws/v1beta1
kind: TargetGroupBinding
metadata: {name: undeclared, namespace: shop}
spec:
  serviceRef: {name: web, port: http}
  targetGroupARN: arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web2/0123456789abcdef
---
apiVersion: elbv2.k8s.aws/v1beta1
kind: TargetGroupBinding
metadata: {name: stated, namespace: shop}
spec:
  serviceRef: {name: web, port: 80}
  targetGroupARN: arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web3/0123456789abcdef
  targetType: instance
`,
			backends: []string{
				"TargetGroupBinding TargetGroupBinding shop/ip -> shop/web ports=[80] workloads=[Deployment shop/web] target=ip delay=unknown hc=|",
				"TargetGroupBinding TargetGroupBinding shop/undeclared -> shop/web ports=[http] workloads=[Deployment shop/web] target= delay=40 hc=|",
				"TargetGroupBinding TargetGroupBinding shop/stated -> shop/web ports=[80] workloads=[Deployment shop/web] target=instance delay=15 hc=|",
			},
			workloads: []string{"Deployment shop/web <- TargetGroupBinding TargetGroupBinding shop/ip via web; TargetGroupBinding TargetGroupBinding shop/undeclared via web; TargetGroupBinding TargetGroupBinding shop/stated via web"},
		},
		{
			name: "a TargetGroupBinding without serviceRef is an error",
			items: `
apiVersion: elbv2.k8s.aws/v1beta1
kind: TargetGroupBinding
metadata: {name: broken, namespace: shop}
spec:
  targetGroupARN: arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web/0123456789abcdef
`,
			results: []string{"error TargetGroupBinding broken: TargetGroupBinding broken: spec.serviceRef.name must name a Service"},
		},
		{
			name: "the five workload kinds, matched by the Service's selector on their pod template labels",
			items: `
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
  annotations: {service.beta.kubernetes.io/aws-load-balancer-type: external}
spec:
  type: LoadBalancer
  selector: {app: web, tier: front}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: deploy, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template: {metadata: {labels: {app: web, tier: front, extra: x}}, spec: {containers: [{name: c, image: i}]}}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: sts, namespace: shop}
spec:
  template: {metadata: {labels: {app: web, tier: front}}, spec: {containers: [{name: c, image: i}]}}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: ds, namespace: shop}
spec:
  template: {metadata: {labels: {app: web, tier: front}}, spec: {containers: [{name: c, image: i}]}}
---
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: rs, namespace: shop}
spec:
  template: {metadata: {labels: {app: web, tier: front}}, spec: {containers: [{name: c, image: i}]}}
---
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: rollout, namespace: shop}
spec:
  template: {metadata: {labels: {app: web, tier: front}}, spec: {containers: [{name: c, image: i}]}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: half-match, namespace: shop}
spec:
  template: {metadata: {labels: {app: web, tier: back}}, spec: {containers: [{name: c, image: i}]}}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: labels-on-the-object-only
  namespace: shop
  labels: {app: web, tier: front}
spec:
  template: {metadata: {labels: {app: other}}, spec: {containers: [{name: c, image: i}]}}
---
apiVersion: batch/v1
kind: Job
metadata: {name: job, namespace: shop}
spec:
  template: {metadata: {labels: {app: web, tier: front}}, spec: {containers: [{name: c, image: i}]}}
---
apiVersion: rollouts.kruise.io/v1alpha1
kind: Rollout
metadata: {name: kruise, namespace: shop}
spec:
  template: {metadata: {labels: {app: web, tier: front}}}
`,
			backends: []string{"NLB Service shop/web -> shop/web ports=[] workloads=[Deployment shop/deploy, StatefulSet shop/sts, DaemonSet shop/ds, ReplicaSet shop/rs, Rollout shop/rollout] target=instance delay=300 hc=|"},
			workloads: []string{
				"Deployment shop/deploy <- NLB Service shop/web via web",
				"StatefulSet shop/sts <- NLB Service shop/web via web",
				"DaemonSet shop/ds <- NLB Service shop/web via web",
				"ReplicaSet shop/rs <- NLB Service shop/web via web",
				"Rollout shop/rollout <- NLB Service shop/web via web",
				"Deployment shop/half-match <- nothing",
				"Deployment shop/labels-on-the-object-only <- nothing",
			},
		},
		{
			name: "a workload in another namespace is not matched",
			items: webService + `---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: shop}
spec:
  ingressClassName: alb
  rules: [{http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: staging}
spec:
  template: {metadata: {labels: {app: web}}, spec: {containers: [{name: c, image: i}]}}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: staging}
spec: {selector: {app: other}}
`,
			backends:  []string{"ALB Ingress shop/web -> shop/web ports=[80] workloads=[] target=instance delay=300 hc=|"},
			workloads: []string{"Deployment staging/web <- nothing"},
		},
		{
			name: "no namespace counts as default",
			items: `
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web}
spec:
  ingressClassName: alb
  rules: [{http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}}]
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: default}
spec: {selector: {app: web}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template: {metadata: {labels: {app: web}}, spec: {containers: [{name: c, image: i}]}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template: {metadata: {labels: {app: web}}, spec: {containers: [{name: c, image: i}]}}
`,
			backends: []string{"ALB Ingress default/web -> default/web ports=[80] workloads=[Deployment default/web] target=instance delay=300 hc=|"},
			workloads: []string{
				"Deployment default/web <- ALB Ingress default/web via web",
				"Deployment shop/web <- nothing",
			},
		},
		{
			name: "a custom resource that embeds a service block, or is a Service of another group, is not a Service",
			items: webDeployment + `---
apiVersion: example.com/v1
kind: WebApp
metadata: {name: web, namespace: shop}
spec:
  service:
    type: LoadBalancer
    selector: {app: web}
    annotations: {service.beta.kubernetes.io/aws-load-balancer-type: external}
---
apiVersion: serving.knative.dev/v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  type: LoadBalancer
  selector: {app: web}
  template: {metadata: {labels: {app: web}}}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: shop}
spec:
  ingressClassName: alb
  rules: [{http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}}]
`,
			backends:  []string{"ALB Ingress shop/web -> shop/web (not in list) ports=[80] workloads=[] target=instance delay=300 hc=|"},
			workloads: []string{"Deployment shop/web <- nothing"},
		},
		{
			name: "a Service with an empty selector has hand-made endpoints: it selects no workload",
			items: webDeployment + `---
apiVersion: v1
kind: Service
metadata:
  name: no-selector
  namespace: shop
  annotations: {service.beta.kubernetes.io/aws-load-balancer-type: external}
spec:
  type: LoadBalancer
---
apiVersion: v1
kind: Service
metadata:
  name: empty-selector
  namespace: shop
  annotations: {service.beta.kubernetes.io/aws-load-balancer-type: external}
spec:
  type: LoadBalancer
  selector: {}
`,
			backends: []string{
				"NLB Service shop/no-selector -> shop/no-selector ports=[] workloads=[] target=instance delay=300 hc=|",
				"NLB Service shop/empty-selector -> shop/empty-selector ports=[] workloads=[] target=instance delay=300 hc=|",
			},
			workloads: []string{"Deployment shop/web <- nothing"},
		},
		{
			name: "opted-out load balancers stay in the inventory, marked skipped",
			items: webDeployment + `---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
  annotations:
    lbguard.dev/skip: "true"
    service.beta.kubernetes.io/aws-load-balancer-type: external
spec:
  type: LoadBalancer
  selector: {app: web}
`,
			backends:  []string{"NLB Service shop/web (skipped) -> shop/web ports=[] workloads=[Deployment shop/web] target=instance delay=300 hc=|"},
			workloads: []string{"Deployment shop/web <- NLB Service shop/web via web"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := configDefaultsWith(tt.cfg)
			r := &model.Report{}
			inv := model.NewInventory(parseItems(t, tt.items), cfg, r)
			if got := describeBackends(inv, cfg); !reflect.DeepEqual(got, tt.backends) && !(len(got) == 0 && len(tt.backends) == 0) {
				t.Errorf("backends:\n got  %s\n want %s", strings.Join(got, "\n      "), strings.Join(tt.backends, "\n      "))
			}
			if got := describeWorkloads(inv); !reflect.DeepEqual(got, tt.workloads) && !(len(got) == 0 && len(tt.workloads) == 0) {
				t.Errorf("workloads:\n got  %s\n want %s", strings.Join(got, "\n      "), strings.Join(tt.workloads, "\n      "))
			}
			got := describeResults(r.Results)
			if !resultsMatch(got, tt.results) {
				t.Errorf("results:\n got  %s\n want %s", strings.Join(got, "\n      "), strings.Join(tt.results, "\n      "))
			}
		})
	}
}

// TestInventoryDefaultIngressClassIsDeterministic checks an Ingress without
// a class when the list has several default IngressClasses: which one the API
// server would take cannot be known here, so the Ingress counts as the LBC's
// only when every default class is the LBC's, and the answer never depends on
// map order.
func TestInventoryDefaultIngressClassIsDeterministic(t *testing.T) {
	classes := map[string]string{"a-nginx": "k8s.io/ingress-nginx", "b-alb": "ingress.k8s.aws/alb", "c-alb": "ingress.k8s.aws/alb"}
	tests := []struct {
		defaults []string
		want     int // load balancers found
	}{
		{[]string{"b-alb"}, 1},
		{[]string{"b-alb", "c-alb"}, 1},
		{[]string{"a-nginx", "b-alb"}, 0},
		{[]string{"a-nginx"}, 0},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.defaults, ","), func(t *testing.T) {
			list := webService
			for _, name := range []string{"a-nginx", "b-alb", "c-alb"} {
				annotation := ""
				for _, d := range tt.defaults {
					if d == name {
						annotation = "\n  annotations: {ingressclass.kubernetes.io/is-default-class: \"true\"}"
					}
				}
				list += fmt.Sprintf("---\napiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata:\n  name: %s%s\nspec: {controller: %s}\n", name, annotation, classes[name])
			}
			list += `---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: shop}
spec:
  rules: [{http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}}]
`
			for i := 0; i < 50; i++ {
				inv := model.NewInventory(parseItems(t, list), config.DefaultConfig(), &model.Report{})
				if got := len(inv.LoadBalancers); got != tt.want {
					t.Fatalf("run %d: %d load balancers, want %d", i, got, tt.want)
				}
			}
		})
	}
}

// resultsMatch compares results one by one; a wanted line ending in "…"
// matches any result that starts with the rest.
func resultsMatch(got, want []string) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if prefix, ok := strings.CutSuffix(want[i], "…"); ok {
			if !strings.HasPrefix(got[i], prefix) {
				return false
			}
		} else if got[i] != want[i] {
			return false
		}
	}
	return true
}

// TestInventoryIndexesEveryItemOnce checks that each item lands in exactly
// one place: a load balancer, a workload, a Namespace, a PDB, or Others.
func TestInventoryIndexesEveryItemOnce(t *testing.T) {
	items := parseItems(t, webDeployment+"---"+webService+`---
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web, namespace: shop}
spec: {maxUnavailable: 1, selector: {matchLabels: {app: web}}}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: shop}
spec: {scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}, minReplicas: 2, maxReplicas: 4}
---
apiVersion: example.com/v1
kind: Namespace
metadata: {name: not-a-namespace}
`)
	inv := model.NewInventory(items, config.DefaultConfig(), &model.Report{})
	if len(inv.Namespaces) != 1 || inv.Namespaces["shop"] == nil {
		t.Errorf("Namespaces = %v, want only shop", keysOf(inv.Namespaces))
	}
	if len(inv.PDBs) != 1 || inv.PDBs[0].GetName() != "web" {
		t.Errorf("PDBs = %d, want the one PodDisruptionBudget", len(inv.PDBs))
	}
	if len(inv.Workloads) != 1 {
		t.Errorf("Workloads = %d, want 1", len(inv.Workloads))
	}
	var others []string
	for _, o := range inv.Others {
		others = append(others, o.GetAPIVersion()+" "+objectID(o))
	}
	want := []string{"autoscaling/v2 HorizontalPodAutoscaler shop/web", "example.com/v1 Namespace default/not-a-namespace"}
	if !reflect.DeepEqual(others, want) {
		t.Errorf("Others = %q, want %q", others, want)
	}
}

func keysOf(m map[string]*fn.KubeObject) []string {
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	return keys
}
