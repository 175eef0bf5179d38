package gatewayapi

import (
	"github.com/lbguard/lbguard/transformers/model"
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/internal/yamlnode"
	"github.com/lbguard/lbguard/transformers/config"
)

// The Gateway API objects of the list, indexed once: which Gateways the AWS
// Load Balancer Controller serves, and the TargetGroupConfigurations and
// LoadBalancerConfigurations that set their target groups (docs/gateway.md).

const (
	gatewayAPIGroup = "gateway.networking.k8s.io"
	lbcGatewayGroup = "gateway.k8s.aws"

	lbcALBGatewayController = "gateway.k8s.aws/alb"
	lbcNLBGatewayController = "gateway.k8s.aws/nlb"
	// Auto Mode's Gateway controllers: their names are not confirmed
	// (docs/gateway.md 2.7), so the whole prefix counts.
	autoModeControllerPrefix = "eks.amazonaws.com/"

	// The apiVersion of the TargetGroupConfigurations lbguard creates when
	// the list holds no gateway.k8s.aws object: served by every LBC that
	// serves Gateways (v2.13 and later).
	defaultLBCGatewayAPIVersion = lbcGatewayGroup + "/v1beta1"
)

// routeKinds are the route kinds each AWS Gateway serves.
var routeKinds = map[string]model.LBKind{
	"HTTPRoute": model.GatewayALB, "GRPCRoute": model.GatewayALB,
	"TCPRoute": model.GatewayNLB, "UDPRoute": model.GatewayNLB, "TLSRoute": model.GatewayNLB,
}

// gatewayObjects is the list's Gateway API and gateway.k8s.aws objects.
type gatewayObjects struct {
	classes      map[string]*fn.KubeObject // GatewayClasses by name
	gateways     map[objectKey]*fn.KubeObject
	listenerSets map[objectKey]*fn.KubeObject
	routes       []*fn.KubeObject
	grants       map[string][]*fn.KubeObject    // ReferenceGrants by namespace
	targetGroups map[objectKey][]*fn.KubeObject // TargetGroupConfigurations by namespace and name, in list order
	// TargetGroupConfigurations whose targetReference is a Service, by the
	// Service's namespace and name, in list order
	serviceTargetGroups map[objectKey][]*fn.KubeObject
	lbConfigs           map[objectKey]*fn.KubeObject
	apiVersion          string // of the first gateway.k8s.aws object, for the ones lbguard creates
}

func newGatewayObjects() *gatewayObjects {
	return &gatewayObjects{
		classes: map[string]*fn.KubeObject{}, gateways: map[objectKey]*fn.KubeObject{},
		listenerSets: map[objectKey]*fn.KubeObject{}, grants: map[string][]*fn.KubeObject{},
		targetGroups: map[objectKey][]*fn.KubeObject{}, serviceTargetGroups: map[objectKey][]*fn.KubeObject{},
		lbConfigs: map[objectKey]*fn.KubeObject{},
	}
}

// claimGatewayAPI indexes the Gateway API's objects and the LBC's gateway
// configurations (which stay among the others too).
func claimGatewayAPI(inv *model.Inventory, obj *fn.KubeObject, v *model.ObjectView) bool {
	return state(inv).objects.add(obj, v)
}

// gatewayTargetType is the target type of the route's target group.
func gatewayTargetType(b *model.Backend) string {
	if t := front(b).Settings.TargetType; t != "" {
		return t
	}
	return "instance"
}

// indexRoutes makes each route of an AWS Gateway a load balancer, then
// resolves the target group of each Service behind them.
func indexRoutes(inv *model.Inventory, cfg config.Config, r *model.Report) {
	for _, route := range state(inv).objects.routes {
		addRoute(inv, route, cfg, r)
	}
	resolveTargetGroups(inv, r)
}

// add indexes obj when it is one of the kinds above; ok is false otherwise.
func (g *gatewayObjects) add(obj *fn.KubeObject, v *model.ObjectView) (ok bool) {
	switch v.GroupKind.Group {
	case gatewayAPIGroup:
		switch v.GroupKind.Kind() {
		case "GatewayClass":
			g.classes[v.Name] = obj
		case "Gateway":
			g.gateways[keyOf(v)] = obj
		case "ListenerSet":
			g.listenerSets[keyOf(v)] = obj
		case "ReferenceGrant":
			g.grants[v.NamespaceOrDefault()] = append(g.grants[v.NamespaceOrDefault()], obj)
		default:
			if _, route := routeKinds[v.GroupKind.Kind()]; !route {
				return false
			}
			g.routes = append(g.routes, obj)
		}
	case lbcGatewayGroup:
		if g.apiVersion == "" {
			g.apiVersion = v.APIVersion
		}
		switch v.GroupKind.Kind() {
		case "TargetGroupConfiguration":
			g.targetGroups[keyOf(v)] = append(g.targetGroups[keyOf(v)], obj)
			if service, ok := targetService(v); ok {
				g.serviceTargetGroups[service] = append(g.serviceTargetGroups[service], obj)
			}
		case "LoadBalancerConfiguration":
			g.lbConfigs[keyOf(v)] = obj
		}
		return false // they stay among the others too: only their references are indexed
	default:
		return false
	}
	return true
}

// targetService is the Service a TargetGroupConfiguration's targetReference
// names: in its namespace, of kind Service (the default). ok is false when
// it has no targetReference (a default) or names another kind.
func targetService(v *model.ObjectView) (objectKey, bool) {
	ref := yamlnode.Find(v.Root, "spec", "targetReference")
	name, _ := yamlnode.StringAt(ref, "name")
	kind, _ := yamlnode.StringAt(ref, "kind")
	return objectKey{v.NamespaceOrDefault(), name}, ref != nil && (kind == "" || kind == "Service")
}

// createdAPIVersion is the apiVersion of a TargetGroupConfiguration lbguard
// creates: the one the list already uses for gateway.k8s.aws, else v1beta1.
func (g *gatewayObjects) createdAPIVersion() string {
	if g.apiVersion != "" {
		return g.apiVersion
	}
	return defaultLBCGatewayAPIVersion
}

// gateway is one Gateway that routes attach to, as lbguard knows it.
type gateway struct {
	Key    objectKey
	object *fn.KubeObject // nil when only the config names it
	class  *fn.KubeObject // nil when the class is not in the list
	kind   model.LBKind   // GatewayALB or GatewayNLB
}

// gatewayVerdict is what lbguard makes of a Gateway.
type gatewayVerdict int

const (
	gatewayAWS      gatewayVerdict = iota // the LBC makes it an ALB or an NLB
	gatewayNotAWS                         // another implementation's: left alone
	gatewayAutoMode                       // EKS Auto Mode's: not handled yet
	gatewayUnknown                        // neither it nor its class can be classified
)

// classify says who serves the Gateway key: by its class's controllerName
// (never the class name), else by the config.
func classify(inv *model.Inventory, key objectKey, cfg config.Config) (*gateway, gatewayVerdict, string) {
	gw := &gateway{Key: key, object: state(inv).objects.gateways[key]}
	byConfig := func(t config.GatewayType, ok bool, what string) (*gateway, gatewayVerdict, string) {
		switch {
		case !ok:
			return gw, gatewayUnknown, what
		case t == config.GatewayTypeIgnore:
			return gw, gatewayNotAWS, ""
		case t == config.GatewayTypeNLB:
			gw.kind = model.GatewayNLB
		default:
			gw.kind = model.GatewayALB
		}
		return gw, gatewayAWS, ""
	}
	if gw.object == nil {
		t, ok := cfg.Gateways[key.Namespace+"/"+key.Name]
		if !ok {
			t, ok = cfg.Gateways[key.Name]
		}
		return byConfig(t, ok, "Gateway "+key.Namespace+"/"+key.Name+" is not in the list")
	}
	className, _ := yamlnode.StringAt(inv.Root(gw.object), "spec", "gatewayClassName")
	gw.class = state(inv).objects.classes[className]
	if gw.class == nil {
		t, ok := cfg.GatewayClasses[className]
		return byConfig(t, ok, "its GatewayClass "+className+" is not in the list")
	}
	switch controller, _ := yamlnode.StringAt(inv.Root(gw.class), "spec", "controllerName"); {
	case controller == lbcALBGatewayController:
		gw.kind = model.GatewayALB
	case controller == lbcNLBGatewayController:
		gw.kind = model.GatewayNLB
	case strings.HasPrefix(controller, autoModeControllerPrefix):
		return gw, gatewayAutoMode, controller
	default:
		return gw, gatewayNotAWS, ""
	}
	return gw, gatewayAWS, ""
}

// The Gateway API front end: routes of AWS Gateways; their target groups
// are set once per Service.
func init() {
	model.Register(model.Frontend{Name: name, Order: 4, Kinds: []model.LBKind{model.GatewayALB, model.GatewayNLB},
		Claim: claimGatewayAPI, Index: indexRoutes,
		TargetType: gatewayTargetType, HealthCheck: gatewayHealthCheck,
		AttributesKey:      func(*model.Backend) string { return "" },
		SettleTargetGroups: settleGatewayTargets,
		Delay: func(b *model.Backend, _ config.Config, _ *model.DelayPlan) (int, bool) {
			return front(b).Settings.Delay, true
		},
		SetIPTargetGroups: GatewayTargetTypeIP, SetTargetGroupDelays: GatewayDelays,
		TargetGroupObjects: targetGroupObjects, OptOutObjects: ownTargetGroupObjects,
		HealthCheckHolder: func(b *model.Backend) *model.ObjectView { return front(b).Settings.HealthCheckView },
		DescribeFront:     describeFront})
}

// targetGroupObjects are the TargetGroupConfigurations that set the
// backend's target group: the one its delay comes from, the one lbguard
// creates, and the Service's own.
func targetGroupObjects(b *model.Backend) []*fn.KubeObject {
	s := front(b)
	objs := []*fn.KubeObject{s.Settings.DelayFrom}
	if t := s.Target; t != nil {
		objs = append(append(objs, t.Created), t.Own...)
	}
	return objs
}

// ownTargetGroupObjects is each Service's own TargetGroupConfiguration,
// which a user may opt out.
func ownTargetGroupObjects(inv *model.Inventory) []*fn.KubeObject {
	var objs []*fn.KubeObject
	for _, t := range state(inv).targets {
		if own := t.OwnTGC(); own != nil {
			objs = append(objs, own)
		}
	}
	return objs
}

// describeFront names a route backend's route and Gateway.
func describeFront(b *model.Backend) string {
	gw := gatewayOf(b.LB)
	if gw == nil {
		return ""
	}
	lb := "ALB"
	if b.LB.Kind == model.GatewayNLB {
		lb = "NLB"
	}
	return b.LB.KindName + " " + b.LB.NamespaceOrDefault() + "/" + b.LB.Name + " on Gateway " + gw.Key.Namespace + "/" + gw.Key.Name + " (" + lb + ")"
}
