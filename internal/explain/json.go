package explain

import (
	"encoding/json"
	"io"

	"github.com/lbguard/lbguard/timing"
)

// The JSON report (docs/timing.md §6.3): every window W1–W9 in a stable
// order, so that CI can diff it, with the checks and what stays open.

type jsonReport struct {
	RPS            float64       `json:"rps"`
	RequestSeconds float64       `json:"requestSeconds"`
	Platform       []string      `json:"platform"`
	Findings       []jsonFinding `json:"findings"`
}

type jsonFinding struct {
	// Unit, UnitKind and Alternative name the deployable unit, when the
	// input held more than one (Unit).
	Unit         string         `json:"unit,omitempty"`
	UnitKind     string         `json:"unitKind,omitempty"`
	Alternative  string         `json:"alternative,omitempty"`
	Workload     string         `json:"workload"`
	WorkloadKind string         `json:"workloadKind"`
	LB           string         `json:"lb"`
	LBObject     string         `json:"lbObject"`
	Service      string         `json:"service"`
	Now          jsonColumn     `json:"now"`
	After        jsonColumn     `json:"after"`
	Remaining    []jsonResidual `json:"remaining"`
}

type jsonColumn struct {
	TargetType     string       `json:"targetType"`
	Replicas       int          `json:"replicas"`
	Windows        []jsonWindow `json:"windows"`
	FailureSeconds jsonPair     `json:"failureSeconds"`
	FailedRequests jsonPair     `json:"failedRequests"`
	Checks         []jsonCheck  `json:"checks"`
	Notes          []string     `json:"notes"`
}

type jsonPair struct {
	Typical float64 `json:"typ"`
	Worst   float64 `json:"worst"`
}

type jsonWindow struct {
	ID             string   `json:"id"`
	Seconds        jsonPair `json:"seconds"`
	FailureSeconds jsonPair `json:"failureSeconds"`
	FailedRequests jsonPair `json:"failedRequests"`
	Violated       string   `json:"violated,omitempty"`
	Fix            string   `json:"fix,omitempty"`
	Note           string   `json:"note,omitempty"`
}

type jsonCheck struct {
	ID    string   `json:"id"`
	OK    bool     `json:"ok"`
	Value jsonPair `json:"value"`
	Limit float64  `json:"limit,omitempty"`
	Text  string   `json:"text"`
}

type jsonResidual struct {
	Window string `json:"window"`
	Class  Class  `json:"class"`
	Reason string `json:"reason"`
}

func pairOf(p timing.Pair) jsonPair { return jsonPair{hundredths(p.Typical), hundredths(p.Worst)} }

func column(s Subject, x timing.Explanation) jsonColumn {
	c := jsonColumn{
		TargetType: string(s.Input.LoadBalancer.TargetType), Replicas: replicas(s.Input),
		FailureSeconds: pairOf(x.FailureSeconds), FailedRequests: pairOf(x.FailedRequests),
		Windows: []jsonWindow{}, Checks: []jsonCheck{}, Notes: x.Notes,
	}
	if c.Notes == nil {
		c.Notes = []string{}
	}
	for _, w := range x.Windows {
		jw := jsonWindow{ID: w.ID, Seconds: pairOf(w.Seconds), FailureSeconds: pairOf(w.FailureSeconds),
			FailedRequests: pairOf(w.FailedRequests), Violated: w.Violated, Note: w.Note}
		if w.Violated != "" {
			jw.Fix = w.Fix
		}
		c.Windows = append(c.Windows, jw)
	}
	for _, k := range x.Checks {
		c.Checks = append(c.Checks, jsonCheck{ID: k.ID, OK: k.OK, Value: pairOf(k.Value), Limit: k.Limit, Text: k.Text})
	}
	return c
}

// WriteJSON writes the findings as one JSON document.
func WriteJSON(w io.Writer, findings []Finding, opts Options) error {
	r := jsonReport{RPS: opts.Traffic.RPS, RequestSeconds: opts.Traffic.RequestSeconds, Platform: opts.platformNames(), Findings: []jsonFinding{}}
	for _, f := range findings {
		jf := jsonFinding{
			Workload: qualified(f.Now.Workload.Namespace, f.Now.Workload.Name), WorkloadKind: f.Now.Workload.Kind,
			LB: string(f.Now.LBKind), LBObject: idString(f.Now.LB), Service: f.Now.Service,
			Now: column(f.Now, f.NowX), After: column(f.After, f.AfterX), Remaining: []jsonResidual{},
		}
		if u := f.Unit; u != nil {
			jf.Unit, jf.UnitKind, jf.Alternative = u.Name, u.Kind, u.Alternative
		}
		for _, res := range f.Remaining {
			jf.Remaining = append(jf.Remaining, jsonResidual(res))
		}
		r.Findings = append(r.Findings, jf)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

// platformNames lists the --platform names set.
func (o Options) platformNames() []string {
	out := []string{}
	for _, p := range []struct {
		on   bool
		name string
	}{{o.Platform.ClusterAutoscaler, "cluster-autoscaler"}, {o.Platform.Karpenter, "karpenter"},
		{o.Platform.ManagedNodeGroup, "managed-node-group"}, {o.Platform.Spot, "spot"}, {o.AutoMode, "eks-auto-mode"}} {
		if p.on {
			out = append(out, p.name)
		}
	}
	return out
}
