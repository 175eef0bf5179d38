package gatewayapi

import (
	"github.com/lbguard/lbguard/transformers/model"
	"strconv"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/internal/yamlnode"
	"github.com/lbguard/lbguard/transformers/annotations"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// R1 and R2 behind AWS Gateways: the LBC reads target type and delay only
// from TargetGroupConfigurations, so lbguard writes what the effective
// settings lack into the Service's own one (it wins over every default),
// and creates that one where there is none. healthCheckConfig is never
// written: any field of it would replace the whole block it inherits.

// gatewayTargetTypeIP makes every Gateway backend's target type ip: it
// changes the Service's own route entries that pin instance, then sets
// defaultConfiguration.targetType where a backend is still not ip.
func GatewayTargetTypeIP(inv *model.Inventory, r *model.Report) {
	for _, t := range state(inv).targets {
		if !t.plan.targetType {
			continue
		}
		if own := t.OwnTGC(); own != nil {
			ipRouteEntries(inv, t, own, r)
		}
		was := t.notIP(inv)
		if was == "" {
			continue
		}
		tgc, what := ensureOwnTGC(inv, t, model.IPTargetTypeID, "targetType ip", r)
		if tgc == nil {
			continue
		}
		defaults := yamlnode.EnsureMap(inv.Root(tgc), "spec", "defaultConfiguration")
		if defaults == nil {
			r.Invalid(tgc, "spec.defaultConfiguration", "must be a map")
			continue
		}
		current, _ := yamlnode.StringAt(defaults, "targetType")
		yamlnode.SetField(defaults, "targetType", yamlnode.String("ip"))
		r.Changed(model.IPTargetTypeID, tgc, "spec.defaultConfiguration.targetType", nilIfEmpty(current), "ip",
			"%s: targetType ip (was %s): the ELB sends to pod IPs, so its health checks and draining see each pod. The LBC makes new target groups for it",
			what, was)
	}
}

// ipRouteEntries changes the own TargetGroupConfiguration's route entries
// that pin instance: they win over its defaultConfiguration.
func ipRouteEntries(inv *model.Inventory, t *gatewayTarget, own *fn.KubeObject, r *model.Report) {
	for i, entry := range yamlnode.Items(yamlnode.Find(inv.Root(own), "spec", "routeConfigurations")) {
		props := yamlnode.Find(entry, "targetGroupProps")
		if current, _ := yamlnode.StringAt(props, "targetType"); current != "instance" {
			continue
		}
		yamlnode.SetField(props, "targetType", yamlnode.String("ip"))
		r.Changed(model.IPTargetTypeID, own, "spec.routeConfigurations["+strconv.Itoa(i)+"].targetGroupProps.targetType", "instance", "ip",
			"TargetGroupConfiguration %s: the route entry %s pinned targetType instance for Service %s: set to ip, as every route to the Service must send to pod IPs",
			inv.View(own).Name, describeRouteEntry(entry), t.key.Name)
	}
}

// notIP says where a backend lbguard may act on gets a type other than
// ip, as written: "" when every one is ip.
func (t *gatewayTarget) notIP(inv *model.Inventory) string {
	for _, b := range t.backends {
		p := effective(inv, b, t.OwnTGC())
		switch {
		case b.Skipped() || p.targetType == "ip":
		case p.targetType == "":
			return "instance, the LBC default"
		default:
			return p.targetType + " from TargetGroupConfiguration " + inv.View(p.targetTypeFrom).Name
		}
	}
	return ""
}

// gatewayDelays adds the delay the delays phase settled to each Service's
// own TargetGroupConfiguration, and records the delays users set.
func GatewayDelays(inv *model.Inventory, r *model.Report) {
	kept := map[*fn.KubeObject]bool{}
	for _, t := range state(inv).targets {
		if t.conflicting() || t.skipped(inv) {
			continue
		}
		for _, b := range t.backends {
			if d, from, set := effective(inv, b, t.OwnTGC()).delay(); set && !kept[from] && !b.Skipped() {
				kept[from] = true
				r.Kept(model.DeregistrationDelayID, from, "spec", d,
					"TargetGroupConfiguration %s: deregistration delay of %d s set by the user is kept; the workloads' preStop is held against it",
					inv.View(from).Name, d)
			}
		}
		if t.plan.delay == 0 || !validOwnDelay(inv, t, r) {
			continue
		}
		value := strconv.Itoa(t.plan.delay)
		tgc, what := ensureOwnTGC(inv, t, model.DeregistrationDelayID, annotations.DeregistrationDelayAttribute+"="+value, r)
		if tgc == nil {
			continue
		}
		defaults := yamlnode.EnsureMap(inv.Root(tgc), "spec", "defaultConfiguration")
		attrs := yamlnode.Find(defaults, "targetGroupAttributes")
		switch {
		case defaults == nil:
			r.Invalid(tgc, "spec.defaultConfiguration", "must be a map")
			continue
		case attrs == nil || yamlnode.IsNull(attrs):
			attrs = &yaml.Node{Kind: yaml.SequenceNode, Tag: yaml.NodeTagSeq}
			yamlnode.SetField(defaults, "targetGroupAttributes", attrs)
		case attrs.Kind != yaml.SequenceNode:
			r.Invalid(tgc, "spec.defaultConfiguration.targetGroupAttributes", "must be a list of {key, value}")
			continue
		}
		attrs.Content = append(attrs.Content, yamlnode.Map(
			yamlnode.Field{Key: "key", Value: yamlnode.String(annotations.DeregistrationDelayAttribute)},
			yamlnode.Field{Key: "value", Value: yamlnode.String(value)}))
		r.Changed(model.DeregistrationDelayID, tgc, "spec.defaultConfiguration.targetGroupAttributes", nil, annotations.DeregistrationDelayAttribute+
			"="+value, "%s: deregistration delay set to %s s (the ELB default is %d s): draining ends soon after the pod leaves, and the workload's preStop outlasts it",
			what, value, model.PlatformDeregistrationDelay)
	}
}

// validOwnDelay checks the delay attributes of the Service's own
// TargetGroupConfiguration: one outside 0–3600 is refused by the ELB.
func validOwnDelay(inv *model.Inventory, t *gatewayTarget, r *model.Report) bool {
	own := t.OwnTGC()
	if own == nil {
		return true
	}
	root := inv.Root(own)
	lists := map[string]*yaml.Node{"spec.defaultConfiguration": yamlnode.Find(root, "spec", "defaultConfiguration")}
	for i, entry := range yamlnode.Items(yamlnode.Find(root, "spec", "routeConfigurations")) {
		lists["spec.routeConfigurations["+strconv.Itoa(i)+"].targetGroupProps"] = yamlnode.Find(entry, "targetGroupProps")
	}
	for path, props := range lists {
		for j, a := range yamlnode.Items(yamlnode.Find(props, "targetGroupAttributes")) {
			key, _ := yamlnode.StringAt(a, "key")
			value, _ := yamlnode.StringAt(a, "value")
			if _, ok := model.ParseSeconds(value); key == annotations.DeregistrationDelayAttribute && !ok {
				r.Invalid(own, path+".targetGroupAttributes["+strconv.Itoa(j)+"].value",
					"must be a whole number of seconds from 0 to 3600, not "+strconv.Quote(value))
				return false
			}
		}
	}
	return true
}

// ensureOwnTGC is the Service's own TargetGroupConfiguration, made when it
// has none; what names it in the result of the first field written. nil
// when none can be made: the Service is not in the list, or its name is
// taken by another TargetGroupConfiguration.
func ensureOwnTGC(inv *model.Inventory, t *gatewayTarget, rule model.RuleID, lacking string, r *model.Report) (tgc *fn.KubeObject, what string) {
	if own := t.OwnTGC(); own != nil {
		what = "TargetGroupConfiguration " + inv.View(own).Name + " of Service " + t.key.Name
		if own == t.Created && !t.createdReported {
			t.createdReported = true
			what = "TargetGroupConfiguration " + t.key.Name + " added for Service " + t.key.Name
		}
		return own, what
	}
	route := t.backends[0].LB
	if t.service == nil {
		r.Risk(rule, route.Object, "", nil,
			"%s %s sends to Service %s/%s, which is not in the list: lbguard cannot add its TargetGroupConfiguration. Add one in namespace %s with targetReference {name: %s} and %s",
			route.KindName, route.Name, t.key.Namespace, t.key.Name, t.key.Namespace, t.key.Name, lacking)
		return nil, ""
	}
	if named := state(inv).objects.targetGroups[t.key]; len(named) > 0 {
		r.Risk(rule, named[0], "spec.targetReference", nil,
			"Service %s has no TargetGroupConfiguration, and TargetGroupConfiguration %s names another target: lbguard adds none. Add one under another name with targetReference {name: %s} and %s",
			t.key.Name, t.key.Name, t.key.Name, lacking)
		return nil, ""
	}
	t.Created = newTargetGroupObject(state(inv).objects.createdAPIVersion(), inv.View(t.service))
	inv.NewObjects = append(inv.NewObjects, t.Created)
	r.MadeFor(t.Created, t.service)
	return ensureOwnTGC(inv, t, rule, lacking, r)
}

// describeRouteEntry names a routeConfigurations entry by its routeIdentifier.
func describeRouteEntry(entry *yaml.Node) string {
	id := yamlnode.Find(entry, "routeIdentifier")
	kind, _ := yamlnode.StringAt(id, "kind")
	namespace, _ := yamlnode.StringAt(id, "namespace")
	name, _ := yamlnode.StringAt(id, "name")
	out := orDefault(kind, "any kind")
	if namespace != "" {
		out += " " + namespace + "/"
	} else {
		out += " "
	}
	return out + orDefault(name, "*")
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func orDefault(s, fallback string) string {
	if s == "" {
		return fallback
	}
	return s
}
