package main

import (
	"os/exec"
	"strings"
	"testing"
)

// bench builds its four binaries (lbguard, the identity baseline, lbguard
// without results, the SDK's entry point) and prints each table: run small,
// this proves the baselines build and run, not how fast anything is.
func TestBenchRunsEveryBaseline(t *testing.T) {
	if testing.Short() {
		t.Skip("builds four binaries")
	}
	cmd := exec.Command("go", "run", "./bench", "-sizes", "30", "-runs", "1", "-small-runs", "1", "-split", "-sdk")
	cmd.Dir = ".."
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("bench: %v\n%s", err, out)
	}
	for _, want := range []string{
		"resources runs    identity     lbguard  ratio",
		"lbguard without its results in the output",
		"lbguard against the SDK's own entry point (fn.AsMain)",
		"20 resources as a whole process",
		"Targets against the SDK's entry point (fn.AsMain) with a processor that changes nothing:",
		"The same against lbguard's own read and write (the identity build; stricter, for the record):",
		"Targets of lbguard alone:",
		"  20 resources as a whole process < 20.0 ms:",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("the output lacks %q:\n%s", want, out)
		}
	}
	// Three rows of 30 resources: the main table, -split's and -sdk's.
	if n := strings.Count(string(out), "\n       30 "); n != 3 {
		t.Errorf("%d rows of 30 resources, want 3:\n%s", n, out)
	}
}
