package render

import (
	"fmt"
	"os"
	"runtime"
	"runtime/metrics"
	"strconv"
	"time"
)

// A chart or kustomization from a stranger's pull request may render
// without end: `range until 100000000` made 15 GiB of YAML, a `tpl` that
// renders itself ran until Go's 1 GB stack limit killed the process with
// a stack trace. Helm's engine cannot be stopped half way, and neither can
// kustomize, so a unit renders in a goroutine of its own while a watchdog
// reads the clock and the runtime's memory every pollEvery; past the
// budget it reports the unit and ends the process (onOverrun). Recursion
// is caught by its stack: goroutine stacks double as they grow, so a
// stack that reached Budget.Stack (256 MiB) must write 384 MiB more before
// Go's limit stops it, which takes far longer than one poll (a tpl
// recursion writes some 250 MiB of stack a second).

// Budget is what rendering one unit (a chart, a kustomization) may take.
type Budget struct {
	// Time is the wall-clock time.
	Time time.Duration
	// Memory is the heap (live objects and garbage not yet swept) and the
	// goroutine stacks allocated while the unit renders.
	Memory uint64
	// Stack is the goroutine stacks in all: recursion.
	Stack uint64
}

// unitBudget is every unit's budget: a chart that lbguard can check
// renders in well under a second and a few MiB.
var unitBudget = Budget{Time: 60 * time.Second, Memory: 1 << 30, Stack: 256 << 20}

// pollEvery is how often the watchdog looks.
const pollEvery = 20 * time.Millisecond

// garbageBeforeGC is how much of the heap may be garbage when a unit
// starts before it is collected so that the unit is not charged for it.
const garbageBeforeGC = 64 << 20

// OverrunError is a unit that took more than its budget.
type OverrunError struct {
	Unit string // "helm chart DIR", "kustomization DIR"
	What string // what it did: "took more than 60 s"
}

func (e *OverrunError) Error() string {
	return fmt.Sprintf("%s: rendering %s (the most one chart or kustomization may take): stopped; exclude it or lower what it renders", e.Unit, e.What)
}

// onOverrun is called, from the watchdog's goroutine, with a unit past its
// budget while the unit still renders: it writes one line and ends the
// process, the only way to stop the engine. Tests replace it; when it
// returns, withBudget returns the error and leaves the render running.
var onOverrun = func(err *OverrunError) {
	fmt.Fprintln(processStderr, "lbguard: "+err.Error())
	os.Exit(2)
}

// processStderr is the process's standard error as it was at start: a
// kustomize build silences os.Stderr while it runs (kustomize.go).
var processStderr = os.Stderr

// withBudget runs render, a unit's rendering, held to b. Units render one
// at a time: the memory measured is the process's.
func withBudget(unit string, b Budget, render func() (*Set, error)) (*Set, error) {
	m := newMemory()
	if m.objects()-m.live() > garbageBeforeGC {
		runtime.GC()
		m.read()
	}
	base := m.objects() + m.stacks()

	type result struct {
		set      *Set
		err      error
		panicked bool
		panic    any
	}
	done := make(chan result, 1)
	go func() {
		var r result
		defer func() {
			if p := recover(); p != nil {
				r = result{panicked: true, panic: p}
			}
			done <- r
		}()
		r.set, r.err = render()
	}()

	ticker := time.NewTicker(pollEvery)
	defer ticker.Stop()
	timer := time.NewTimer(b.Time)
	defer timer.Stop()
	for {
		var over string
		select {
		case r := <-done:
			if r.panicked {
				panic(r.panic)
			}
			return r.set, r.err
		case <-timer.C:
			over = "took more than " + formatDuration(b.Time)
		case <-ticker.C:
			m.read()
			switch {
			case m.stacks() > b.Stack:
				over = "recursed through more than " + formatSize(b.Stack) + " of stack"
			case m.objects()+m.stacks() > base+b.Memory:
				over = "took more than " + formatSize(b.Memory) + " of memory"
			}
		}
		if over != "" {
			err := &OverrunError{Unit: unit, What: over}
			onOverrun(err)
			return nil, err
		}
	}
}

// memory reads the runtime's measures of memory.
type memory []metrics.Sample

func newMemory() memory {
	m := memory{
		{Name: "/memory/classes/heap/objects:bytes"},
		{Name: "/memory/classes/heap/stacks:bytes"},
		{Name: "/gc/heap/live:bytes"},
	}
	m.read()
	return m
}

func (m memory) read()           { metrics.Read(m) }
func (m memory) objects() uint64 { return sampleValue(m[0]) }
func (m memory) stacks() uint64  { return sampleValue(m[1]) }
func (m memory) live() uint64    { return min(sampleValue(m[2]), sampleValue(m[0])) }

func sampleValue(s metrics.Sample) uint64 {
	if s.Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s.Value.Uint64()
}

func formatSize(n uint64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return strconv.FormatUint(n>>30, 10) + " GiB"
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatUint(n>>20, 10) + " MiB"
	}
	return strconv.FormatUint(n, 10) + " bytes"
}

func formatDuration(d time.Duration) string {
	if d >= time.Second && d%time.Second == 0 {
		return strconv.FormatInt(int64(d/time.Second), 10) + " s"
	}
	return d.String()
}
