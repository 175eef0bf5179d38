package timing

// The fields that close a window (docs/rules.md, rules R2, R3, R5, R6).
const (
	preStopField       = "spec.template.spec.containers[].lifecycle.preStop.sleep.seconds"
	graceField         = "spec.template.spec.terminationGracePeriodSeconds"
	minReadyField      = "spec.minReadySeconds"
	readinessGateField = "Namespace metadata.labels[elbv2.k8s.aws/pod-readiness-gate-inject]=enabled"
	keepAliveSetting   = "the app's keep-alive (idle) timeout, above the load balancer's idle timeout"
	onDemandSetting    = "spec.template.spec.nodeSelector for on-demand capacity, or a preStop that fails the health check first"
	nodePoolGraceField = "NodePool spec.template.spec.terminationGracePeriod"
	nodeExclusionFlow  = "remove nodes through Cluster Autoscaler, Karpenter or a managed node group, which exclude the node from the load balancer first"
	nodeKeepAlive      = "keep an excluded node forwarding for δ + P + R before terminating it"
)

// deregistrationDelayField is where D is set for the object that ties the
// workload to its target group.
func deregistrationDelayField(front Front, kind Kind) string {
	const attr = "deregistration_delay.timeout_seconds"
	switch {
	case kind == Classic:
		return "metadata.annotations[service.beta.kubernetes.io/aws-load-balancer-connection-draining-timeout]"
	case front == FrontTargetGroupBinding:
		return "the target group's " + attr + ", where the target group is managed"
	case front == FrontGatewayRoute:
		return "TargetGroupConfiguration spec.defaultConfiguration.targetGroupAttributes: " + attr
	case front == FrontService || kind == NLB:
		return "metadata.annotations[service.beta.kubernetes.io/aws-load-balancer-target-group-attributes]: " + attr
	default:
		return "metadata.annotations[alb.ingress.kubernetes.io/target-group-attributes]: " + attr
	}
}
