package explain

import (
	"bytes"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/lbguard/lbguard/internal/cli"
	"github.com/lbguard/lbguard/timing"
	"github.com/lbguard/lbguard/transformers/config"
)

// fuzzManifests writes a workload behind a load balancer from the fuzzer's
// values: what the adapter reads, in the shapes a manifest may give it.
func fuzzManifests(lb uint8, replicas int, preStop, grace, delay int, surge, unavailable string, gate bool, period, minReady int) string {
	ns := "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n"
	if gate {
		ns += "  labels:\n    elbv2.k8s.aws/pod-readiness-gate-inject: enabled\n"
	}
	attrs := fmt.Sprintf("deregistration_delay.timeout_seconds=%d", delay)
	fronts := []string{
		"apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\n  namespace: shop\n  annotations:\n    alb.ingress.kubernetes.io/target-type: ip\n    alb.ingress.kubernetes.io/target-group-attributes: " + attrs + "\nspec:\n  ingressClassName: alb\n  defaultBackend:\n    service:\n      name: web\n      port:\n        number: 80\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  selector:\n    app: web\n  ports:\n  - port: 80\n",
		"apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: shop\n  annotations:\n    service.beta.kubernetes.io/aws-load-balancer-type: external\n    service.beta.kubernetes.io/aws-load-balancer-target-group-attributes: " + attrs + "\nspec:\n  type: LoadBalancer\n  selector:\n    app: web\n  ports:\n  - port: 80\n",
		"apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  type: LoadBalancer\n  externalTrafficPolicy: Local\n  selector:\n    app: web\n  ports:\n  - port: 80\n",
		"apiVersion: elbv2.k8s.aws/v1beta1\nkind: TargetGroupBinding\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  targetType: ip\n  serviceRef:\n    name: web\n    port: 80\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  selector:\n    app: web\n  ports:\n  - port: 80\n",
	}
	workload := fmt.Sprintf(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  replicas: %d
  minReadySeconds: %d
  strategy:
    rollingUpdate:
      maxSurge: %q
      maxUnavailable: %q
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      terminationGracePeriodSeconds: %d
      containers:
      - name: web
        image: web
        ports:
        - containerPort: 80
        readinessProbe:
          tcpSocket:
            port: 80
          periodSeconds: %d
        lifecycle:
          preStop:
            sleep:
              seconds: %d
`, replicas, minReady, surge, unavailable, grace, period, preStop)
	return ns + "---\n" + fronts[int(lb)%len(fronts)] + "---\n" + workload
}

// FuzzExplain: whatever the manifests and flags say, the adapter and the
// model give no negative and no NaN window, and the timeline is SVG.
func FuzzExplain(f *testing.F) {
	f.Add(uint8(0), 3, 0, 30, 300, "25%", "25%", false, 10, 0, 100.0, 5.0, uint8(0))
	f.Add(uint8(1), 3, 180, 200, 30, "1", "0", true, 10, 0, 100.0, 5.0, uint8(15))
	f.Add(uint8(2), 10, 5, 1, 0, "0", "0", false, 1, 600, 0.0, 0.5, uint8(8))
	f.Add(uint8(3), 0, 4000, 0, 3600, "100%", "100%", true, 0, 5, 1e6, 3600.0, uint8(31))
	f.Fuzz(func(t *testing.T, lb uint8, replicas, preStop, grace, delay int, surge, unavailable string, gate bool, period, minReady int, rps, requestSeconds float64, platform uint8) {
		if replicas > 300 || replicas < -1 || strings.ContainsAny(surge+unavailable, "\"\\\n") {
			return // a large rollout only takes time; quotes would break the YAML written
		}
		configPath := ""
		units, err := cli.ReadUnits([]string{"-"}, strings.NewReader(fuzzManifests(lb, replicas, preStop, grace, delay, surge, unavailable, gate, period, minReady)), &configPath, cli.InputFlags{})
		if err != nil {
			return
		}
		defer units.Close()
		if len(units.Units) != 1 {
			return
		}
		items := units.Units[0].Objects
		opts := Options{Traffic: timing.Traffic{RPS: rps, RequestSeconds: requestSeconds}, AutoMode: platform&16 != 0,
			Platform: timing.Platform{ClusterAutoscaler: platform&1 != 0, Karpenter: platform&2 != 0, ManagedNodeGroup: platform&4 != 0, Spot: platform&8 != 0, PodsPerNode: int(platform % 5)}}
		findings := Run(items, config.DefaultConfig(), opts)
		for _, f := range findings {
			for _, x := range []timing.Explanation{f.NowX, f.AfterX} {
				for _, w := range x.Windows {
					for _, v := range []float64{w.Seconds.Typical, w.Seconds.Worst, w.FailureSeconds.Typical, w.FailureSeconds.Worst} {
						if math.IsNaN(v) || v < 0 || math.IsInf(v, 0) {
							t.Fatalf("%s = %v", w.ID, v)
						}
					}
				}
				for _, v := range []float64{x.FailureSeconds.Typical, x.FailureSeconds.Worst} {
					if math.IsNaN(v) || v < 0 {
						t.Fatalf("failure-seconds = %v", v)
					}
				}
			}
			var svg bytes.Buffer
			if err := WriteSVG(&svg, f); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(svg.String(), "NaN") || strings.Contains(svg.String(), "Inf") {
				t.Fatalf("the timeline holds NaN or Inf")
			}
			checkSVG(t, svg.String())
		}
	})
}
