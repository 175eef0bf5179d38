package rules

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/internal/yamlnode"
	"github.com/lbguard/lbguard/transformers/annotations"
	"github.com/lbguard/lbguard/transformers/config"
	"github.com/lbguard/lbguard/transformers/model"
)

// R5: a preStop delay. The kubelet sends SIGTERM at the same moment the
// endpoint goes and deregistration starts; the ELB keeps routing to the pod
// for a while (ALB ~5–30 s, NLB ~2–3 minutes). A preStop sleep keeps the app
// serving until the ELB has stopped sending and finished draining.
var RulePreStopDelay = RuleInfo{
	ID: "R5", Name: "PreStopDelay", Title: "preStop delay", Severity: fn.Error,
	Why: "The kubelet sends SIGTERM at the same time as the ELB starts deregistering the pod; without a preStop delay the app exits while the ELB still routes new requests to it (ALB ~5-30 s, NLB ~2-3 minutes), and clients get 502/504.",
}

// sleepActionSince is the Kubernetes version that serves preStop.sleep by
// default (beta, on by default from 1.30; GA in 1.34).
var sleepActionSince = config.KubernetesVersion{Major: 1, Minor: 30}

// PreStopDelay gives every serving container a preStop delay of S seconds, raises
// a plain sleep that is too short, and warns about hooks whose delay it
// cannot see.
func PreStopDelay(inv *model.Inventory, cfg config.Config, r *model.Report) {
	for _, w := range inv.WorkloadsInScope(cfg) {
		s, source, err := w.PreStopSeconds(cfg)
		if err != nil {
			r.InvalidField(w.Object, err)
			continue
		}
		containers := w.Containers()
		floor := preStopFloor(w, cfg, s)
		if d, known := w.DeregistrationDelay(cfg); known && s < d {
			r.Risk(RulePreStopDelay.ID, w.Object, annotations.Path(annotations.PreStopSecondsAnnotation), s,
				"%s %s: the preStop delay of %d s from %s is shorter than the deregistration delay of %d s: the app stops while the ELB still drains it",
				w.KindName, w.Name, s, source, d)
		}
		if s > 600 {
			r.Risk(RulePreStopDelay.ID, w.Object, "", s,
				"%s %s: a preStop delay of %d s (from %s) holds every pod that long on each rollout and drain; shorten the deregistration delay if requests allow",
				w.KindName, w.Name, s, source)
		}
		for _, c := range containers {
			if c.Serving || cfg.SidecarPreStop {
				ensurePreStop(w, c, s, floor, cfg, r)
			}
		}
	}
}

// preStopFloor is the shortest delay that is safe: an existing sleep at
// least this long is the user's choice and stays. It is D (and the NLB floor
// where an NLB may serve), or S itself when the user chose S.
func preStopFloor(w *model.Workload, cfg config.Config, s int) int {
	if _, ok := annotations.Get(w.Root, annotations.PreStopSecondsAnnotation); ok || cfg.PreStopSeconds != nil {
		return s
	}
	floor := 0
	if d := w.FrontDelays(cfg); d.NonALB {
		floor = max(floor, cfg.NLBPreStopSeconds)
	}
	if d := w.FrontDelays(cfg); d.Known {
		floor = max(floor, d.Longest)
	}
	if len(w.Fronts()) == 0 {
		floor = cfg.DeregistrationDelaySeconds
	}
	return min(floor, s)
}

func ensurePreStop(w *model.Workload, c *model.Container, s, floor int, cfg config.Config, r *model.Report) {
	hook, err := model.ReadPreStop(c)
	if err != nil {
		r.InvalidField(w.Object, err)
		return
	}
	what := describeContainer(w, c)
	switch hook.Kind {
	case "none":
		if s == 0 {
			return
		}
		addPreStop(w, c, s, cfg, what, r)
	case "sleep", "exec-sleep":
		path := c.Path("lifecycle.preStop.sleep.seconds")
		if hook.Kind == "exec-sleep" {
			path = c.Path("lifecycle.preStop.exec.command")
		}
		if hook.Seconds >= floor {
			if hook.Seconds != s {
				r.Kept(RulePreStopDelay.ID, w.Object, path, hook.Seconds,
					"%s: preStop sleep of %d s set by the user is kept (at least %d s is needed)", what, hook.Seconds, floor)
			}
			return
		}
		var err error
		if hook.Kind == "sleep" {
			err = c.SetNestedInt(s, "lifecycle", "preStop", "sleep", "seconds")
		} else {
			raised := strings.Replace(hook.Command[hook.Index], strconv.Itoa(hook.Seconds), strconv.Itoa(s), 1)
			if !yamlnode.SetScalar(w.Root, raised, "spec", "template", "spec", "containers", strconv.Itoa(c.Index),
				"lifecycle", "preStop", "exec", "command", strconv.Itoa(hook.Index)) {
				err = fmt.Errorf("cannot edit the command")
			}
		}
		if err != nil {
			r.Invalid(w.Object, path, err.Error())
			return
		}
		r.Changed(RulePreStopDelay.ID, w.Object, path, hook.Seconds, s,
			"%s: preStop sleep raised from %d s to %d s: a shorter sleep lets the app stop while the ELB still routes to it", what, hook.Seconds, s)
	case "custom":
		r.Risk(RulePreStopDelay.ID, w.Object, c.Path("lifecycle.preStop"), nil,
			"%s: its own preStop hook is kept, but lbguard cannot see how long it waits: check that it keeps the app serving for at least %d s after the pod starts terminating", what, floor)
	}
}

func addPreStop(w *model.Workload, c *model.Container, s int, cfg config.Config, what string, r *model.Report) {
	var err error
	var proposed any
	var path string
	if cfg.KubernetesVersion.AtLeast(sleepActionSince.Major, sleepActionSince.Minor) {
		err = c.SetNestedInt(s, "lifecycle", "preStop", "sleep", "seconds")
		path = c.Path("lifecycle.preStop.sleep.seconds")
		proposed = s
	} else {
		command := []string{"/bin/sh", "-c", "sleep " + strconv.Itoa(s)}
		err = c.SetNestedStringSlice(command, "lifecycle", "preStop", "exec", "command")
		path = c.Path("lifecycle.preStop.exec.command")
		proposed = command
		what += " (exec form for clusters before 1.30: the image needs /bin/sh)"
	}
	if err != nil {
		r.Invalid(w.Object, path, err.Error())
		return
	}
	r.Changed(RulePreStopDelay.ID, w.Object, path, nil, proposed,
		"%s: preStop sleep of %d s added: the app keeps serving until the ELB has stopped routing to the pod and drained it", what, s)
}

// describeContainer names a container in messages.
func describeContainer(w *model.Workload, c *model.Container) string {
	return w.KindName + " " + w.Name + " container " + strconv.Quote(c.Name)
}

// longestPreStopSleep is the longest preStop delay lbguard can see in the
// pod; the grace period must hold it (the API server refuses a sleep action
// longer than the grace period).
func longestPreStopSleep(containers []*model.Container) int {
	longest := 0
	for _, c := range containers {
		if hook, err := model.ReadPreStop(c); err == nil {
			longest = max(longest, hook.Seconds)
		}
	}
	return longest
}
