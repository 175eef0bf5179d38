package transformers

// Annotations and labels of the AWS Load Balancer Controller (LBC), the in-tree
// AWS cloud provider, and lbguard itself.
const (
	albPrefix = "alb.ingress.kubernetes.io/"

	albTargetType             = albPrefix + "target-type"
	albTargetGroupAttributes  = albPrefix + "target-group-attributes"
	albHealthCheckPath        = albPrefix + "healthcheck-path"
	albHealthCheckPort        = albPrefix + "healthcheck-port"
	albHealthCheckProtocol    = albPrefix + "healthcheck-protocol"
	albBackendProtocol        = albPrefix + "backend-protocol"
	albBackendProtocolVersion = albPrefix + "backend-protocol-version"
	albActionPrefix           = albPrefix + "actions."
	legacyIngressClass        = "kubernetes.io/ingress.class"
	defaultIngressClass       = "ingressclass.kubernetes.io/is-default-class"
	lbcIngressController      = "ingress.k8s.aws/alb"
	autoModeIngressController = "eks.amazonaws.com/alb"
	lbcDefaultIngressClass    = "alb"

	svcPrefix = "service.beta.kubernetes.io/aws-load-balancer-"

	svcLBType                 = svcPrefix + "type"
	svcNLBTargetType          = svcPrefix + "nlb-target-type"
	svcTargetGroupAttributes  = svcPrefix + "target-group-attributes"
	svcHealthCheckPath        = svcPrefix + "healthcheck-path"
	svcHealthCheckPort        = svcPrefix + "healthcheck-port"
	svcHealthCheckProtocol    = svcPrefix + "healthcheck-protocol"
	svcConnectionDraining     = svcPrefix + "connection-draining-enabled"
	svcConnectionDrainTimeout = svcPrefix + "connection-draining-timeout"
	lbcLoadBalancerClass      = "service.k8s.aws/nlb"

	readinessGateLabel = "elbv2.k8s.aws/pod-readiness-gate-inject"

	deregistrationDelayAttribute = "deregistration_delay.timeout_seconds"

	// lbguard's own per-resource switches.
	skipAnnotation            = "lbguard.dev/skip"
	preStopSecondsAnnotation  = "lbguard.dev/prestop-seconds"
	shutdownSecondsAnnotation = "lbguard.dev/shutdown-seconds"
	generatedByLabel          = "app.kubernetes.io/managed-by"
	generatedByValue          = "lbguard"
)

// annotationPath is the field path of an annotation in results.
func annotationPath(key string) string { return "metadata.annotations[" + key + "]" }

// labelPath is the field path of a label in results.
func labelPath(key string) string { return "metadata.labels[" + key + "]" }
