package gatewayapi

import (
	"github.com/lbguard/lbguard/transformers/model"
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/internal/yamlnode"
	"github.com/lbguard/lbguard/transformers/config"
)

// The delays phase for Gateway backends: before any rule runs, decide what
// each Service's own TargetGroupConfiguration lacks (targetType ip, the
// delay), so that R1, R2, R3 and the workload rules read the same settings
// whether they run alone or together.

// gatewaySettings is what a route backend's target group has: as written,
// then as the delays phase settles it.
type gatewaySettings struct {
	TargetType string // "" is the LBC's default, instance
	Delay      int    // 0 with delaySet false: the ELB's 300 s
	delaySet   bool
	DelayFrom  *fn.KubeObject // the TargetGroupConfiguration that sets it
	Props      tgProps        // the effective props as written: the health check

	HealthCheckView *model.ObjectView // the TargetGroupConfiguration of props.healthCheck
}

// writtenSettings reads the backend's settings as written. With two
// TargetGroupConfigurations for its Service, the LBC takes either: ip only
// if both give ip, and the longer delay.
func writtenSettings(inv *model.Inventory, b *model.Backend) gatewaySettings {
	t := front(b).Target
	candidates := []*fn.KubeObject{t.OwnTGC()}
	if t.conflicting() {
		candidates = t.Own
	}
	var s gatewaySettings
	for i, own := range candidates {
		p := effective(inv, b, own)
		d, from, set := p.delay()
		if !set {
			d = model.PlatformDeregistrationDelay
		}
		if i == 0 {
			s = gatewaySettings{TargetType: p.targetType, Delay: d, delaySet: set, DelayFrom: from, Props: p}
			continue
		}
		if p.targetType != "ip" {
			s.TargetType = p.targetType
		}
		s.Delay, s.delaySet = max(s.Delay, d), s.delaySet && set
		if p.HealthCheck == nil || s.Props.HealthCheck != p.HealthCheck {
			s.Props.HealthCheck = nil // the health check cannot be known
		}
	}
	if s.Props.HealthCheck != nil {
		s.HealthCheckView = inv.View(s.Props.healthCheckFrom)
	}
	return s
}

// settleGatewayTargets plans, Service by Service, what R1 and R2 write and
// settles each backend's target type and delay as they will be.
func settleGatewayTargets(inv *model.Inventory, cfg config.Config) {
	for _, t := range state(inv).targets {
		t.plan = planTarget(inv, t, cfg)
		for _, b := range t.backends {
			s := front(b).Settings
			own := t.OwnTGC()
			if t.plan.targetType {
				s.TargetType = "ip"
			}
			if t.plan.delay > 0 {
				// The written delay is the Service's own default: it yields
				// only to the Service's own route entries.
				if _, from, set := effective(inv, b, own).delay(); !set || from != own || own == nil {
					s.Delay, s.delaySet = t.plan.delay, true
				}
			}
			front(b).Settings = s
			b.Delay = &model.SettledDelay{Seconds: s.Delay, Known: true}
		}
	}
}

// planTarget decides what the Service's own TargetGroupConfiguration lacks
// for the backends lbguard may act on: targetType ip where a backend's
// effective type is not ip, the delay where a backend's has none. A delay
// a default TargetGroupConfiguration states is the user's: the Service's
// own, which overrides it, carries the longest such delay on.
func planTarget(inv *model.Inventory, t *gatewayTarget, cfg config.Config) targetGroupPlan {
	plan := targetGroupPlan{settled: true}
	if t.conflicting() || t.skipped(inv) {
		return plan
	}
	own := t.OwnTGC()
	missing, stated := false, 0
	for _, b := range t.backends {
		if b.Skipped() {
			continue
		}
		p := effective(inv, b, own)
		if p.targetType != "ip" {
			plan.targetType = true
		}
		switch d, from, set := p.delay(); {
		case !set:
			missing = true
		case from != own || own == nil:
			stated = max(stated, d)
		}
	}
	if missing {
		plan.delay = cfg.DeregistrationDelaySeconds
		if stated > 0 {
			plan.delay = stated
		}
	}
	return plan
}

// skipped is true when lbguard must not write the Service's settings: every
// route to it, or the Service, or its own TargetGroupConfiguration is
// opted out.
func (t *gatewayTarget) skipped(inv *model.Inventory) bool {
	if own := t.OwnTGC(); own != nil && model.IsSkipped(inv.Root(own)) {
		return true
	}
	for _, b := range t.backends {
		if !b.Skipped() {
			return false
		}
	}
	return true
}

// gatewayHealthCheck is the health check the backend's effective
// healthCheckConfig names; the LBC's defaults are not named, so they give
// the probe a TCP check, as an Ingress without healthcheck annotations does.
func gatewayHealthCheck(b *model.Backend) model.HealthCheck {
	p := front(b).Settings.Props
	var hc model.HealthCheck
	if p.HealthCheck != nil {
		hc.Path, _ = yamlnode.StringAt(p.HealthCheck, "healthCheckPath")
		hc.Port = yamlnode.ScalarText(yamlnode.Find(p.HealthCheck, "healthCheckPort"))
		hc.Protocol, _ = yamlnode.StringAt(p.HealthCheck, "healthCheckProtocol")
	}
	hc.Protocol = strings.ToUpper(hc.Protocol)
	if b.LB.Kind == model.GatewayALB && p.isGRPC(b) {
		hc.Protocol = "GRPC"
	}
	if hc.Protocol == "" && b.LB.Kind == model.GatewayNLB {
		hc.Protocol = "TCP" // an NLB target group's own protocol
	}
	if hc.Protocol == "TCP" {
		hc.Path = ""
	}
	return hc
}
