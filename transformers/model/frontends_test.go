package model_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lbguard/lbguard/internal/testkit"
	"github.com/lbguard/lbguard/transformers/config"
	_ "github.com/lbguard/lbguard/transformers/frontends" // every front end, registered
	"github.com/lbguard/lbguard/transformers/model"
)

// minFrontendCases is how many golden cases each front end must appear in,
// as each rule must have five.
const minFrontendCases = 5

// TestFrontendInventories dumps, for every golden case of the function,
// what each front end indexed of it, into
// testdata/frontends/<front end>/<case>.txt.
func TestFrontendInventories(t *testing.T) {
	seen := map[string]bool{}
	for _, name := range testkit.GoldenCases(t) {
		rl := testkit.GoldenInput(t, filepath.Join(testkit.GoldenDir(t), name))
		cfg, errs := config.DecodeConfig(rl.FunctionConfig)
		if len(errs) > 0 {
			continue // the config cases: nothing is indexed
		}
		inv := model.NewInventory(rl.Items, cfg, &model.Report{})
		model.SettleDelays(inv, cfg)
		for _, f := range model.Frontends {
			dump := inv.Dump(f, cfg)
			path := filepath.Join("testdata", "frontends", f.Name, name+".txt")
			seen[path] = true
			if dump == "" {
				if _, err := os.Stat(path); err == nil {
					t.Errorf("%s: %s indexes nothing of the case any more", path, f.Name)
				}
				continue
			}
			testkit.CompareGolden(t, path, dump)
		}
	}
	// A dump whose case is gone is stale.
	for _, f := range model.Frontends {
		files, _ := filepath.Glob(filepath.Join("testdata", "frontends", f.Name, "*.txt"))
		for _, file := range files {
			if !seen[file] {
				t.Errorf("%s: no golden case %s", file, strings.TrimSuffix(filepath.Base(file), ".txt"))
			}
		}
	}
}

// TestEveryFrontendHasCases enforces the recipe of docs/architecture.md: a
// front end is listed in model.Frontends, claims its own kinds of load
// balancer, and has its golden cases.
func TestEveryFrontendHasCases(t *testing.T) {
	claimed := map[model.LBKind]string{}
	for _, f := range model.Frontends {
		for _, k := range f.Kinds {
			if other, ok := claimed[k]; ok {
				t.Errorf("%s is claimed by %s and %s", k, other, f.Name)
			}
			claimed[k] = f.Name
		}
		files, _ := filepath.Glob(filepath.Join("testdata", "frontends", f.Name, "*.txt"))
		if len(files) < minFrontendCases {
			t.Errorf("front end %s has %d golden cases (testdata/golden inputs that hold its load balancers), want at least %d", f.Name, len(files), minFrontendCases)
		}
		byKind := map[model.LBKind]bool{}
		for _, file := range files {
			b, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			for _, k := range f.Kinds {
				if strings.HasPrefix(string(b), string(k)+" ") || strings.Contains(string(b), "\n"+string(k)+" ") {
					byKind[k] = true
				}
			}
		}
		for _, k := range f.Kinds {
			if !byKind[k] {
				t.Errorf("front end %s: no golden case holds a %s", f.Name, k)
			}
		}
	}
	for _, k := range []model.LBKind{model.ALBIngress, model.LBCNLB, model.ClassicELB, model.InTreeNLB, model.TGBinding, model.GatewayALB, model.GatewayNLB} {
		if _, ok := model.FrontendOf(k); !ok {
			t.Errorf("no front end makes %s", k)
		}
	}
}
