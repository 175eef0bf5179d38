package transformers

import (
	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/internal/yamlnode"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

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

// annotation is the annotation key of the object whose root node is root,
// found in its YAML: GetAnnotations decodes every annotation at each call,
// and the rules ask for one at a time, many times over. identify has made
// sure that every annotation value is a string.
func annotation(root *yaml.Node, key string) (string, bool) {
	return yamlnode.StringAt(root, "metadata", "annotations", key)
}

// annotationValue is the annotation key, or "" when there is none.
func annotationValue(root *yaml.Node, key string) string {
	v, _ := annotation(root, key)
	return v
}

// label is the label key, as annotation is the annotation.
func label(root *yaml.Node, key string) (string, bool) {
	return yamlnode.StringAt(root, "metadata", "labels", key)
}

// setAnnotationOf and setLabelOf set a key in obj's annotations or labels, which
// may be null ("annotations:" with nothing after it, which the API server
// reads as none): the SDK cannot set a key in null, so it becomes a map.
// root is obj's root node.
func setAnnotationOf(obj *fn.KubeObject, root *yaml.Node, key, value string) error {
	nullToMap(root, "annotations")
	return obj.SetAnnotation(key, value)
}

func setLabelOf(obj *fn.KubeObject, root *yaml.Node, key, value string) error {
	nullToMap(root, "labels")
	return obj.SetLabel(key, value)
}

func nullToMap(root *yaml.Node, field string) {
	if n := yamlnode.Find(root, "metadata", field); n != nil && yamlnode.IsNull(n) {
		n.Kind, n.Tag, n.Value, n.Style = yaml.MappingNode, yaml.NodeTagMap, "", 0
	}
}
