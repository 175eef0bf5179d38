package main

import (
	"encoding/json"
	"flag"
	"os"
	"strings"
	"testing"
)

// TestMain makes the test binary bench's runner when bench starts it as
// one (measureOnce starts its own executable): bench runs in process below.
func TestMain(m *testing.M) {
	if os.Getenv(runnerEnv) != "" {
		json.NewEncoder(os.Stdout).Encode(runOnce(os.Args[1], os.Args[2]))
		return
	}
	os.Exit(m.Run())
}

// bench builds its four binaries (lbguard, the identity baseline, lbguard
// without results, the SDK's entry point) and prints each table: run small,
// this proves the baselines build and run, not how fast anything is.
func TestBenchRunsEveryBaseline(t *testing.T) {
	if testing.Short() {
		t.Skip("builds four binaries")
	}
	out := runMain(t, "-sizes", "30", "-runs", "1", "-small-runs", "1", "-split", "-sdk")
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

// runMain runs bench's main in process, from the module root, with args,
// and returns what it printed.
func runMain(t *testing.T, args ...string) []byte {
	t.Chdir("..")
	stdout, err := os.CreateTemp(t.TempDir(), "stdout")
	if err != nil {
		t.Fatal(err)
	}
	savedArgs, savedFlags, savedStdout := os.Args, flag.CommandLine, os.Stdout
	defer func() { os.Args, flag.CommandLine, os.Stdout = savedArgs, savedFlags, savedStdout }()
	os.Args = append([]string{"bench"}, args...)
	flag.CommandLine = flag.NewFlagSet("bench", flag.ContinueOnError)
	os.Stdout = stdout
	main()
	os.Stdout = savedStdout
	out, err := os.ReadFile(stdout.Name())
	if err != nil {
		t.Fatal(err)
	}
	return out
}
