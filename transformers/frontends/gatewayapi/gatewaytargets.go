package gatewayapi

import (
	"github.com/lbguard/lbguard/transformers/model"
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/internal/yamlnode"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// The target-group settings of each Service behind AWS Gateways: its own
// TargetGroupConfiguration, and the effective settings of each (Gateway,
// route, Service) as the LBC computes them (docs/gateway.md 1.6).

// gatewayTarget is one Service behind AWS Gateways.
type gatewayTarget struct {
	key      objectKey
	service  *fn.KubeObject   // nil when the Service is not in the list
	Own      []*fn.KubeObject // the TargetGroupConfigurations that name it; more than one is an error
	backends []*model.Backend

	plan    targetGroupPlan // what R1 and R2 write, settled before the rules run
	Created *fn.KubeObject  // the TargetGroupConfiguration lbguard added, once made

	createdReported bool // the first field written into created has said it is new
}

// targetGroupPlan is what the effective settings lack: R1 writes targetType
// ip, R2 the delay, into the Service's own TargetGroupConfiguration.
type targetGroupPlan struct {
	settled    bool // the delays phase ran; the plan below holds
	targetType bool
	delay      int // 0: none to write
}

// ownTGC is the Service's own TargetGroupConfiguration, nil when it has
// none (or several: then nothing is written).
func (t *gatewayTarget) OwnTGC() *fn.KubeObject {
	if t.Created != nil {
		return t.Created
	}
	if len(t.Own) == 1 {
		return t.Own[0]
	}
	return nil
}

// conflicting is true when two TargetGroupConfigurations name the Service:
// the LBC takes either, so the effective settings cannot be known.
func (t *gatewayTarget) conflicting() bool { return len(t.Own) > 1 }

// resolveTargetGroups links each route backend to its Service's target and
// reports Services that two TargetGroupConfigurations name.
func resolveTargetGroups(inv *model.Inventory, r *model.Report) {
	targets := map[objectKey]*gatewayTarget{}
	for _, lb := range inv.LoadBalancers {
		if !lb.Kind.IsGateway() {
			continue
		}
		for _, b := range lb.Backends {
			key := objectKey{b.Namespace, b.ServiceName}
			t := targets[key]
			if t == nil {
				t = &gatewayTarget{key: key, service: b.Service, Own: ownTargetGroups(inv, key)}
				targets[key] = t
				state(inv).targets = append(state(inv).targets, t)
				for _, other := range t.Own[min(1, len(t.Own)):] {
					r.Invalid(other, "spec.targetReference.name",
						"names Service "+key.Namespace+"/"+key.Name+", as TargetGroupConfiguration "+inv.View(t.Own[0]).Name+
							" does too: the LBC takes either one, so lbguard changes nothing for this Service. Keep one TargetGroupConfiguration per Service")
				}
			}
			t.backends = append(t.backends, b)
			front(b).Target = t
		}
	}
	for _, t := range state(inv).targets {
		for _, b := range t.backends {
			front(b).Settings = writtenSettings(inv, b)
		}
	}
}

// ownTargetGroups lists the TargetGroupConfigurations of the Service key:
// in its namespace, with a targetReference of kind Service (the default)
// and its name. One without targetReference is only ever a default.
func ownTargetGroups(inv *model.Inventory, key objectKey) []*fn.KubeObject {
	return state(inv).objects.serviceTargetGroups[key]
}

// defaultLayer is the default TargetGroupConfiguration of the Gateway gw:
// the one its class's LoadBalancerConfiguration names, merged with the one
// its own names. Each counts only when it and its LoadBalancerConfiguration
// are in the list, and it has no targetReference (the LBC refuses one).
func defaultLayer(inv *model.Inventory, gw *gateway) *tgcLayer {
	if gw.object == nil {
		return nil
	}
	gv := inv.View(gw.object)
	gatewayConfig := lbConfig(inv, yamlnode.Find(gv.Root, "spec", "infrastructure", "parametersRef"), gv.NamespaceOrDefault())
	var classConfig *model.ObjectView
	if gw.class != nil {
		classConfig = lbConfig(inv, yamlnode.Find(inv.Root(gw.class), "spec", "parametersRef"), "")
	}
	preferGateway := false
	if classConfig != nil {
		mode, _ := yamlnode.StringAt(classConfig.Root, "spec", "mergingMode")
		preferGateway = mode == "prefer-gateway"
	}
	return mergeDefaultLayers(defaultTGC(inv, classConfig), defaultTGC(inv, gatewayConfig), preferGateway)
}

// lbConfig is the LoadBalancerConfiguration a parametersRef names, nil
// when it names another kind or one not in the list. namespace is where a
// reference without one points ("" when it must name one).
func lbConfig(inv *model.Inventory, ref *yaml.Node, namespace string) *model.ObjectView {
	group, _ := yamlnode.StringAt(ref, "group")
	kind, _ := yamlnode.StringAt(ref, "kind")
	name, _ := yamlnode.StringAt(ref, "name")
	if ns, _ := yamlnode.StringAt(ref, "namespace"); ns != "" {
		namespace = ns
	}
	if group != lbcGatewayGroup || kind != "LoadBalancerConfiguration" || name == "" || namespace == "" {
		return nil
	}
	if config := state(inv).objects.lbConfigs[objectKey{namespace, name}]; config != nil {
		return inv.View(config)
	}
	return nil
}

// defaultTGC is the layer of the TargetGroupConfiguration named by the
// LoadBalancerConfiguration config as its default, nil when there is none.
func defaultTGC(inv *model.Inventory, config *model.ObjectView) *tgcLayer {
	if config == nil {
		return nil
	}
	name, _ := yamlnode.StringAt(config.Root, "spec", "defaultTargetGroupConfiguration", "name")
	if name == "" {
		return nil
	}
	for _, tgc := range state(inv).objects.targetGroups[objectKey{config.NamespaceOrDefault(), name}] {
		if root := inv.Root(tgc); yamlnode.Find(root, "spec", "targetReference") == nil {
			layer := layerOf(tgc, root)
			return &layer
		}
	}
	return nil
}

// routeOf names the backend's route as routeConfigurations match it.
func routeOf(b *model.Backend) routeID {
	return routeID{b.LB.KindName, b.LB.NamespaceOrDefault(), b.LB.Name}
}

// effective is the backend's target-group settings as the LBC computes
// them, with own as the Service's TargetGroupConfiguration (nil: none).
func effective(inv *model.Inventory, b *model.Backend, own *fn.KubeObject) tgProps {
	var p tgProps
	if d := defaultLayer(inv, gatewayOf(b.LB)); d != nil {
		p = d.forRoute(routeOf(b))
	}
	if own != nil {
		p = layerOf(own, inv.Root(own)).forRoute(routeOf(b)).over(p)
	}
	return p
}

// isGRPC is true of a target group whose health check is a gRPC call: the
// TargetGroupConfiguration says protocolVersion GRPC, or a GRPCRoute leaves
// it to the listener (gRPC on HTTPS).
func (p tgProps) isGRPC(b *model.Backend) bool {
	return strings.EqualFold(p.protocolVersion, "GRPC") || p.protocolVersion == "" && b.LB.KindName == "GRPCRoute"
}
