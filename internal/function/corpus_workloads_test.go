package function

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/transformers/config"
	"github.com/lbguard/lbguard/transformers/model"
)

// corpusWorkloadViolations lists what R4–R7 leave wrong in items, for each
// workload an AWS load balancer fronts: a serving container without a
// readiness probe, a preStop sleep shorter than D, a grace period that does
// not hold S + A, and a workload of 2+ replicas that is not covered by
// exactly one budget that allows an eviction.
func corpusWorkloadViolations(items fn.KubeObjects) []string {
	var out []string
	cfg := config.DefaultConfig()
	inv := model.NewInventory(items, cfg, &model.Report{})
	for _, w := range inv.WorkloadsInScope(cfg) {
		where := w.Object.GetKind() + " " + w.Namespace + "/" + w.Object.GetName()
		d, known := w.DeregistrationDelay(cfg)
		longest := 0
		for _, c := range w.Containers() {
			if !c.Serving {
				continue
			}
			if _, ok, _ := c.NestedSubObject("readinessProbe"); !ok {
				out = append(out, fmt.Sprintf("%s container %s: no readinessProbe", where, c.Name))
			}
			s, visible := corpusPreStopSleep(c)
			if !visible {
				continue // a custom hook: lbguard warns, it cannot see the delay
			}
			longest = max(longest, s)
			if known && s < d {
				out = append(out, fmt.Sprintf("%s container %s: preStop sleep %d s < D %d s", where, c.Name, s, d))
			}
		}
		g, set, _ := w.Object.NestedInt64("spec", "template", "spec", "terminationGracePeriodSeconds")
		if !set {
			g = 30
		}
		if int(g) < longest+cfg.ShutdownSeconds {
			out = append(out, fmt.Sprintf("%s: grace period %d s < S %d s + A %d s", where, g, longest, cfg.ShutdownSeconds))
		}
		out = append(out, corpusBudgetViolations(w, inv, where)...)
	}
	sort.Strings(out)
	return out
}

// corpusPreStopSleep reads a sleep action or a plain exec sleep.
func corpusPreStopSleep(c *model.Container) (seconds int, visible bool) {
	if _, ok, _ := c.NestedSubObject("lifecycle", "preStop"); !ok {
		return 0, true
	}
	if n, ok, _ := c.NestedInt("lifecycle", "preStop", "sleep", "seconds"); ok {
		return n, true
	}
	command, _, _ := c.NestedStringSlice("lifecycle", "preStop", "exec", "command")
	if len(command) > 0 {
		fields := strings.Fields(command[len(command)-1])
		if len(fields) > 0 {
			if n, err := strconv.Atoi(fields[len(fields)-1]); err == nil && strings.Contains(strings.Join(command, " "), "sleep") {
				return n, true
			}
		}
	}
	return 0, false
}

// corpusBudgetViolations checks R7 for a workload of 2+ replicas (the corpus
// has no HorizontalPodAutoscaler in front of a load-balanced workload).
func corpusBudgetViolations(w *model.Workload, inv *model.Inventory, where string) []string {
	if w.Object.GetKind() == "DaemonSet" {
		return nil
	}
	replicas, set, _ := w.Object.NestedInt64("spec", "replicas")
	if !set {
		replicas = 1
	}
	if replicas < 2 {
		return nil
	}
	var covering []*fn.KubeObject
	for _, pdb := range inv.PDBs {
		selector, _, _ := pdb.NestedStringMap("spec", "selector", "matchLabels")
		if corpusNamespace(pdb) == w.Namespace && len(selector) > 0 && corpusSelects(selector, w.PodLabels) {
			covering = append(covering, pdb)
		}
	}
	if len(covering) != 1 {
		return []string{fmt.Sprintf("%s (%d replicas): covered by %d PodDisruptionBudgets, want 1", where, replicas, len(covering))}
	}
	pdb := covering[0]
	if n, ok, _ := pdb.NestedInt64("spec", "maxUnavailable"); ok && n < 1 {
		return []string{where + ": its budget allows no eviction (maxUnavailable 0)"}
	}
	if n, ok, _ := pdb.NestedInt64("spec", "minAvailable"); ok && n >= replicas {
		return []string{where + ": its budget allows no eviction (minAvailable ≥ replicas)"}
	}
	return nil
}

func corpusNamespace(obj *fn.KubeObject) string {
	if ns := obj.GetNamespace(); ns != "" {
		return ns
	}
	return "default"
}

func corpusSelects(selector, labels map[string]string) bool {
	for k, v := range selector {
		if labels[k] != v {
			return false
		}
	}
	return true
}

// TestCorpusWorkloadViolationsSeesThem checks the checker of property (f) on
// a corpus input before lbguard: each rule is broken there.
func TestCorpusWorkloadViolationsSeesThem(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(sharedCorpusRoot, "aws-lbc/2048/2048_full.yaml"))
	if err != nil {
		t.Skipf("the shared corpus is not here: %v", err)
	}
	items, err := fn.ParseKubeObjects(data)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"Deployment game-2048/deployment-2048 (5 replicas): covered by 0 PodDisruptionBudgets, want 1",
		"Deployment game-2048/deployment-2048 container app-2048: no readinessProbe",
		"Deployment game-2048/deployment-2048 container app-2048: preStop sleep 0 s < D 300 s",
	}
	got := corpusWorkloadViolations(items)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("violations:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	rl := &fn.ResourceList{Items: items, FunctionConfig: fn.NewEmptyKubeObject()}
	processList(t, rl)
	if left := corpusWorkloadViolations(rl.Items); len(left) != 0 {
		t.Errorf("violations left after one run:\n%s", strings.Join(left, "\n"))
	}
}
