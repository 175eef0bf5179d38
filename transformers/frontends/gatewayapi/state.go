package gatewayapi

import "github.com/lbguard/lbguard/transformers/model"

// The state the front end keeps in the model, which holds it for it
// without reading it: the run's Gateway API objects and the Services behind
// AWS Gateways (Inventory.FrontState), each route's Gateway
// (LoadBalancer.FrontState), and each route backend's target group and its
// settings (Backend.FrontState).

// name is the front end's name: its key in Inventory.FrontState and its
// directory of golden dumps.
const name = "gatewayapi"

// inventoryState is what the front end keeps of one run.
type inventoryState struct {
	objects *gatewayObjects
	targets []*gatewayTarget // each Service behind AWS Gateways, in the order first reached
}

// state is the front end's state of inv, made when first asked for.
func state(inv *model.Inventory) *inventoryState {
	s, _ := inv.FrontState[name].(*inventoryState)
	if s == nil {
		s = &inventoryState{objects: newGatewayObjects()}
		inv.FrontState[name] = s
	}
	return s
}

// backendState is what the front end keeps of a route backend.
type backendState struct {
	Target   *gatewayTarget  // its Service behind AWS Gateways
	Settings gatewaySettings // its target group's settings
}

// front is the front end's state of b, made when first asked for.
func front(b *model.Backend) *backendState {
	s, _ := b.FrontState.(*backendState)
	if s == nil {
		s = &backendState{}
		b.FrontState = s
	}
	return s
}

// gatewayOf is the Gateway of a route; nil for other load balancers.
func gatewayOf(lb *model.LoadBalancer) *gateway {
	gw, _ := lb.FrontState.(*gateway)
	return gw
}

type objectKey struct{ Namespace, Name string }

// keyOf is the object's namespace (or the default) and name.
func keyOf(v *model.ObjectView) objectKey { return objectKey{v.NamespaceOrDefault(), v.Name} }

// Settings is a route backend's target group as the delays phase settled
// it: its target type ("" is the LBC's default, instance), its delay, and
// whether its health check is known.
func Settings(b *model.Backend) (targetType string, delay int, healthCheck bool) {
	s := front(b).Settings
	return s.TargetType, s.Delay, s.Props.HealthCheck != nil
}
