package timing

// The sources that latencies, windows and checks cite, by id, with where
// docs/timing.md reads them; SVG titles and reports print the reference.
var sources = map[string]string{
	"calibration":                "the user's own measurement (Input.Calibration; docs/timing.md §6.4)",
	"derived":                    "docs/timing.md: arithmetic on the sources it cites [derived]",
	"k8s:pod-lifecycle":          "docs/timing.md §1.1; https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-termination-flow",
	"k8s:endpointslice-batch":    "docs/timing.md §1.1; kube-controller-manager --endpointslice-updates-batch-period, default 0 (kubernetes/kubernetes#88745)",
	"k8s:kube-proxy-flags":       "docs/timing.md §1.1; kube-proxy --iptables-min-sync-period 1 s (kubernetes/kubernetes#92836), --iptables-sync-period 30 s",
	"k8s:probe":                  "docs/timing.md §2; core/v1 Probe defaults: period 10, timeout 1, failureThreshold 3, successThreshold 1",
	"k8s:deployment":             "docs/timing.md §2; https://kubernetes.io/docs/concepts/workloads/controllers/deployment/",
	"k8s:disruption":             "docs/timing.md §3; kubernetes/kubernetes pkg/controller/disruption/disruption.go",
	"kubectl:drain":              "docs/timing.md §3; kubernetes/kubectl pkg/cmd/drain/drain.go: EvictErrorRetryDelay 5 s",
	"k8s:legacy-elb-healthcheck": "kubernetes legacy cloud provider aws.go: Classic ELB health check interval 10, timeout 5, healthy 2, unhealthy 6",
	"LBC:code":                   "docs/timing.md §1.2; aws-load-balancer-controller @225f4456: controllers/elbv2, pkg/aws/throttle/defaults.go",
	"LBC:requeue":                "docs/timing.md §1.2; --targetgroupbinding-requeue-duration 15 s (pkg/config/controller_config.go)",
	"LBC:ingress-healthcheck":    "docs/timing.md §2; LBC pkg/ingress/model_builder.go: interval 15, timeout 5, healthy 2, unhealthy 2",
	"LBC:service-healthcheck":    "docs/timing.md §2; LBC pkg/service/model_builder.go: interval 10, timeout 10, healthy 3, unhealthy 3; instance with externalTrafficPolicy Local 10/6/2/2",
	"LBC:gateway-healthcheck":    "docs/gateway.md §1.7; LBC pkg/gateway/model/model_build_target_group.go: interval 15, timeout 5, healthy 3, unhealthy 3",
	"aws:target-group-defaults":  "docs/timing.md §7: interval 30, healthy 5; ELB API CreateTargetGroup: timeout 6 (HTTP) or 10 (TCP), unhealthy 2",
	"aws:alb-health-checks":      "docs/timing.md §2; https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html: a new target must pass one check",
	"aws:nlb-register-targets":   "docs/timing.md §1.3; https://docs.aws.amazon.com/elasticloadbalancing/latest/network/target-group-register-targets.html: \"a few minutes\"",
	"aws:deregistration-delay":   "docs/timing.md §1.3; https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-target-groups.html#deregistration-delay: default 300 s",
	"aws:alb-idle-timeout":       "docs/timing.md §1.3; https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-load-balancer-attributes.html#connection-idle-timeout: 60 s",
	"LBC#905":                    "docs/timing.md §1.3; https://github.com/kubernetes-sigs/aws-load-balancer-controller/issues/905",
	"LBC#1064":                   "docs/timing.md §1.3; https://github.com/kubernetes-sigs/aws-load-balancer-controller/issues/1064",
	"LBC#1719":                   "docs/timing.md §1.3; https://github.com/kubernetes-sigs/aws-load-balancer-controller/issues/1719",
	"LBC#1786":                   "docs/timing.md §2; https://github.com/kubernetes-sigs/aws-load-balancer-controller/issues/1786",
	"LBC#1834":                   "docs/timing.md §2; https://github.com/kubernetes-sigs/aws-load-balancer-controller/issues/1834",
	"LBC#2366":                   "docs/timing.md §1.3; https://github.com/kubernetes-sigs/aws-load-balancer-controller/issues/2366",
	"LBC#3270":                   "docs/timing.md §1.3; https://github.com/kubernetes-sigs/aws-load-balancer-controller/issues/3270",
	"containers-roadmap#470":     "docs/timing.md §1.3; https://github.com/aws/containers-roadmap/issues/470",
	"containers-roadmap#2511":    "docs/timing.md §2; https://github.com/aws/containers-roadmap/issues/2511",
	"elb-nlb-guide#11":           "docs/timing.md §2; https://github.com/awsdocs/elb-network-load-balancers-user-guide/issues/11",
	"glasskube-2025":             "docs/timing.md §1.3; thekubernaut/glasskube.dev blog/2025-03-03-aws-eks-0-downtime: 5–15 s to propagate",
	"chalk-2020":                 "docs/timing.md §1.3; 0xlen/chalk _posts/2020-10-20 zero-downtime deployment: 10–15 s",
	"CA:flags":                   "docs/timing.md §3; cluster-autoscaler --max-graceful-termination-sec 600, --max-pod-eviction-time 2m",
	"karpenter:disruption":       "docs/timing.md §3; https://karpenter.sh/docs/concepts/disruption/: pods deleted at TGP − G",
	"MNG:update-behavior":        "docs/timing.md §3; https://docs.aws.amazon.com/eks/latest/userguide/managed-node-update-behavior.html: drain fails after 15 min",
	"spot:notice":                "docs/timing.md §3; EC2 Spot interruption notice: 2 minutes",
}

// SourceRef is the reference behind a source id, and whether the id is known.
func SourceRef(id string) (string, bool) {
	ref, ok := sources[id]
	return ref, ok
}
