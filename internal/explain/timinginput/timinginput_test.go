package timinginput_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lbguard/lbguard/internal/explain/timinginput"
	"github.com/lbguard/lbguard/internal/testkit"
	"github.com/lbguard/lbguard/transformers/config"
	_ "github.com/lbguard/lbguard/transformers/frontends" // every front end, registered
	"github.com/lbguard/lbguard/transformers/model"
)

// TestInputGolden reads every golden case of the function into the timing
// model's input, one line per workload and backend that fronts it, into
// testdata/inputs/<case>.txt (WRITE_GOLDEN_OUTPUT=1 writes them).
func TestInputGolden(t *testing.T) {
	for _, name := range testkit.GoldenCases(t) {
		rl := testkit.GoldenInput(t, filepath.Join(testkit.GoldenDir(t), name))
		cfg, errs := config.DecodeConfig(rl.FunctionConfig)
		if len(errs) > 0 {
			continue
		}
		inv := model.NewInventory(rl.Items, cfg, &model.Report{})
		model.SettleDelays(inv, cfg)
		var b strings.Builder
		for _, w := range inv.Workloads {
			for _, be := range w.Fronts() {
				in, err := json.Marshal(timinginput.Input(inv, w, be, cfg))
				if err != nil {
					t.Fatal(err)
				}
				id, lb := w.ID(), be.LB.ID()
				fmt.Fprintf(&b, "%s %s/%s behind %s %s/%s: %s\n", id.Kind, id.Namespace, id.Name, be.LB.Kind, lb.Namespace, lb.Name, in)
			}
		}
		path := filepath.Join("testdata", "inputs", name+".txt")
		if b.Len() == 0 {
			if _, err := os.Stat(path); err == nil {
				t.Errorf("%s: the case has no workload behind a load balancer any more", path)
			}
			continue
		}
		testkit.CompareGolden(t, path, b.String())
	}
}
