package report

// ruleInfo is what the reports say about a rule: its name, and why breaking
// it drops requests (DOMAIN.md's reasoning, one sentence).
type ruleInfo struct {
	ID, Name, Title, Why string
}

var ruleInfos = []ruleInfo{
	{"R1", "IPTargetType", "ip target type",
		"With instance targets the ELB sends to every node's NodePort and kube-proxy forwards, so health checks and draining see the node, not the pod, and a pod that is going away still gets new requests."},
	{"R2", "DeregistrationDelay", "deregistration delay",
		"A deregistration delay nobody set is the ELB's 300 s (and a Classic ELB without connection draining cuts in-flight requests the moment a pod leaves); only an explicit, short delay is one the pod's preStop delay can be held against."},
	{"R3", "ReadinessGates", "readiness gates",
		"Without readiness gates a new pod turns Ready before the ELB has registered it and seen it pass a health check, so a rollout can kill the old pods while the target group has no healthy target."},
	{"R4", "ReadinessProbe", "readiness probe",
		"Without a readiness probe a container is Ready the moment it starts, before the app can serve: the rollout moves on and the ELB sends it requests it cannot answer."},
	{"R5", "PreStopDelay", "preStop delay",
		"The kubelet sends SIGTERM at the same time as the ELB starts deregistering the pod; without a preStop delay the app exits while the ELB still routes new requests to it (ALB ~5-30 s, NLB ~2-3 minutes), and clients get 502/504."},
	{"R6", "GracePeriod", "grace period",
		"The kubelet kills the pod when its grace period ends, preStop included: a grace period shorter than the preStop delay plus the app's own shutdown cuts in-flight requests."},
	{"R7", "DisruptionBudget", "PodDisruptionBudget",
		"Without a PodDisruptionBudget a node drain may evict all of a workload's pods at once; a budget that allows no eviction blocks the drain instead."},
	{"R8", "SignalHandling", "SIGTERM reaches the app",
		"Under a shell wrapper the shell is PID 1 and swallows SIGTERM: the app never begins its graceful shutdown and is killed when the grace period ends."},
	{"invalid", "UnreadableField", "unreadable field",
		"lbguard cannot read this field, so it cannot check the resource, and the API server or the load balancer controller would refuse it too."},
}

func ruleOf(id string) ruleInfo {
	for _, r := range ruleInfos {
		if r.ID == id {
			return r
		}
	}
	return ruleInfo{ID: id, Name: id, Title: id}
}
