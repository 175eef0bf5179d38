package config

import "fmt"

// Mode says whether lbguard edits the list or only reports what it would edit.
type Mode string

const (
	ModeFix   Mode = "fix"
	ModeAudit Mode = "audit"
)

// Scope says which workloads the workload rules touch.
type Scope string

const (
	ScopeLoadBalanced Scope = "load-balanced" // only workloads an AWS load balancer fronts
	ScopeAll          Scope = "all"           // every workload in the list
)

// KubernetesVersion is the target cluster's minor version.
type KubernetesVersion struct{ Major, Minor int }

func (v KubernetesVersion) String() string { return fmt.Sprintf("%d.%d", v.Major, v.Minor) }

// AtLeast reports whether v is major.minor or newer.
func (v KubernetesVersion) AtLeast(major, minor int) bool {
	return v.Major > major || (v.Major == major && v.Minor >= minor)
}

// Config holds the settled configuration every rule reads. fn decodes and
// validates it; the zero value is not meaningful, start from DefaultConfig.
type Config struct {
	Mode                       Mode
	KubernetesVersion          KubernetesVersion
	DeregistrationDelaySeconds int // D written where none is set
	ShutdownSeconds            int // A: the app's own shutdown time after SIGTERM
	PreStopSeconds             *int
	NLBPreStopSeconds          int // the floor S for NLB and TargetGroupBinding targets
	Scope                      Scope
	MaxUnavailable             string // of generated PodDisruptionBudgets: "1" or "25%"
	SidecarPreStop             bool   // give port-less sidecars a preStop too
	// TargetGroupBindingDelays states the deregistration delay of target groups
	// managed outside Kubernetes, by "namespace/name" of the TargetGroupBinding.
	TargetGroupBindingDelays map[string]int
	// Gateways and GatewayClasses say which load balancer a Gateway or a
	// class defined outside the list makes: "alb", "nlb", or "ignore" (not
	// an AWS load balancer), by "namespace/name" (or name) of the Gateway,
	// by name of the class.
	Gateways       map[string]GatewayType
	GatewayClasses map[string]GatewayType
}

// GatewayType is the load balancer the config says a Gateway or a class makes.
type GatewayType string

const (
	GatewayTypeALB    GatewayType = "alb"
	GatewayTypeNLB    GatewayType = "nlb"
	GatewayTypeIgnore GatewayType = "ignore" // not an AWS load balancer: its routes are left alone
)

// DefaultConfig is the configuration of the defaults of docs/rules.md.
func DefaultConfig() Config {
	return Config{
		Mode:                       ModeFix,
		KubernetesVersion:          KubernetesVersion{1, 31},
		DeregistrationDelaySeconds: 30,
		ShutdownSeconds:            20,
		NLBPreStopSeconds:          180,
		Scope:                      ScopeLoadBalanced,
		MaxUnavailable:             "1",
		TargetGroupBindingDelays:   map[string]int{},
		Gateways:                   map[string]GatewayType{},
		GatewayClasses:             map[string]GatewayType{},
	}
}
