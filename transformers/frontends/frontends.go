// Package frontends links every front end into the inventory: each front
// end registers itself with model.Register when its package is initialised,
// in its Order. Import it, for that effect, wherever an inventory is built
// (transformers does); model.NewInventory refuses to run without it.
package frontends

import (
	_ "github.com/lbguard/lbguard/transformers/frontends/gatewayapi"         // routes of AWS Gateways, with their TargetGroupConfigurations
	_ "github.com/lbguard/lbguard/transformers/frontends/ingress"            // Ingresses, with Auto Mode's classes
	_ "github.com/lbguard/lbguard/transformers/frontends/service"            // LoadBalancer Services
	_ "github.com/lbguard/lbguard/transformers/frontends/targetgroupbinding" // TargetGroupBindings
)
