package render

import "strings"

// `helm install -n shop` puts every namespaced resource a chart renders
// without a namespace into shop: the API server takes the request's. When a
// namespace is given (--namespace, the repository config), a chart's
// resources are read the same way, so that findings name the namespace the
// release will use, not "default". Without one nothing is added: Helm's
// default is "default", which an absent namespace means already.

// clusterScoped are the kinds, by group and kind, that have no namespace.
var clusterScoped = map[string]bool{
	"/Namespace": true, "/Node": true, "/PersistentVolume": true, "/ComponentStatus": true,
	"rbac.authorization.k8s.io/ClusterRole": true, "rbac.authorization.k8s.io/ClusterRoleBinding": true,
	"apiextensions.k8s.io/CustomResourceDefinition": true, "apiregistration.k8s.io/APIService": true,
	"storage.k8s.io/StorageClass": true, "storage.k8s.io/CSIDriver": true, "storage.k8s.io/CSINode": true,
	"storage.k8s.io/VolumeAttachment": true, "scheduling.k8s.io/PriorityClass": true,
	"node.k8s.io/RuntimeClass": true, "networking.k8s.io/IngressClass": true,
	"admissionregistration.k8s.io/ValidatingWebhookConfiguration":   true,
	"admissionregistration.k8s.io/MutatingWebhookConfiguration":     true,
	"admissionregistration.k8s.io/ValidatingAdmissionPolicy":        true,
	"admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding": true,
	"certificates.k8s.io/CertificateSigningRequest":                 true,
	"flowcontrol.apiserver.k8s.io/FlowSchema":                       true,
	"flowcontrol.apiserver.k8s.io/PriorityLevelConfiguration":       true,
	"gateway.networking.k8s.io/GatewayClass":                        true,
	"elbv2.k8s.aws/IngressClassParams":                              true,
	"policy/PodSecurityPolicy":                                      true,
	"cert-manager.io/ClusterIssuer":                                 true,
	"karpenter.sh/NodePool":                                         true,
	"karpenter.k8s.aws/EC2NodeClass":                                true,
}

// inReleaseNamespace sets namespace on each namespaced document that has
// none.
func inReleaseNamespace(docs []*Document, namespace string) error {
	for _, d := range docs {
		group, _, _ := strings.Cut(d.Object.GetApiVersion(), "/")
		if !strings.Contains(d.Object.GetApiVersion(), "/") {
			group = ""
		}
		if d.Object.GetNamespace() != "" || clusterScoped[group+"/"+d.Object.GetKind()] {
			continue
		}
		if err := d.Object.SetNamespace(namespace); err != nil {
			return err
		}
	}
	return nil
}
