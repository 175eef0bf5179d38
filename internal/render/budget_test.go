package render

import (
	"errors"
	"runtime"
	"testing"
	"time"
)

// overruns replaces onOverrun for the test: the overruns are recorded and
// withBudget returns instead of ending the process. release lets the
// renders go on to their end when the test is over.
func overruns(t *testing.T) (got *[]string, release chan struct{}) {
	t.Helper()
	saved := onOverrun
	got = new([]string)
	release = make(chan struct{})
	onOverrun = func(err *OverrunError) { *got = append(*got, err.Error()) }
	t.Cleanup(func() {
		onOverrun = saved
		close(release)
	})
	return got, release
}

func checkOverrun(t *testing.T, got []string, set *Set, err error, want string) {
	t.Helper()
	if len(got) != 1 || got[0] != want {
		t.Errorf("onOverrun got %q, want [%q]", got, want)
	}
	var over *OverrunError
	if set != nil || !errors.As(err, &over) || err.Error() != want {
		t.Errorf("withBudget = %v, %v; want nil, %q", set, err, want)
	}
}

var roomy = Budget{Time: time.Minute, Memory: 1 << 30, Stack: 256 << 20}

func TestBudgetTime(t *testing.T) {
	got, release := overruns(t)
	b := roomy
	b.Time = 50 * time.Millisecond
	start := time.Now()
	set, err := withBudget("helm chart slow", b, func() (*Set, error) {
		<-release
		return &Set{}, nil
	})
	checkOverrun(t, *got, set, err, "helm chart slow: rendering took more than 50ms "+
		"(the most one chart or kustomization may take): stopped; exclude it or lower what it renders")
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("stopped after %v", d)
	}
}

func TestBudgetMemory(t *testing.T) {
	got, release := overruns(t)
	b := roomy
	b.Memory = 32 << 20
	set, err := withBudget("kustomization big", b, func() (*Set, error) {
		buf := make([]byte, 128<<20)
		for i := range buf {
			buf[i] = byte(i)
		}
		<-release
		runtime.KeepAlive(buf)
		return &Set{}, nil
	})
	checkOverrun(t, *got, set, err, "kustomization big: rendering took more than 32 MiB of memory "+
		"(the most one chart or kustomization may take): stopped; exclude it or lower what it renders")
}

//go:noinline
func recurse(n int, bottom func()) byte {
	var frame [1024]byte
	frame[n%len(frame)] = byte(n)
	if n == 0 {
		bottom()
		return frame[0]
	}
	return recurse(n-1, bottom) + frame[(n+1)%len(frame)]
}

func TestBudgetStack(t *testing.T) {
	got, release := overruns(t)
	b := roomy
	b.Stack = 8 << 20
	set, err := withBudget("helm chart deep", b, func() (*Set, error) {
		recurse(32<<10, func() { <-release }) // 32 MiB of frames
		return &Set{}, nil
	})
	checkOverrun(t, *got, set, err, "helm chart deep: rendering recursed through more than 8 MiB of stack "+
		"(the most one chart or kustomization may take): stopped; exclude it or lower what it renders")
}

func TestBudgetWithin(t *testing.T) {
	got, _ := overruns(t)
	want := &Set{LeftAlone: []LeftAlone{{Dir: "x"}}}
	set, err := withBudget("helm chart x", roomy, func() (*Set, error) { return want, nil })
	if set != want || err != nil {
		t.Errorf("withBudget = %v, %v; want the render's set", set, err)
	}
	bad := errors.New("bad chart")
	if _, err := withBudget("helm chart x", roomy, func() (*Set, error) { return nil, bad }); err != bad {
		t.Errorf("withBudget error %v, want the render's", err)
	}
	func() {
		defer func() {
			if p := recover(); p != "engine bug" {
				t.Errorf("recovered %v, want the render's panic", p)
			}
		}()
		withBudget("helm chart x", roomy, func() (*Set, error) { panic("engine bug") })
		t.Error("a render's panic did not reach the caller")
	}()
	if len(*got) != 0 {
		t.Errorf("overruns %q", *got)
	}
}
