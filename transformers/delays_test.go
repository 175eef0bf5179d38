package transformers

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/transformers/config"
	"github.com/lbguard/lbguard/transformers/model"
	"github.com/lbguard/lbguard/transformers/rules"
)

// The delays phase settles each backend's delay before the rules run: R2
// writes what it settled, and no rule changes it after. Over every golden
// case, the settled delay is what reading the annotations gives once all
// the rules have run.
func TestSettledDelaysHold(t *testing.T) {
	dirs, err := filepath.Glob("../testdata/golden/*")
	if err != nil || len(dirs) < 40 {
		t.Fatalf("golden cases: %d, %v", len(dirs), err)
	}
	backends := 0
	for _, dir := range dirs {
		files, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
		var items fn.KubeObjects
		for _, f := range files {
			if strings.HasPrefix(filepath.Base(f), "_") {
				continue
			}
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			objs, err := fn.ParseKubeObjects(b)
			if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			items = append(items, objs...)
		}
		r := &model.Report{}
		known, _ := model.CheckItems(items, r)
		cfg := config.DefaultConfig()
		inv := model.NewInventory(known, cfg, r)
		model.SettleDelays(inv, cfg)
		for _, rule := range rules.Rules {
			rule.Apply(inv, cfg, r)
		}
		for _, lb := range inv.LoadBalancers {
			for _, b := range lb.Backends {
				if b.Delay == nil {
					t.Errorf("%s: %s %s backend %s: no settled delay", dir, lb.Kind, lb.Name, b.ServiceName)
					continue
				}
				backends++
				if s, k := b.ReadDeregistrationDelay(cfg, nil); s != b.Delay.Seconds || k != b.Delay.Known {
					t.Errorf("%s: %s %s backend %s: settled %d/%v, now %d/%v", dir, lb.Kind, lb.Name, b.ServiceName, b.Delay.Seconds, b.Delay.Known, s, k)
				}
			}
		}
	}
	if backends < 40 {
		t.Errorf("only %d backends checked", backends)
	}
}
