package model

import (
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
var routeKinds = map[string]LBKind{
	"HTTPRoute": GatewayALB, "GRPCRoute": GatewayALB,
	"TCPRoute": GatewayNLB, "UDPRoute": GatewayNLB, "TLSRoute": GatewayNLB,
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
func claimGatewayAPI(inv *Inventory, obj *fn.KubeObject, v *ObjectView) bool {
	return inv.gatewayAPI.add(obj, v)
}

// gatewayTargetType is the target type of the route's target group.
func gatewayTargetType(b *Backend) string {
	if t := b.Settings.TargetType; t != "" {
		return t
	}
	return "instance"
}

// indexRoutes makes each route of an AWS Gateway a load balancer, then
// resolves the target group of each Service behind them.
func indexRoutes(inv *Inventory, cfg config.Config, r *Report) {
	for _, route := range inv.gatewayAPI.routes {
		inv.addRoute(route, cfg, r)
	}
	inv.resolveTargetGroups(r)
}

// add indexes obj when it is one of the kinds above; ok is false otherwise.
func (g *gatewayObjects) add(obj *fn.KubeObject, v *ObjectView) (ok bool) {
	switch v.GroupKind.Group {
	case gatewayAPIGroup:
		switch v.GroupKind.kind {
		case "GatewayClass":
			g.classes[v.Name] = obj
		case "Gateway":
			g.gateways[v.key()] = obj
		case "ListenerSet":
			g.listenerSets[v.key()] = obj
		case "ReferenceGrant":
			g.grants[v.NamespaceOrDefault()] = append(g.grants[v.NamespaceOrDefault()], obj)
		default:
			if _, route := routeKinds[v.GroupKind.kind]; !route {
				return false
			}
			g.routes = append(g.routes, obj)
		}
	case lbcGatewayGroup:
		if g.apiVersion == "" {
			g.apiVersion = v.APIVersion
		}
		switch v.GroupKind.kind {
		case "TargetGroupConfiguration":
			g.targetGroups[v.key()] = append(g.targetGroups[v.key()], obj)
			if service, ok := targetService(v); ok {
				g.serviceTargetGroups[service] = append(g.serviceTargetGroups[service], obj)
			}
		case "LoadBalancerConfiguration":
			g.lbConfigs[v.key()] = obj
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
func targetService(v *ObjectView) (objectKey, bool) {
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
	kind   LBKind         // GatewayALB or GatewayNLB
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
func (inv *Inventory) classify(key objectKey, cfg config.Config) (*gateway, gatewayVerdict, string) {
	gw := &gateway{Key: key, object: inv.gatewayAPI.gateways[key]}
	byConfig := func(t config.GatewayType, ok bool, what string) (*gateway, gatewayVerdict, string) {
		switch {
		case !ok:
			return gw, gatewayUnknown, what
		case t == config.GatewayTypeIgnore:
			return gw, gatewayNotAWS, ""
		case t == config.GatewayTypeNLB:
			gw.kind = GatewayNLB
		default:
			gw.kind = GatewayALB
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
	gw.class = inv.gatewayAPI.classes[className]
	if gw.class == nil {
		t, ok := cfg.GatewayClasses[className]
		return byConfig(t, ok, "its GatewayClass "+className+" is not in the list")
	}
	switch controller, _ := yamlnode.StringAt(inv.Root(gw.class), "spec", "controllerName"); {
	case controller == lbcALBGatewayController:
		gw.kind = GatewayALB
	case controller == lbcNLBGatewayController:
		gw.kind = GatewayNLB
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
	Register(Frontend{Name: "gatewayapi", Order: 4, Kinds: []LBKind{GatewayALB, GatewayNLB},
		Claim: claimGatewayAPI, Index: indexRoutes,
		TargetType: gatewayTargetType, HealthCheck: (*Backend).gatewayHealthCheck,
		AttributesKey:      func(*Backend) string { return "" },
		SettleTargetGroups: settleGatewayTargets,
		Delay:              func(b *Backend, _ config.Config, _ *DelayPlan) (int, bool) { return b.Settings.Delay, true },
		SetIPTargetGroups:  GatewayTargetTypeIP, SetTargetGroupDelays: GatewayDelays})
}
