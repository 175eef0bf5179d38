package gatewayapi

import (
	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/internal/yamlnode"
	"github.com/lbguard/lbguard/transformers/annotations"
	"github.com/lbguard/lbguard/transformers/model"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// TargetGroupProps of a TargetGroupConfiguration (gateway.k8s.aws), and how
// the LBC merges them (docs/gateway.md 1.6): a field set in the higher layer wins
// as a whole (healthCheckConfig too), targetGroupAttributes merge by key.

// tgProps is one layer of TargetGroupProps, or a merge of layers; each
// field remembers the TargetGroupConfiguration it comes from.
type tgProps struct {
	targetType      string
	targetTypeFrom  *fn.KubeObject
	attributes      map[string]tgAttribute
	HealthCheck     *yaml.Node // healthCheckConfig, taken whole
	healthCheckFrom *fn.KubeObject
	protocolVersion string
}

// tgAttribute is one targetGroupAttributes entry and where it is set.
type tgAttribute struct {
	value string
	from  *fn.KubeObject
}

// readProps reads the TargetGroupProps at n (a defaultConfiguration or a
// routeConfigurations entry's targetGroupProps) of the object from.
func readProps(n *yaml.Node, from *fn.KubeObject) tgProps {
	var p tgProps
	if n == nil || n.Kind != yaml.MappingNode {
		return p
	}
	if p.targetType, _ = yamlnode.StringAt(n, "targetType"); p.targetType != "" {
		p.targetTypeFrom = from
	}
	for _, a := range yamlnode.Items(yamlnode.Find(n, "targetGroupAttributes")) {
		key, _ := yamlnode.StringAt(a, "key")
		value, _ := yamlnode.StringAt(a, "value")
		if key == "" {
			continue
		}
		if p.attributes == nil {
			p.attributes = map[string]tgAttribute{}
		}
		p.attributes[key] = tgAttribute{value, from}
	}
	if hc := yamlnode.Find(n, "healthCheckConfig"); hc != nil && hc.Kind == yaml.MappingNode {
		p.HealthCheck, p.healthCheckFrom = hc, from
	}
	p.protocolVersion, _ = yamlnode.StringAt(n, "protocolVersion")
	return p
}

// over merges p over low, as the LBC's merge does.
func (p tgProps) over(low tgProps) tgProps {
	out := low
	if p.targetType != "" {
		out.targetType, out.targetTypeFrom = p.targetType, p.targetTypeFrom
	}
	if p.HealthCheck != nil {
		out.HealthCheck, out.healthCheckFrom = p.HealthCheck, p.healthCheckFrom
	}
	if p.protocolVersion != "" {
		out.protocolVersion = p.protocolVersion
	}
	if len(p.attributes) > 0 {
		out.attributes = make(map[string]tgAttribute, len(low.attributes)+len(p.attributes))
		for k, a := range low.attributes {
			out.attributes[k] = a
		}
		for k, a := range p.attributes {
			out.attributes[k] = a
		}
	}
	return out
}

// delay is the deregistration delay the props set: its seconds, the
// TargetGroupConfiguration that sets it, and whether one is set and valid.
func (p tgProps) delay() (seconds int, from *fn.KubeObject, set bool) {
	a, ok := p.attributes[annotations.DeregistrationDelayAttribute]
	if !ok {
		return 0, nil, false
	}
	seconds, valid := model.ParseSeconds(a.value)
	return seconds, a.from, valid
}

// routeID names a route as routeConfigurations entries match it.
type routeID struct{ kind, namespace, name string }

// tgcLayer is one layer of TargetGroupConfiguration: the Service's own, or
// the default one of a Gateway (the merge of its class's and its own).
type tgcLayer struct {
	defaults tgProps
	routes   *yaml.Node     // the routeConfigurations that apply, nil when none
	from     *fn.KubeObject // the TargetGroupConfiguration of routes
}

// layerOf reads a whole TargetGroupConfiguration whose root node is root.
func layerOf(obj *fn.KubeObject, root *yaml.Node) tgcLayer {
	return tgcLayer{
		defaults: readProps(yamlnode.Find(root, "spec", "defaultConfiguration"), obj),
		routes:   yamlnode.Find(root, "spec", "routeConfigurations"),
		from:     obj,
	}
}

// forRoute is the layer's props for route: its most specific matching
// routeConfigurations entry over its defaults (the LBC's mergeWithLongestMatch).
func (l tgcLayer) forRoute(route routeID) tgProps {
	entry, _ := matchRouteEntry(l.routes, route)
	if entry == nil {
		return l.defaults
	}
	return readProps(yamlnode.Find(entry, "targetGroupProps"), l.from).over(l.defaults)
}

// matchRouteEntry finds the most specific entry of routeConfigurations for
// route: kind, namespace and name, then kind and namespace (an entry with
// no name), then kind alone (an entry with no namespace either). An entry
// that names another route never matches. index is its position.
func matchRouteEntry(routes *yaml.Node, route routeID) (entry *yaml.Node, index int) {
	best, index := -1, -1
	for i, n := range yamlnode.Items(routes) {
		id := yamlnode.Find(n, "routeIdentifier")
		kind, _ := yamlnode.StringAt(id, "kind")
		namespace, _ := yamlnode.StringAt(id, "namespace")
		name, _ := yamlnode.StringAt(id, "name")
		if kind != "" && kind != route.kind || namespace != "" && namespace != route.namespace || name != "" && name != route.name {
			continue
		}
		score := 0
		switch {
		case name != "" && namespace != "":
			score = 3
		case namespace != "":
			score = 2
		case kind != "":
			score = 1
		}
		if score > best {
			best, entry, index = score, n, i
		}
	}
	return entry, index
}

// mergeDefaultLayers is a Gateway's default TargetGroupConfiguration: the
// class's and the Gateway's merged field by field, the one mergingMode
// prefers winning, with the routeConfigurations of the winner alone.
func mergeDefaultLayers(class, gateway *tgcLayer, preferGateway bool) *tgcLayer {
	switch {
	case class == nil:
		return gateway
	case gateway == nil:
		return class
	}
	high, low := class, gateway
	if preferGateway {
		high, low = gateway, class
	}
	merged := *high
	merged.defaults = high.defaults.over(low.defaults)
	return &merged
}
