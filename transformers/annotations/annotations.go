// Package annotations holds the keys of the annotations and labels lbguard
// reads and writes (the AWS Load Balancer Controller's, the in-tree cloud
// provider's, lbguard's own), their parsing (the LBC's string maps) and
// the node helpers that read and set them, as the LBC's pkg/annotations does.
package annotations

import (
	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/internal/yamlnode"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Annotations and labels of the AWS Load Balancer Controller (LBC), the in-tree
// AWS cloud provider, and lbguard itself.
const (
	ALBPrefix = "alb.ingress.kubernetes.io/"

	ALBTargetType             = ALBPrefix + "target-type"
	ALBTargetGroupAttributes  = ALBPrefix + "target-group-attributes"
	ALBHealthCheckPath        = ALBPrefix + "healthcheck-path"
	ALBHealthCheckPort        = ALBPrefix + "healthcheck-port"
	ALBHealthCheckProtocol    = ALBPrefix + "healthcheck-protocol"
	ALBBackendProtocol        = ALBPrefix + "backend-protocol"
	ALBBackendProtocolVersion = ALBPrefix + "backend-protocol-version"
	ALBActionPrefix           = ALBPrefix + "actions."
	LegacyIngressClass        = "kubernetes.io/ingress.class"
	DefaultIngressClass       = "ingressclass.kubernetes.io/is-default-class"
	LBCIngressController      = "ingress.k8s.aws/alb"
	AutoModeIngressController = "eks.amazonaws.com/alb"
	LBCDefaultIngressClass    = "alb"

	SvcPrefix = "service.beta.kubernetes.io/aws-load-balancer-"

	SvcLBType                 = SvcPrefix + "type"
	SvcNLBTargetType          = SvcPrefix + "nlb-target-type"
	SvcTargetGroupAttributes  = SvcPrefix + "target-group-attributes"
	SvcHealthCheckPath        = SvcPrefix + "healthcheck-path"
	SvcHealthCheckPort        = SvcPrefix + "healthcheck-port"
	SvcHealthCheckProtocol    = SvcPrefix + "healthcheck-protocol"
	SvcConnectionDraining     = SvcPrefix + "connection-draining-enabled"
	SvcConnectionDrainTimeout = SvcPrefix + "connection-draining-timeout"
	LBCLoadBalancerClass      = "service.k8s.aws/nlb"

	ReadinessGateLabel = "elbv2.k8s.aws/pod-readiness-gate-inject"

	DeregistrationDelayAttribute = "deregistration_delay.timeout_seconds"

	// lbguard's own per-resource switches.
	SkipAnnotation            = "lbguard.dev/skip"
	PreStopSecondsAnnotation  = "lbguard.dev/prestop-seconds"
	ShutdownSecondsAnnotation = "lbguard.dev/shutdown-seconds"
	GeneratedByLabel          = "app.kubernetes.io/managed-by"
	GeneratedByValue          = "lbguard"
)

// annotationPath is the field path of an annotation in results.
func Path(key string) string { return "metadata.annotations[" + key + "]" }

// labelPath is the field path of a label in results.
func LabelPath(key string) string { return "metadata.labels[" + key + "]" }

// annotation is the annotation key of the object whose root node is root,
// found in its YAML: GetAnnotations decodes every annotation at each call,
// and the rules ask for one at a time, many times over. identify has made
// sure that every annotation value is a string.
func Get(root *yaml.Node, key string) (string, bool) {
	return yamlnode.StringAt(root, "metadata", "annotations", key)
}

// annotationValue is the annotation key, or "" when there is none.
func Value(root *yaml.Node, key string) string {
	v, _ := Get(root, key)
	return v
}

// label is the label key, as annotation is the annotation.
func Label(root *yaml.Node, key string) (string, bool) {
	return yamlnode.StringAt(root, "metadata", "labels", key)
}

// setAnnotationOf and setLabelOf set a key in obj's annotations or labels, which
// may be null ("annotations:" with nothing after it, which the API server
// reads as none): the SDK cannot set a key in null, so it becomes a map.
// root is obj's root node.
func Set(obj *fn.KubeObject, root *yaml.Node, key, value string) error {
	NullToMap(root, "annotations")
	return obj.SetAnnotation(key, value)
}

func SetLabel(obj *fn.KubeObject, root *yaml.Node, key, value string) error {
	NullToMap(root, "labels")
	return obj.SetLabel(key, value)
}

func NullToMap(root *yaml.Node, field string) {
	if n := yamlnode.Find(root, "metadata", field); n != nil && yamlnode.IsNull(n) {
		n.Kind, n.Tag, n.Value, n.Style = yaml.MappingNode, yaml.NodeTagMap, "", 0
	}
}
