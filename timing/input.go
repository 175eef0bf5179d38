package timing

// Kind is the kind of AWS load balancer in front of the targets.
type Kind string

const (
	ALB     Kind = "alb"
	NLB     Kind = "nlb"
	Classic Kind = "classic" // the in-tree Classic ELB: its targets are nodes
)

// Front is the Kubernetes object that ties the workload to the load balancer.
// It decides the health-check defaults and the field that sets D.
type Front string

const (
	FrontIngress            Front = "ingress"            // Ingress of the LBC (an ALB)
	FrontService            Front = "service"            // Service of type LoadBalancer (NLB, or Classic in-tree)
	FrontTargetGroupBinding Front = "targetgroupbinding" // target group configured outside Kubernetes; Kind is its kind
	FrontGatewayRoute       Front = "gateway"            // Gateway API route served by the LBC; same ELB latencies
)

// TargetType is what the target group registers: pod IPs or node ports.
type TargetType string

const (
	TargetIP       TargetType = "ip"
	TargetInstance TargetType = "instance"
)

// Input is one workload behind one load balancer, with what the manifests do
// not hold (traffic, platform) and optional calibrated latencies.
type Input struct {
	LoadBalancer LoadBalancer
	Workload     Workload
	Traffic      Traffic
	Platform     Platform
	// Calibration replaces latencies of the table by symbol ("P", "Reg",
	// "e", "q", "k", "Q", "lag_nlb"), e.g. with p95 values measured in the
	// user's cluster (docs/timing.md §6.4). The windows take e and q at their
	// typical value in both columns.
	Calibration map[string]Pair
}

// LoadBalancer is the load balancer and its target group.
type LoadBalancer struct {
	Kind  Kind
	Front Front
	// TargetType empty means the LBC default, instance; ip on EKS Auto Mode.
	TargetType TargetType
	// ExternalTrafficPolicyLocal: a Service's instance targets with
	// externalTrafficPolicy: Local (W7b instead of W7).
	ExternalTrafficPolicyLocal bool
	// DeregistrationDelay is D; nil when unknown (a TargetGroupBinding's
	// target group): the ELB default of 300 s.
	DeregistrationDelay *float64
	// ConnectionTermination: NLB deregistration_delay.connection_termination.enabled;
	// without it D cuts nothing on an NLB (W3).
	ConnectionTermination bool
	// HealthCheck fields left zero take the defaults of Kind and Front.
	HealthCheck HealthCheck
	// IdleTimeout is the ALB's idle timeout; 0 means the default, 60 s.
	IdleTimeout float64
	// ReadinessGate: the namespace is labelled for LBC readiness-gate injection.
	ReadinessGate bool
	// AutoMode: EKS Auto Mode, which has no readiness gates.
	AutoMode bool
}

// HealthCheck is a target group's health check. Zero fields take defaults.
type HealthCheck struct {
	Interval           float64 // I
	Timeout            float64 // T
	HealthyThreshold   int     // Hc
	UnhealthyThreshold int     // Uc
	// NewTargetChecks is h, the checks a new target must pass: 1 per the ALB
	// docs; one blog measured 2 (docs/timing.md §2, §7).
	NewTargetChecks int
}

// Workload is the pod template and rollout settings of one workload.
type Workload struct {
	Replicas int // N; 0 means 1, the Deployment default
	Strategy Strategy
	// Probe is the serving container's readiness probe; nil when it has none.
	Probe *Probe
	// PreStop is S, the preStop delay in seconds; 0 when there is none.
	PreStop float64
	// Grace is G, terminationGracePeriodSeconds; nil means 30.
	Grace *float64
	// AppShutdown is A, the app's exit time after SIGTERM; nil means 20 (docs/rules.md).
	AppShutdown *float64
	// AcceptAfterSIGTERM is c, how long the app keeps accepting after SIGTERM.
	AcceptAfterSIGTERM float64
	// AppStart is T_app, pod creation until the app can serve; 0 means 10.
	AppStart float64
	// KeepAliveTimeout is the app's idle keep-alive timeout (W4); 0 when unknown.
	KeepAliveTimeout float64
	// FailHealthFirst: the preStop makes the health check fail, then sleeps,
	// so the ELB also stops routing after Uc·I + T (+ lag_nlb) (docs/timing.md §5.4).
	FailHealthFirst bool
	// Budget is the PodDisruptionBudget over the pods; nil when there is none.
	Budget *Budget
}

// Strategy is a Deployment's RollingUpdate strategy.
type Strategy struct {
	MaxSurge        *IntOrPercent // s; nil means 25 %, rounded up
	MaxUnavailable  *IntOrPercent // u; nil means 25 %, rounded down
	MinReadySeconds float64       // M
	// ProgressDeadline is progressDeadlineSeconds; 0 means 600.
	ProgressDeadline float64
}

// Probe is a readiness probe's timing. Zero fields take the core/v1 defaults:
// period 10, timeout 1, failureThreshold 3, successThreshold 1. The model
// takes each probe to answer within its timeout.
type Probe struct {
	InitialDelay     float64
	Period           float64
	Timeout          float64
	FailureThreshold int
	SuccessThreshold int
}

// Budget is a PodDisruptionBudget; a minAvailable budget is given as
// MaxUnavailable = replicas − minAvailable.
type Budget struct {
	MaxUnavailable IntOrPercent
}

// IntOrPercent is a count, or a percentage of the replicas.
type IntOrPercent struct {
	Value   int
	Percent bool
}

// Traffic is what the manifests do not say about the requests.
type Traffic struct {
	// RequestSeconds is R, the longest request; 0 means 5.
	RequestSeconds float64
	// RPS is the workload's requests per second, to turn failure-seconds into requests.
	RPS float64
}

// Platform is how the cluster removes nodes.
type Platform struct {
	ClusterAutoscaler bool
	Karpenter         bool
	ManagedNodeGroup  bool
	Spot              bool
	// KarpenterTerminationGrace is a NodePool's terminationGracePeriod; 0 when unset.
	KarpenterTerminationGrace float64
	// SpotNoticeLag is t_notice, from the Spot notice to the pod's deletion;
	// nil means 5 s, which puts the kill at ~115 s (docs/timing.md §5.5).
	SpotNoticeLag *float64
	// PodsPerNode is how many of the workload's pods one node holds; 0 means 1.
	PodsPerNode int
	// Nodes is how many nodes serve instance targets (W8); 0 means one per replica.
	Nodes int
	// NodeKeepAlive is how long a node keeps forwarding after it is excluded
	// from the load balancer, before it is terminated (W8).
	NodeKeepAlive float64
}
