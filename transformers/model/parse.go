package model

import (
	"errors"
	"strconv"
	"strings"

	"github.com/lbguard/lbguard/internal/yamlnode"
	"github.com/lbguard/lbguard/transformers/annotations"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// One parser for the values the rules read from annotations and fields, in
// the spirit of the LBC's pkg/annotations: every rule reads a number of
// seconds, a string map or an int-or-percent through these, never by
// splitting strings of its own.

// maxSeconds bounds every number of seconds lbguard reads: the ELB's
// deregistration delay (0–3600) and lbguard's own annotations alike.
const maxSeconds = 3600

// parseSeconds reads a whole number of seconds from 0 to 3600.
func parseSeconds(text string) (int, bool) {
	n, err := strconv.Atoi(text)
	return n, err == nil && n >= 0 && n <= maxSeconds
}

// secondsAnnotation reads one of lbguard's per-resource annotations of
// seconds; found is false when the object has none.
func secondsAnnotation(root *yaml.Node, key string) (seconds int, found bool, err error) {
	text, found := annotations.Get(root, key)
	if !found {
		return 0, false, nil
	}
	seconds, ok := parseSeconds(text)
	if !ok {
		return 0, true, FieldError{annotations.Path(key), "must be a whole number of seconds from 0 to 3600, not " + strconv.Quote(text)}
	}
	return seconds, true, nil
}

// parseDelayAttribute reads deregistration_delay.timeout_seconds from the
// value of a target-group-attributes annotation; set is false when the
// attributes hold none. err says what the LBC would refuse: attributes that
// are not a string map, or a delay outside 0–3600.
func ParseDelayAttribute(attributes string) (attrs *annotations.StringMap, delay int, set bool, err error) {
	attrs, err = annotations.ParseStringMap(attributes)
	if err != nil {
		return nil, 0, false, errors.New("is not a list of key=value attributes (" + err.Error() + "); the LBC would refuse it")
	}
	text, set := attrs.Get(annotations.DeregistrationDelayAttribute)
	if !set {
		return attrs, 0, false, nil
	}
	delay, ok := parseSeconds(text)
	if !ok {
		return attrs, 0, true, errors.New(annotations.DeregistrationDelayAttribute + "=" + text + " must be a whole number of seconds from 0 to 3600")
	}
	return attrs, delay, true, nil
}

// delayAttribute is the valid delay of the object whose root node is root,
// read from its target-group-attributes annotation key.
func delayAttribute(root *yaml.Node, key string) (int, bool) {
	_, delay, set, err := ParseDelayAttribute(annotations.Value(root, key))
	return delay, set && err == nil
}

// parseSleepSeconds reads the delay of a `sleep N` command: N or Ns.
func ParseSleepSeconds(arg string) (int, bool) {
	n, err := strconv.Atoi(strings.TrimSuffix(arg, "s"))
	return n, err == nil
}

// intOrPercent is a budget's maxUnavailable or minAvailable: a number of
// pods, or a percentage of the workload's replicas.
type intOrPercent struct {
	Number  int
	Percent bool
}

// intOrPercentAt reads the value at path under n, as the API reads an
// IntOrString: a whole number, or a string "N%"; nil when it is not set.
func IntOrPercentAt(n *yaml.Node, path ...string) (*intOrPercent, error) {
	if number, found, err := yamlnode.IntAt(n, path...); err == nil {
		if !found {
			return nil, nil
		}
		if number < 0 {
			return nil, errors.New("must not be negative")
		}
		return &intOrPercent{Number: number}, nil
	}
	text, _ := yamlnode.StringAt(n, path...)
	digits, isPercent := strings.CutSuffix(text, "%")
	number, err := strconv.Atoi(digits)
	if !isPercent || err != nil || number < 0 {
		return nil, errors.New("must be a whole number of pods or a percentage")
	}
	return &intOrPercent{Number: number, Percent: true}, nil
}

// of scales the value to a number of pods; percentages round up, as the
// disruption controller rounds them.
func (v *intOrPercent) Of(replicas int) int {
	if v.Percent {
		return (v.Number*replicas + 99) / 100
	}
	return v.Number
}

// value is the value as a result shows it: a number, or a "25%" string.
func (v *intOrPercent) Value() any {
	if v.Percent {
		return v.String()
	}
	return v.Number
}

func (v *intOrPercent) String() string {
	if v.Percent {
		return strconv.Itoa(v.Number) + "%"
	}
	return strconv.Itoa(v.Number)
}
