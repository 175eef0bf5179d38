package model

import (
	"strings"

	"github.com/lbguard/lbguard/internal/yamlnode"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// A container's preStop as lbguard reads it: R5 writes it, R6 and the timing
// model read its delay.

// preStopHook is what a container's preStop does, as far as lbguard can see.
type preStopHook struct {
	Kind    string // "none", "sleep" (the sleep action), "exec-sleep" (an exec that only sleeps), "custom"
	Seconds int    // the delay of "sleep" and "exec-sleep"
	Command []string
	Index   int // which element of command holds the delay
}

func ReadPreStop(c *Container) (preStopHook, error) {
	hook, err := yamlnode.OfKind(c.Node, yaml.MappingNode, "lifecycle", "preStop")
	if err != nil {
		return preStopHook{}, FieldError{c.Path("lifecycle.preStop"), "must be a map"}
	}
	if hook == nil {
		return preStopHook{Kind: "none"}, nil
	}
	if n, found, err := yamlnode.IntAt(hook, "sleep", "seconds"); found {
		if err != nil {
			return preStopHook{}, FieldError{c.Path("lifecycle.preStop.sleep.seconds"), "must be an integer"}
		}
		return preStopHook{Kind: "sleep", Seconds: n}, nil
	}
	command, err := yamlnode.StringListAt(hook, "exec", "command")
	if err != nil {
		return preStopHook{}, FieldError{c.Path("lifecycle.preStop.exec.command"), "must be a list of strings"}
	}
	if i, n, ok := plainSleep(command); ok {
		return preStopHook{Kind: "exec-sleep", Seconds: n, Command: command, Index: i}, nil
	}
	return preStopHook{Kind: "custom"}, nil
}

// plainSleep recognises an exec that does nothing but sleep: ["sleep", "N"]
// or a shell running "sleep N". It returns the element that holds N.
func plainSleep(command []string) (index, seconds int, ok bool) {
	switch {
	case len(command) == 2 && isSleep(command[0]):
		n, ok := ParseSleepSeconds(command[1])
		return 1, n, ok
	case len(command) == 3 && isShell(command[0]) && command[1] == "-c":
		fields := strings.Fields(command[2])
		if len(fields) == 2 && isSleep(fields[0]) {
			n, ok := ParseSleepSeconds(fields[1])
			return 2, n, ok
		}
	}
	return 0, 0, false
}

func isSleep(s string) bool { return s == "sleep" || s == "/bin/sleep" || s == "/usr/bin/sleep" }

func isShell(s string) bool {
	switch s {
	case "sh", "/bin/sh", "bash", "/bin/bash", "/usr/bin/bash", "ash", "/bin/ash", "dash", "/bin/dash":
		return true
	}
	return false
}
