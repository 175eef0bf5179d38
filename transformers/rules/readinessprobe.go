package rules

import (
	"fmt"
	"reflect"
	"strconv"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/internal/yamlnode"
	"github.com/lbguard/lbguard/transformers/annotations"
	"github.com/lbguard/lbguard/transformers/config"
	"github.com/lbguard/lbguard/transformers/model"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// R4: readiness probes. A container without one is Ready as soon as it
// starts, so a rollout moves on before the app listens. The probe added
// checks what the load balancer's health check checks, so that Kubernetes and
// the ELB judge the pod alike.
var RuleReadinessProbe = RuleInfo{
	ID: "R4", Name: "ReadinessProbe", Title: "readiness probe", Severity: fn.Error,
	Why: "Without a readiness probe a container is Ready the moment it starts, before the app can serve: the rollout moves on and the ELB sends it requests it cannot answer.",
}

// healthCheckPortTrafficPort is the health-check port that means "the port traffic goes to".
const healthCheckPortTrafficPort = "traffic-port"

// probeHandlers are the checks a probe can run; the rest of a probe is timing.
var probeHandlers = []string{"exec", "httpGet", "tcpSocket", "grpc"}

// ReadinessProbe gives each serving container without a readinessProbe one,
// and warns about liveness probes that restart healthy pods.
func ReadinessProbe(inv *model.Inventory, cfg config.Config, r *model.Report) {
	checks := readinessChecks{}
	for _, w := range inv.WorkloadsInScope(cfg) {
		containers := w.Containers()
		for _, c := range containers {
			readiness, ok := probe(w, c, "readinessProbe", r)
			if !ok {
				continue
			}
			liveness, ok := probe(w, c, "livenessProbe", r)
			if !ok {
				continue
			}
			if readiness == nil && c.Serving {
				readiness = addReadinessProbe(w, c, checks, r)
			}
			if liveness != nil {
				checkLiveness(w, c, liveness, readiness, r)
			}
		}
	}
}

// probe reads one of c's probes; nil when it has none (or null, as
// templates often write). ok is false, with an error reported, when the
// probe is not a map. Only the probe is converted to a map, not the whole
// container (a conversion goes through YAML and JSON text).
func probe(w *model.Workload, c *model.Container, field string, r *model.Report) (p map[string]any, ok bool) {
	switch n := yamlnode.Find(c.Node, field); {
	case n == nil || yamlnode.IsNull(n):
		return nil, true
	case n.Kind == yaml.MappingNode:
		return yamlnode.PlainValue(n).(map[string]any), true
	}
	r.Invalid(w.Object, c.Path(field), "must be a probe (a map)")
	return nil, false
}

// readinessCheck is the handler of a probe lbguard adds.
type readinessCheck struct {
	Path   string // "" for a tcpSocket check
	Scheme string // "HTTPS", or "" for the kubelet's default HTTP
	Port   any    // the container port's name, or its number when it has none
	Source string // the health check it mirrors, for the report
}

func (rc readinessCheck) handler() map[string]any {
	if rc.Path == "" {
		return map[string]any{"tcpSocket": map[string]any{"port": rc.Port}}
	}
	get := map[string]any{"path": rc.Path, "port": rc.Port}
	if rc.Scheme != "" {
		get["scheme"] = rc.Scheme
	}
	return map[string]any{"httpGet": get}
}

// addReadinessProbe writes the check c's load balancers use as its
// readinessProbe (only the handler: the probe's default timings stand) and
// returns the probe, or nil when none can be made.
func addReadinessProbe(w *model.Workload, c *model.Container, checks readinessChecks, r *model.Report) map[string]any {
	path := c.Path("readinessProbe")
	check, ok := checks.For(w, c)
	if !ok {
		r.Risk(RuleReadinessProbe.ID, w.Object, path, nil,
			"%s %s container %q: no readinessProbe, and no TCP port to check, so lbguard cannot add one: the pod turns Ready before the app listens; add a readinessProbe that fits the app",
			w.KindName, w.Name, c.Name)
		return nil
	}
	// Field by field, in the order people write them; numbers stay numbers.
	_, err := c.RemoveNestedField("readinessProbe") // a null one
	set := func(value any, fields ...string) {
		if err == nil && value != "" {
			err = c.SetNestedField(value, append([]string{"readinessProbe"}, fields...)...)
		}
	}
	if check.Path == "" {
		set(check.Port, "tcpSocket", "port")
	} else {
		set(check.Path, "httpGet", "path")
		set(check.Port, "httpGet", "port")
		set(check.Scheme, "httpGet", "scheme")
	}
	if err != nil {
		r.Invalid(w.Object, path, err.Error())
		return nil
	}
	handler := check.handler()
	if check.Path == "" {
		r.Changed(RuleReadinessProbe.ID, w.Object, path, nil, handler,
			"%s %s container %q: readinessProbe added: a tcpSocket check on port %v%s, so the pod turns Ready only once the container accepts connections",
			w.KindName, w.Name, c.Name, check.Port, check.Source)
	} else {
		r.Changed(RuleReadinessProbe.ID, w.Object, path, nil, handler,
			"%s %s container %q: readinessProbe added: an httpGet on %s, port %v, %s, so that Kubernetes and the ELB judge the pod alike",
			w.KindName, w.Name, c.Name, check.Path, check.Port, check.Source)
	}
	return handler
}

// readinessChecks remembers the check readinessCheckFor picks for each set
// of fronts and container ports, all it reads: a hostile list can put N
// Services in front of N workloads alike.
type readinessChecks map[readinessKey]readinessChoice

type readinessKey struct {
	fronts *model.FrontSet
	ports  string
}

type readinessChoice struct {
	check readinessCheck
	ok    bool
}

func (m readinessChecks) For(w *model.Workload, c *model.Container) (readinessCheck, bool) {
	key := readinessKey{w.FrontSet, fmt.Sprintf("%#v", tcpPorts(c))}
	choice, seen := m[key]
	if !seen {
		choice.check, choice.ok = readinessCheckFor(w, c)
		m[key] = choice
	}
	return choice.check, choice.ok
}

// readinessCheckFor picks the check for c: the first HTTP health check of a
// load balancer in front that reaches c, else a TCP check on the port a load
// balancer sends to, else on c's first TCP port. ok is false when c has no
// TCP port at all.
func readinessCheckFor(w *model.Workload, c *model.Container) (readinessCheck, bool) {
	var tcp *readinessCheck
	for _, b := range w.Fronts() {
		hc := b.HealthCheck()
		port, ok := healthCheckTarget(b, hc.Port, c)
		if scheme, http := httpHealthCheck(b, hc); ok && http && hc.Path != "" {
			holder := healthCheckHolder(b)
			return readinessCheck{Path: hc.Path, Scheme: scheme, Port: probePort(port),
				Source: "the health check that " + holder.KindName + " " + holder.Name + " names"}, true
		}
		lb := b.LB.KindName + " " + b.LB.Name
		source := " (the port " + lb + " health-checks)"
		if !ok || hc.Port == "" || hc.Port == healthCheckPortTrafficPort {
			// the health check reaches another container, or this port anyway
			port, ok = healthCheckTarget(b, healthCheckPortTrafficPort, c)
			source = " (the port " + lb + " sends traffic to)"
		}
		if ok && tcp == nil {
			tcp = &readinessCheck{Port: probePort(port), Source: source}
		}
	}
	if tcp != nil {
		return *tcp, true
	}
	ports := tcpPorts(c)
	if len(ports) == 0 {
		return readinessCheck{}, false
	}
	return readinessCheck{Port: probePort(ports[0])}, true
}

// probePort is how a probe names a container port: by its name when it has
// one, so the probe follows the port if its number changes.
func probePort(p model.ContainerPort) any {
	if p.Name != "" {
		return p.Name
	}
	return p.Number
}

// tcpPorts lists c's ports a kubelet can probe: TCP, the default protocol.
func tcpPorts(c *model.Container) []model.ContainerPort {
	var ports []model.ContainerPort
	for _, p := range c.Ports() {
		if p.Protocol == "" || p.Protocol == "TCP" {
			ports = append(ports, p)
		}
	}
	return ports
}

// containerPort finds c's TCP port named or numbered target.
func containerPort(c *model.Container, target string) (model.ContainerPort, bool) {
	for _, p := range tcpPorts(c) {
		if p.Name == target || strconv.Itoa(p.Number) == target {
			return p, true
		}
	}
	return model.ContainerPort{}, false
}

// healthCheckTarget resolves the health-check port the backend names to a
// port of c. "traffic-port" (the default) is the port the load balancer sends
// to: its Service port's targetPort; a number is the target's own port; a
// name is a Service port's (the LBC resolves it to that port's targetPort).
func healthCheckTarget(b *model.Backend, hcPort string, c *model.Container) (model.ContainerPort, bool) {
	if _, err := strconv.Atoi(hcPort); err == nil {
		return containerPort(c, hcPort)
	}
	named := hcPort != "" && hcPort != healthCheckPortTrafficPort
	for _, sp := range servicePorts(b.ServiceView) {
		if (named && sp.Name == hcPort) || (!named && usesPort(b, sp)) {
			if p, ok := containerPort(c, sp.TargetPort); ok {
				return p, true
			}
		}
	}
	return model.ContainerPort{}, false
}

// servicePort is one entry of a Service's spec.ports.
type servicePort struct {
	Name       string
	Port       int
	TargetPort string // a number or a container port's name; defaults to Port
}

// servicePorts lists the ports of the Service whose view is svc; none when
// svc is nil or its ports unreadable (the probe then falls back to a TCP
// check on the container's first port).
func servicePorts(svc *model.ObjectView) []servicePort {
	if svc == nil {
		return nil
	}
	list, _ := yamlnode.OfKind(svc.Root, yaml.SequenceNode, "spec", "ports")
	if list == nil || !yamlnode.IsListOfMaps(list) {
		return nil
	}
	ports := make([]servicePort, 0, len(list.Content))
	for _, p := range list.Content {
		sp := servicePort{}
		sp.Name, _ = yamlnode.StringAt(p, "name")
		sp.Port, _, _ = yamlnode.IntAt(p, "port")
		if n, found, err := yamlnode.IntAt(p, "targetPort"); err == nil && found {
			sp.TargetPort = strconv.Itoa(n)
		} else {
			sp.TargetPort, _ = yamlnode.StringAt(p, "targetPort")
		}
		if sp.TargetPort == "" {
			sp.TargetPort = strconv.Itoa(sp.Port)
		}
		ports = append(ports, sp)
	}
	return ports
}

// usesPort reports whether the load balancer sends to the Service port sp.
// An empty port reference (an Ingress backend that names none) counts as any.
func usesPort(b *model.Backend, sp servicePort) bool {
	if len(b.Ports) == 0 {
		return true
	}
	for _, p := range b.Ports {
		if p == "" || p == sp.Name || p == strconv.Itoa(sp.Port) {
			return true
		}
	}
	return false
}

// httpHealthCheck reports whether the backend's health check is plain HTTP(S)
// that an httpGet probe can mirror, and its scheme when HTTPS. A gRPC target
// group checks a gRPC method with gRPC status codes: no httpGet can pass that.
func httpHealthCheck(b *model.Backend, hc model.HealthCheck) (scheme string, ok bool) {
	switch {
	case b.LB.Kind == model.TGBinding || b.LB.Kind == model.InTreeNLB, hc.Protocol == "GRPC":
		return "", false
	case hc.Protocol == "HTTPS":
		return "HTTPS", true
	}
	return "", true
}

// healthCheckHolder is the object whose annotation (or, for a route, whose
// healthCheckConfig) names the health-check path.
func healthCheckHolder(b *model.Backend) *model.ObjectView {
	if holder := b.LB.Front.HealthCheckHolder; holder != nil {
		return holder(b)
	}
	key := annotations.SvcHealthCheckPath
	if b.LB.Kind == model.ALBIngress {
		key = annotations.ALBHealthCheckPath
	}
	if _, holder, ok := b.Annotation(key); ok && holder == b.Service {
		return b.ServiceView
	}
	return b.LB.ObjectView
}

// checkLiveness warns about liveness probes that restart pods which are only
// slow: the same check as readiness, or a single failure allowed.
func checkLiveness(w *model.Workload, c *model.Container, liveness, readiness map[string]any, r *model.Report) {
	if n, _, _ := yamlnode.IntAt(c.Node, "livenessProbe", "failureThreshold"); n == 1 {
		r.Risk(RuleReadinessProbe.ID, w.Object, c.Path("livenessProbe.failureThreshold"), 1,
			"%s %s container %q: livenessProbe has failureThreshold 1: a single slow or failed check restarts the container and cuts its in-flight requests; allow 3 (the default) or more",
			w.KindName, w.Name, c.Name)
	}
	if readiness == nil {
		return
	}
	handler := probeHandler(liveness)
	if len(handler) > 0 && reflect.DeepEqual(portsByNumber(c, handler), portsByNumber(c, probeHandler(readiness))) {
		r.Risk(RuleReadinessProbe.ID, w.Object, c.Path("livenessProbe"), handler,
			"%s %s container %q: livenessProbe runs the same check as the readinessProbe: when the app is only busy or a dependency is down, the kubelet restarts it instead of taking it out of the load balancer, and every replica can restart at once. Give the liveness probe a cheaper check (the process is alive) or a higher failureThreshold",
			w.KindName, w.Name, c.Name)
	}
}

// probeHandler is what a probe checks, without its timings.
func probeHandler(p map[string]any) map[string]any {
	handler := map[string]any{}
	for _, key := range probeHandlers {
		if action, ok := p[key]; ok {
			handler[key] = action
		}
	}
	return handler
}

// portsByNumber writes a handler's port as the container port's number, so
// that "http" and 8080 compare equal.
func portsByNumber(c *model.Container, handler map[string]any) map[string]any {
	out := make(map[string]any, len(handler))
	for key, action := range handler {
		if m, ok := action.(map[string]any); ok && m["port"] != nil {
			port := fmt.Sprint(m["port"]) // a name, or a number (float64 when read from YAML)
			if cp, ok := containerPort(c, port); ok {
				port = strconv.Itoa(cp.Number)
			}
			action = withPort(m, port)
		}
		out[key] = action
	}
	return out
}

func withPort(m map[string]any, port string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	out["port"] = port
	return out
}
