package apiserver

import (
	"errors"
	"os"
	"strings"
	"testing"
)

func TestMain(m *testing.M) { os.Exit(Main(m)) }

const validDeployment = `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      terminationGracePeriodSeconds: 30
      containers:
      - name: web
        image: nginx:1.27
        ports:
        - containerPort: 8080
        readinessProbe:
          httpGet: {path: /healthz, port: 8080}
        lifecycle:
          preStop:
            sleep: {seconds: 15}
        resources:
          requests: {cpu: 100m, memory: 64Mi}
`

// Each case names the fragments the server's message must contain.
var dryRunCases = []struct {
	name   string
	obj    string
	reject []string // nil: must be accepted
}{
	{name: "valid Deployment", obj: validDeployment},
	{
		name:   "preStop sleep longer than grace period",
		obj:    strings.Replace(validDeployment, "sleep: {seconds: 15}", "sleep: {seconds: 60}", 1),
		reject: []string{"spec.template.spec.containers[0].lifecycle.preStop.sleep: Invalid value: 60", "less than terminationGracePeriodSeconds (30)"},
	},
	{
		name: "preStop sleep longer than the default grace period",
		obj: strings.Replace(strings.Replace(validDeployment,
			"sleep: {seconds: 15}", "sleep: {seconds: 45}", 1),
			"      terminationGracePeriodSeconds: 30\n", "", 1),
		reject: []string{"preStop.sleep: Invalid value: 45", "less than terminationGracePeriodSeconds (30)"},
	},
	{
		name: "probe with two handlers",
		obj: strings.Replace(validDeployment,
			"httpGet: {path: /healthz, port: 8080}",
			"httpGet: {path: /healthz, port: 8080}\n          tcpSocket: {port: 8080}", 1),
		reject: []string{"readinessProbe.tcpSocket", "may not specify more than 1 handler type"},
	},
	{
		name: "unknown field",
		obj: strings.Replace(validDeployment,
			"terminationGracePeriodSeconds: 30", "terminationGracePeriodSeconds: 30\n      terminationGraceSeconds: 30", 1),
		reject: []string{`unknown field "spec.template.spec.terminationGraceSeconds"`},
	},
	{
		name: "duplicate field",
		obj: strings.Replace(validDeployment,
			"replicas: 2", "replicas: 2\n  replicas: 3", 1),
		reject: []string{"strict decoding error", `key "replicas" already set`},
	},
	{
		name: "valid PodDisruptionBudget",
		obj: `
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web, namespace: shop}
spec:
  maxUnavailable: 1
  selector:
    matchLabels: {app: web}
`,
	},
	{
		name: "PodDisruptionBudget with minAvailable and maxUnavailable",
		obj: `
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web, namespace: shop}
spec:
  minAvailable: 1
  maxUnavailable: 1
  selector:
    matchLabels: {app: web}
`,
		reject: []string{"minAvailable and maxUnavailable cannot be both set"},
	},
	{
		name: "valid Service",
		obj: `
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector: {app: web}
  ports:
  - {name: http, port: 80, targetPort: 8080}
`,
	},
	{
		name: "valid Ingress",
		obj: `
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  namespace: shop
  annotations:
    alb.ingress.kubernetes.io/target-type: ip
spec:
  ingressClassName: alb
  rules:
  - http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service: {name: web, port: {number: 80}}
`,
	},
	{
		name: "valid Rollout",
		obj: `
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: web, namespace: shop}
spec:
  replicas: 3
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      terminationGracePeriodSeconds: 30
      containers:
      - name: web
        image: nginx:1.27
        readinessProbe:
          httpGet: {path: /healthz, port: 8080}
        lifecycle:
          preStop:
            sleep: {seconds: 15}
        resources:
          requests: {cpu: 1, memory: 64Mi}
  strategy:
    canary:
      canaryService: web-canary
      stableService: web
      maxSurge: 25%
      maxUnavailable: 0
      trafficRouting:
        alb:
          ingress: web
          servicePort: 80
      steps:
      - setWeight: 20
      - pause: {duration: 30s}
      - setWeight: 50
      - pause: {}
`,
	},
	{
		name: "Rollout with an unknown field in the pod template",
		obj: `
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: web, namespace: shop}
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.27
        lifecycle:
          preStop:
            sleepSeconds: 15
  strategy:
    blueGreen:
      activeService: web
`,
		reject: []string{`unknown field "spec.template.spec.containers[0].lifecycle.preStop.sleepSeconds"`},
	},
	{
		name: "valid TargetGroupBinding",
		obj: `
apiVersion: elbv2.k8s.aws/v1beta1
kind: TargetGroupBinding
metadata: {name: web, namespace: shop}
spec:
  serviceRef: {name: web, port: 80}
  targetGroupARN: arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web/0123456789abcdef
  targetType: ip
  networking:
    ingress:
    - from:
      - securityGroup: {groupID: sg-0123456789abcdef0}
      ports:
      - {port: 8080, protocol: TCP}
`,
	},
	{
		name: "TargetGroupBinding with a bad targetType",
		obj: `
apiVersion: elbv2.k8s.aws/v1beta1
kind: TargetGroupBinding
metadata: {name: web, namespace: shop}
spec:
  serviceRef: {name: web, port: 80}
  targetGroupARN: arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web/0123456789abcdef
  targetType: pod
`,
		reject: []string{"spec.targetType", `supported values: "instance", "ip"`},
	},
	{
		name: "valid TCPRoute v1alpha2 (experimental channel)",
		obj: `
apiVersion: gateway.networking.k8s.io/v1alpha2
kind: TCPRoute
metadata: {name: db, namespace: shop}
spec:
  parentRefs:
  - {name: nlb, sectionName: tcp}
  rules:
  - backendRefs:
    - {name: db, port: 5432}
`,
	},
	{
		name: "valid TargetGroupConfiguration",
		obj:  validTGC,
	},
	{
		name:   "TargetGroupConfiguration with an unknown field",
		obj:    strings.Replace(validTGC, "targetType: ip", "targetTyp: ip", 1),
		reject: []string{`unknown field "spec.defaultConfiguration.targetTyp"`},
	},
	{
		name:   "TargetGroupConfiguration v1beta1 with a bad targetType in a route entry",
		obj:    strings.Replace(strings.Replace(validTGC, "gateway.k8s.aws/v1", "gateway.k8s.aws/v1beta1", 1), "targetType: instance", "targetType: pod", 1),
		reject: []string{"spec.routeConfigurations[0].targetGroupProps.targetType", `supported values: "instance", "ip"`},
	},
	{
		name: "LoadBalancerConfiguration with a bad mergingMode",
		obj: `
apiVersion: gateway.k8s.aws/v1beta1
kind: LoadBalancerConfiguration
metadata: {name: defaults, namespace: infra}
spec:
  scheme: internet-facing
  defaultTargetGroupConfiguration: {name: ip-targets}
  mergingMode: prefer-class
`,
		reject: []string{"spec.mergingMode", `supported values: "prefer-gateway-class", "prefer-gateway"`},
	},
}

// validTGC is a TargetGroupConfiguration as lbguard writes or edits one.
const validTGC = `
apiVersion: gateway.k8s.aws/v1
kind: TargetGroupConfiguration
metadata: {name: lbguard-web, namespace: shop}
spec:
  targetReference: {name: web}
  defaultConfiguration:
    targetType: ip
    targetGroupAttributes:
    - {key: deregistration_delay.timeout_seconds, value: "30"}
    healthCheckConfig:
      healthCheckPath: /healthz
      healthCheckPort: "8080"
      healthCheckProtocol: HTTP
      healthCheckInterval: 15
      matcher: {httpCode: "200"}
  routeConfigurations:
  - routeIdentifier: {kind: HTTPRoute, namespace: shop, name: web}
    targetGroupProps:
      targetType: instance
      nodeSelector:
        matchLabels: {pool: web}
`

func TestDryRun(t *testing.T) {
	s := Shared(t)
	t.Logf("start-up took %s", s.StartupTime)
	for _, tc := range dryRunCases {
		t.Run(tc.name, func(t *testing.T) {
			err := s.DryRun([]byte(tc.obj))
			if tc.reject == nil {
				if err != nil {
					t.Fatalf("want accepted, got: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("want rejected with %q, got accepted", tc.reject)
			}
			var rej *RejectedError
			if !errors.As(err, &rej) {
				t.Fatalf("want a *RejectedError, got %T: %v", err, err)
			}
			for _, want := range tc.reject {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("message lacks %q:\n%v", want, err)
				}
			}
			t.Logf("rejected: %v", err)
		})
	}
}

// A dry run stores nothing: the same object is accepted twice.
func TestDryRunStoresNothing(t *testing.T) {
	s := Shared(t)
	for i := 0; i < 2; i++ {
		if err := s.DryRun([]byte(validDeployment)); err != nil {
			t.Fatalf("attempt %d: %v", i, err)
		}
	}
}

func TestDryRunAllResourceList(t *testing.T) {
	s := Shared(t)
	list := `
apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: a, namespace: other}
  data: {k: v}
- apiVersion: policy/v1
  kind: PodDisruptionBudget
  metadata: {name: b, namespace: other}
  spec: {minAvailable: 1, maxUnavailable: 1}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: c}
data: {k: v}
`
	err := s.DryRunAll([]byte(list))
	if err == nil || !strings.Contains(err.Error(), "PodDisruptionBudget other/b") ||
		strings.Contains(err.Error(), "ConfigMap") {
		t.Fatalf("want only the PodDisruptionBudget refused, got: %v", err)
	}
}

func TestDryRunDiscovery(t *testing.T) {
	s := Shared(t)
	// Not in the table of known kinds: found through discovery.
	role := `
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: r, namespace: shop}
rules:
- apiGroups: [""]
  resources: [pods]
  verbs: [get]
`
	if err := s.DryRun([]byte(role)); err != nil {
		t.Fatal(err)
	}
	if !s.Served("rbac.authorization.k8s.io/v1", "Role") || s.Served("policy/v1beta1", "PodDisruptionBudget") {
		t.Error("Served is wrong about Role or policy/v1beta1")
	}
	for _, obj := range []string{
		"apiVersion: example.com/v1\nkind: Nope\nmetadata: {name: x}\n",
		// Removed in Kubernetes 1.25.
		"apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata: {name: x}\nspec: {minAvailable: 1}\n",
	} {
		err := s.DryRun([]byte(obj))
		if !errors.Is(err, ErrNotServed) {
			t.Errorf("want ErrNotServed, got %v", err)
		}
	}
}

// A Namespace document validates even when the namespace was already made
// for an earlier object (or exists for another reason).
func TestDryRunExistingNamespace(t *testing.T) {
	s := Shared(t)
	stream := `
apiVersion: v1
kind: ConfigMap
metadata: {name: a, namespace: made-first}
---
apiVersion: v1
kind: Namespace
metadata:
  name: made-first
  labels: {team: web}
`
	if err := s.DryRunAll([]byte(stream)); err != nil {
		t.Fatal(err)
	}
	bad := "apiVersion: v1\nkind: Namespace\nmetadata: {name: made-first}\nspec: {finalizerz: [x]}\n"
	if err := s.DryRun([]byte(bad)); err == nil || !strings.Contains(err.Error(), `unknown field "spec.finalizerz"`) {
		t.Fatalf("want unknown field, got %v", err)
	}
}

// Without the module and a proxy to fetch it from, the Gateway API CRDs
// cannot be had: the tests skip (or fail under LBGUARD_REQUIRE_APISERVER=1)
// and say which module is missing.
func TestGatewayAPICRDsUnavailable(t *testing.T) {
	t.Setenv("GOMODCACHE", t.TempDir())
	t.Setenv("GOPROXY", "off")
	root, err := repoRoot()
	if err != nil {
		t.Fatal(err)
	}
	_, err = gatewayAPICRDs(root)
	var u *unavailableError
	if !errors.As(err, &u) || !strings.Contains(err.Error(), GatewayAPIModule) {
		t.Fatalf("want an unavailable error naming %s, got %v", GatewayAPIModule, err)
	}
	t.Log(err)
}
