package transformers

import "github.com/lbguard/lbguard/transformers/model"

// Outcome is what a run gives the reports (model.Outcome, beside the
// Report the rules write to): its results, and the workloads each puts at
// risk.
type Outcome = model.Outcome

// IsWorkload tells whether apiVersion and kind are one of the workload kinds
// lbguard reads (apps/v1 Deployment, StatefulSet, DaemonSet, ReplicaSet, and
// Argo Rollout), by group, not by kind alone.
func IsWorkload(apiVersion, kind string) bool {
	return model.SDKGroupKind(apiVersion, kind).IsWorkload()
}
