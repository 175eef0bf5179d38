package rules

import (
	"encoding/binary"
	"fmt"
	"math"
	"reflect"
	"strconv"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/internal/explain/timinginput"
	"github.com/lbguard/lbguard/timing"
	"github.com/lbguard/lbguard/transformers/config"
	"github.com/lbguard/lbguard/transformers/model"
)

// What a change closes, in seconds of failed requests (docs/timing.md §5.4):
// a result of R5, R6 or R3 that changes the manifests carries the window
// that the manifests as written leave open and the change closes, in its
// message and as tags, so that audit, fix and the KRM function speak the
// numbers `lbguard explain` prints. A window already shut is not named.

// The tags of a result that closes a window.
const (
	TagWindow        = "lbguard.dev/window"                 // W1, W2, W5, W6, W7, W7b
	TagWindowTypical = "lbguard.dev/window-typical-seconds" // docs/timing.md §5.1: typical latencies
	TagWindowWorst   = "lbguard.dev/window-worst-seconds"   // worst latencies
)

// windowWhat says what fails while a window is open, and how often it opens.
var windowWhat = map[string]string{
	"W1":  "of refused requests per old pod",
	"W7":  "of refused requests per old pod",
	"W7b": "of refused requests per old pod",
	"W2":  "of cut in-flight requests per old pod",
	"W5":  "of start-up gap per replaced pod",
	"W6":  "of full outage per rollout",
}

// closedWindows is, before the rules run, the window each rule's change
// would close: by workload for R5 and R6, by namespace for R3.
type closedWindows struct {
	byWorkload  map[*fn.KubeObject]map[model.RuleID]timing.Window
	byNamespace map[string]timing.Window
}

// windowsToClose reads the manifests as written, before any rule edits them.
// Workloads behind the same backends with the same timing input get the
// same windows, worked out once, and fronts of the same input are read once:
// N workloads behind N Services of one selector cost N runs of the model,
// not N².
func WindowsToClose(inv *model.Inventory, cfg config.Config) *closedWindows {
	c := &closedWindows{byWorkload: map[*fn.KubeObject]map[model.RuleID]timing.Window{}, byNamespace: map[string]timing.Window{}}
	m := &frontInputs{inv: inv, cfg: cfg, fronts: map[*model.FrontSet][]frontInput{}, lbs: map[*model.Backend]frontInput{}}
	done := map[workloadWindowsKey]map[model.RuleID]timing.Window{}
	for _, w := range inv.WorkloadsInScope(cfg) {
		s, _, err := w.PreStopSeconds(cfg)
		if err != nil {
			continue
		}
		workload := timinginput.Workload(inv, w, cfg) // the same behind every front
		key := workloadWindowsKey{w.FrontSet, modelKey(workload), s}
		if byRule, ok := done[key]; ok {
			// The same windows again: they change no namespace's longest.
			c.byWorkload[w.Object] = byRule
			continue
		}
		byRule := map[model.RuleID]timing.Window{}
		for _, f := range m.of(w) {
			in := timing.Input{LoadBalancer: f.lb, Workload: workload}
			windows := timing.Windows(in)
			byRule[RulePreStopDelay.ID] = longest(byRule[RulePreStopDelay.ID], windows, "W1", "W7", "W7b")
			// The grace period alone: what G as written leaves open once
			// the preStop R5 writes is in place (a preStop cut at G).
			in.Workload.PreStop = math.Max(in.Workload.PreStop, float64(s))
			byRule[RuleGracePeriod.ID] = longest(byRule[RuleGracePeriod.ID], timing.Windows(in), "W1", "W7", "W7b", "W2")
			if f.ip {
				startup := longest(timing.Window{}, windows, "W6")
				if startup.Seconds.Worst == 0 {
					startup = longest(timing.Window{}, windows, "W5")
				}
				c.byNamespace[f.namespace] = longer(c.byNamespace[f.namespace], startup)
			}
		}
		done[key] = byRule
		c.byWorkload[w.Object] = byRule
	}
	return c
}

// frontInputs reads each front once for the model, and lists the distinct
// ones of each set of fronts once.
type frontInputs struct {
	inv    *model.Inventory
	cfg    config.Config
	fronts map[*model.FrontSet][]frontInput
	lbs    map[*model.Backend]frontInput
}

// frontInput is what the windows read of one front: its load balancer as
// the model sees it, whether its targets are pods, and its namespace.
type frontInput struct {
	lb        timing.LoadBalancer
	key       string // modelKey(lb)
	ip        bool
	namespace string
}

// of is the distinct inputs of w's fronts, in the order first met: the
// longest window of a repeated input is the one already met.
func (m *frontInputs) of(w *model.Workload) []frontInput {
	if w.FrontSet == nil {
		return nil
	}
	if in, ok := m.fronts[w.FrontSet]; ok {
		return in
	}
	type seenKey struct {
		lb        string
		ip        bool
		namespace string
	}
	seen := map[seenKey]bool{}
	var in []frontInput
	for _, b := range w.FrontSet.InUse {
		f, ok := m.lbs[b]
		if !ok {
			lb := timinginput.LoadBalancer(m.inv, b, m.cfg)
			f = frontInput{lb: lb, key: modelKey(lb), ip: b.TargetType() == "ip", namespace: b.Namespace}
			m.lbs[b] = f
		}
		if k := (seenKey{f.key, f.ip, f.namespace}); !seen[k] {
			seen[k] = true
			in = append(in, f)
		}
	}
	m.fronts[w.FrontSet] = in
	return in
}

type workloadWindowsKey struct {
	fronts   *model.FrontSet
	workload string // modelKey(workload)
	preStop  int
}

// modelKey is one of the model's inputs as a map key: pointers followed,
// floats by their bits (a NaN read from a manifest equals itself), so that
// equal inputs give equal keys.
func modelKey(v any) string {
	var key []byte
	var write func(v reflect.Value)
	write = func(v reflect.Value) {
		switch v.Kind() {
		case reflect.Pointer:
			if v.IsNil() {
				key = append(key, 0)
				return
			}
			key = append(key, 1)
			write(v.Elem())
		case reflect.Struct:
			for i := range v.NumField() {
				write(v.Field(i))
			}
		case reflect.Float64:
			key = binary.AppendUvarint(key, math.Float64bits(v.Float()))
		case reflect.Int:
			key = binary.AppendVarint(key, v.Int())
		case reflect.Bool:
			key = append(key, map[bool]byte{false: 0, true: 1}[v.Bool()])
		case reflect.String:
			key = binary.AppendUvarint(key, uint64(v.Len()))
			key = append(key, v.String()...)
		default:
			panic("modelKey: no key for a " + v.Type().String())
		}
	}
	write(reflect.ValueOf(v))
	return string(key)
}

// longest is the longest of the windows named ids, or have when it is longer.
func longest(have timing.Window, windows []timing.Window, ids ...string) timing.Window {
	for _, w := range windows {
		for _, id := range ids {
			if w.ID == id {
				have = longer(have, w)
			}
		}
	}
	return have
}

func longer(a, b timing.Window) timing.Window {
	if b.Seconds.Worst > a.Seconds.Worst || b.Seconds.Worst == a.Seconds.Worst && b.Seconds.Typical > a.Seconds.Typical {
		return b
	}
	return a
}

// annotate adds to each change of R5, R6 and R3 the window it closes.
func (c *closedWindows) Annotate(r *model.Report) {
	for _, res := range r.Results {
		if res.Tags[model.TagAction] != model.ActionChanged {
			continue
		}
		rule, obj := model.RuleID(res.Tags[model.TagRule]), r.Owners[res]
		var w timing.Window
		switch rule {
		case RulePreStopDelay.ID, RuleGracePeriod.ID:
			w = c.byWorkload[obj][rule]
		case ruleReadinessGates.ID:
			w = c.byNamespace[r.View(obj).Name]
		default:
			continue
		}
		if w.Seconds.Worst <= 0 {
			continue
		}
		res.Message += " (closes " + DescribeWindow(w.ID, w.Seconds.Typical, w.Seconds.Worst) + ")"
		res.Tags[TagWindow] = w.ID
		res.Tags[TagWindowTypical] = seconds(w.Seconds.Typical)
		res.Tags[TagWindowWorst] = seconds(w.Seconds.Worst)
	}
}

// DescribeWindow is "W1: 12 s typical, 30 s worst of refused requests per old pod".
func DescribeWindow(id string, typical, worst float64) string {
	return fmt.Sprintf("%s: %s s typical, %s s worst %s", id, seconds(typical), seconds(worst), windowWhat[id])
}

// seconds prints a duration to the hundredth, without trailing zeros.
func seconds(x float64) string {
	return strconv.FormatFloat(math.Round(x*100)/100, 'f', -1, 64)
}
