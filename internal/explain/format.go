package explain

import (
	"math"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/lbguard/lbguard/timing"
)

// seconds prints a duration to the hundredth, without trailing zeros.
func seconds(x float64) string {
	return strconv.FormatFloat(hundredths(x), 'f', -1, 64)
}

// hundredths rounds a duration as the reports print it: the text's seconds
// and the JSON's numbers say the same.
func hundredths(x float64) float64 { return math.Round(x*100) / 100 }

// requests prints a count of requests, whole.
func requests(x float64) string {
	return strconv.FormatFloat(math.Round(x), 'f', -1, 64)
}

// windowNames are the table's short names of the windows (docs/timing.md §5.4).
var windowNames = map[string]string{
	"W1":  "new requests refused",
	"W2":  "in-flight requests cut",
	"W3":  "draining ends before long requests",
	"W4":  "keep-alive race",
	"W5":  "start-up gap per replaced pod",
	"W6":  "rollout ends before a new target is healthy",
	"W7":  "instance targets: kube-proxy to a closed pod",
	"W7b": "instance targets (Local): node still routed",
	"W8":  "node removal behind instance targets",
	"W9":  "platform cut (Spot, CA, Karpenter)",
}

// title is the heading of a finding: the workload, its load balancer and
// what the model took from the manifests.
func (f Finding) title() string {
	s := f.Now
	var b strings.Builder
	b.WriteString(idString(s.Workload))
	b.WriteString(" behind ")
	b.WriteString(lbName(s))
	b.WriteString(": " + string(f.NowX.Parameters.Target) + " targets, " + strconv.Itoa(replicas(s.Input)) + " replicas")
	return b.String()
}

// lbName is "ALB Ingress shop/web → Service web", or "NLB Service shop/web"
// for a load balancer that is a Service.
func lbName(s Subject) string {
	name := string(s.LBKind) + " " + idString(s.LB)
	if s.LB.Kind != "Service" {
		name += " → Service " + s.Service
	}
	return name
}

func replicas(in timing.Input) int { return max(1, in.Workload.Replicas) }

// slug names a finding's files: kind-namespace-name-lbkind-lbname.
func (f Finding) slug() string {
	parts := []string{f.Now.Workload.Kind, namespaceOf(f.Now.Workload), f.Now.Workload.Name, f.Now.LB.Kind, f.Now.LB.Name}
	if f.Now.LB.Kind != "Service" {
		parts = append(parts, f.Now.Service)
	}
	for i, p := range parts {
		parts[i] = slugPart(p)
	}
	s := strings.Join(parts, "-")
	if f.Unit != nil {
		s = f.Unit.slug() + "--" + s
	}
	return s
}

// slug names a unit's files: its directory and, for an alternative, the
// file's name.
func (u Unit) slug() string {
	s := slugPart(strings.TrimLeft(filepath.ToSlash(u.Name), "./"))
	if s == "" { // "."
		s = slugPart(u.Kind)
	}
	if u.Alternative != "" {
		s += "-" + slugPart(filepath.Base(u.Alternative))
	}
	return s
}

// slugPart is s in lower case, with "_" for what is no letter, digit or
// dot.
func slugPart(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}

// names are the findings' file names and anchors, each its slug, and one
// that two findings share numbered from the second: "…-2".
func names(findings []Finding) []string {
	out := make([]string, len(findings))
	taken := map[string]int{}
	for i, f := range findings {
		out[i] = f.slug()
		if taken[out[i]]++; taken[out[i]] > 1 {
			out[i] += "-" + strconv.Itoa(taken[out[i]])
		}
	}
	return out
}

// heading is a finding's title, with its unit when the input held more
// than one.
func (f Finding) heading() string {
	if f.Unit == nil {
		return f.title()
	}
	return f.title() + " — " + f.Unit.label()
}
