package explain

import (
	"fmt"
	"math"
	"strings"

	"github.com/lbguard/lbguard/timing"
)

// panel is one column of the timeline, "now" or "after lbguard fix": the
// typical rollout as simulated, and the values its titles quote.
type panel struct {
	name     string
	s        Subject
	x        timing.Explanation
	r        timing.Rollout
	pods     map[string]map[timing.Happening]float64
	old, new []string // pod names, in creation order
	steps    []float64
	ip       bool // the model's targets are pods: each has a target lane
}

func newPanel(s Subject, x timing.Explanation, name string) *panel {
	p := &panel{name: name, s: s, x: x, r: x.Rollout[timing.Typical], pods: map[string]map[timing.Happening]float64{}}
	p.ip = x.Parameters.Target == timing.TargetIP
	for _, e := range p.r.Events {
		if e.Pod == "" {
			p.steps = append(p.steps, e.At)
			continue
		}
		if p.pods[e.Pod] == nil {
			p.pods[e.Pod] = map[timing.Happening]float64{}
			if strings.HasPrefix(e.Pod, "old-") {
				p.old = append(p.old, e.Pod)
			} else {
				p.new = append(p.new, e.Pod)
			}
		}
		p.pods[e.Pod][e.What] = e.At
	}
	return p
}

// end is the last moment worth drawing: every event but the end of
// draining, which a long D puts far out; the markers say where it falls.
func (p *panel) end() float64 {
	end := 0.0
	for _, e := range p.r.Events {
		if e.What != timing.DrainingEnded {
			end = math.Max(end, e.At)
		}
	}
	for _, s := range p.r.Spans {
		end = math.Max(end, s.To)
	}
	return end * 1.04
}

// lanes is how many pod and target lanes the panel draws.
func (p *panel) lanes() int {
	perPod := 1
	if p.ip {
		perPod = 2
	}
	n := perPod * (min(len(p.old), shownPods) + min(len(p.new), shownPods))
	if len(p.old) > shownPods {
		n++
	}
	if len(p.new) > shownPods {
		n++
	}
	return n
}

const (
	panelHeader = 46 // the panel's name and its summary
	axisHeight  = 30
	panelGap    = 18
)

func (p *panel) height() int {
	return panelHeader + laneHeight + bandHeight + 8 + p.lanes()*laneHeight + axisHeight + panelGap
}

func (p *panel) typical(symbol string) float64 { return latency(p.x, symbol).Typical }

// sourcesOf names a latency's sources and where the first is read.
func (p *panel) sourcesOf(symbol string) string {
	return sourceText(latency(p.x, symbol).Sources)
}

func sourceText(ids []string) string {
	if len(ids) == 0 {
		return ""
	}
	text := "source: " + strings.Join(ids, ", ")
	if ref, ok := timing.SourceRef(ids[0]); ok {
		text += " (" + ref + ")"
	}
	return text
}

func (p *panel) draw(d *svgDoc, top float64, end float64) float64 {
	y := top
	d.printf(`<line x1="10" y1="%s" x2="%d" y2="%s" stroke="%s" stroke-width="1"/>`+"\n", px(y-8), svgWidth-10, px(y-8), colPanelRule)
	d.text(10, y+10, "start", "14", "bold", p.name)
	d.text(10, y+28, "start", "12", "normal", p.summary())
	y += panelHeader
	lanesTop := y
	lanesBottom := y + laneHeight + bandHeight + 8 + float64(p.lanes()*laneHeight)
	p.grid(d, lanesTop, lanesBottom, end)
	p.deployment(d, y)
	y += laneHeight
	p.band(d, y)
	y += bandHeight + 8
	p.newPods(d, p.oldPods(d, y, end), end)
	p.markers(d, lanesTop, lanesBottom, end)
	p.axis(d, lanesBottom, end)
	return lanesBottom + axisHeight + panelGap
}

// summary is the panel's one line: failure-seconds and the open windows.
func (p *panel) summary() string {
	var opened []string
	for _, w := range open(p.x) {
		opened = append(opened, fmt.Sprintf("%s %s s (%s worst)", w.ID, seconds(w.Seconds.Typical), seconds(w.Seconds.Worst)))
	}
	windows := "no window open"
	if len(opened) > 0 {
		windows = strings.Join(opened, ", ")
	}
	return fmt.Sprintf("%s failure-seconds per rollout (%s worst), %s failed requests at %s/s · %s",
		seconds(p.x.FailureSeconds.Typical), seconds(p.x.FailureSeconds.Worst), requests(p.x.FailedRequests.Typical),
		seconds(p.s.Input.Traffic.RPS), windows)
}

func (p *panel) label(d *svgDoc, y float64, name string) {
	d.text(labelWidth, y+laneHeight/2+4, "end", "11", "normal", name)
}

func (p *panel) grid(d *svgDoc, top, bottom, end float64) {
	step := tickStep(end)
	for t := 0.0; t <= end+1e-9; t += step {
		d.printf(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="1"/>`+"\n", px(d.x(t)), px(top), px(d.x(t)), px(bottom), colGrid)
	}
}

func (p *panel) axis(d *svgDoc, y, end float64) {
	d.printf(`<line x1="%d" y1="%s" x2="%d" y2="%s" stroke="%s" stroke-width="1"/>`+"\n", plotLeft, px(y), plotRight, px(y), colText)
	step := tickStep(end)
	for t := 0.0; t <= end+1e-9; t += step {
		d.printf(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="1"/>`+"\n", px(d.x(t)), px(y), px(d.x(t)), px(y+4), colText)
		d.text(d.x(t), y+16, "middle", "11", "normal", seconds(t)+" s")
	}
	d.text(labelWidth-16, y+16, "end", "11", "normal", "time since the rollout began")
}

func (p *panel) deployment(d *svgDoc, y float64) {
	p.label(d, y, "rollout steps")
	in := p.s.Input.Workload
	for _, t := range p.steps {
		x := d.x(t)
		d.printf(`<polygon points="%s,%s %s,%s %s,%s" fill="%s"><title>%s</title></polygon>`+"\n",
			px(x-5), px(y+4), px(x+5), px(y+4), px(x), px(y+16), colText,
			esc(fmt.Sprintf("rollout step at %s s: the Deployment deletes old pods and creates new ones; %d replicas, each step waits for a new pod to be Available (T_r = %s s, minReadySeconds %s s, with a gate + H + Q) · source: k8s:deployment",
				seconds(t), replicas(p.s.Input), seconds(p.typical("T_r")), seconds(in.Strategy.MinReadySeconds))))
	}
}

// band draws the share of new requests that fail, span by span.
func (p *panel) band(d *svgDoc, y float64) {
	d.text(labelWidth, y+bandHeight/2+4, "end", "11", "bold", "requests failing")
	d.text(plotRight+3, y+8, "start", "9", "normal", "100%")
	d.printf(`<rect x="%d" y="%s" width="%d" height="%d" fill="#fdf2f2"><title>%s</title></rect>`+"\n", plotLeft, px(y), plotRight-plotLeft, bandHeight,
		esc(fmt.Sprintf("requests failing, typical: ∫ failing share dt = %s failure-seconds of refused requests (%s worst) · source: derived (docs/timing.md §5.1)",
			seconds(p.x.Refused.Typical), seconds(p.x.Refused.Worst))))
	for _, s := range p.r.Spans {
		share := s.Share()
		if share <= 0 {
			continue
		}
		why := fmt.Sprintf("%d of %d routed targets have a closed listener", s.Failing, s.Routed)
		if s.Routed == 0 {
			why = "no target is routed: full outage"
		}
		h := share * bandHeight
		d.rect(s.From, s.To, y+bandHeight-h, h, colFailing,
			fmt.Sprintf("%s–%s s: %s%% of new requests fail (%s) · source: derived (docs/timing.md §5.4)", seconds(s.From), seconds(s.To), seconds(share*100), why))
	}
}

func (p *panel) oldPods(d *svgDoc, y, end float64) float64 {
	for i, pod := range p.old {
		if i == shownPods {
			return p.more(d, y, len(p.old), "old")
		}
		ev, v := p.pods[pod], p.x.Parameters
		deleted, sigterm := ev[timing.Deleted], ev[timing.SIGTERM]
		exit, killed := ev[timing.Exited], false
		if t, ok := ev[timing.Killed]; ok {
			exit, killed = t, true
		}
		by := y + (laneHeight-barHeight)/2
		p.label(d, y, pod+" (old pod)")
		d.rect(0, deleted, by, barHeight, colServing, fmt.Sprintf("%s serving until its deletion at %s s", pod, seconds(deleted)))
		d.rect(deleted, sigterm, by, barHeight, colPreStop,
			fmt.Sprintf("%s preStop: min(S, G) = min(%s, %s) = %s s, %s–%s s · source: k8s:pod-lifecycle (docs/timing.md §1.1)",
				pod, seconds(v.PreStop), seconds(v.Grace), seconds(sigterm-deleted), seconds(deleted), seconds(sigterm)))
		d.rect(sigterm, exit, by, barHeight, colShutdown,
			fmt.Sprintf("%s SIGTERM → exit: t_exit = min(S + A, K) = min(%s + %s, %s) = %s s after deletion, %s–%s s · source: k8s:pod-lifecycle",
				pod, seconds(v.PreStop), seconds(v.Shutdown), seconds(v.Kill), seconds(exit-deleted), seconds(sigterm), seconds(exit)))
		if killed {
			d.printf(`<rect x="%s" y="%s" width="4" height="%d" fill="%s"><title>%s</title></rect>`+"\n", px(d.x(exit)-2), px(by-2), barHeight+4, colKilled,
				esc(fmt.Sprintf("%s killed at %s s: SIGKILL when the grace period G = %s s ends · source: k8s:pod-lifecycle", pod, seconds(exit), seconds(v.Grace))))
		}
		y += laneHeight
		if !p.ip {
			continue
		}
		p.label(d, y, pod+" target")
		dereg, last, drained := ev[timing.Deregistered], ev[timing.LastRequest], ev[timing.DrainingEnded]
		d.rect(0, dereg, by+laneHeight, barHeight, colHealthy, fmt.Sprintf("%s target healthy until DeregisterTargets at %s s (δ = %s s after deletion) · %s", pod, seconds(dereg), seconds(p.typical("δ")), p.sourcesOf("q")))
		d.rect(math.Max(last, dereg), drained, by+laneHeight, barHeight, colDraining,
			fmt.Sprintf("%s target draining: in-flight requests finish until δ + D = %s s after deletion (at %s s) · source: aws:deregistration-delay", pod, seconds(drained-deleted), seconds(drained)))
		d.rect(math.Max(drained, last), end, by+laneHeight, barHeight, colUnused, fmt.Sprintf("%s target unused from %s s", pod, seconds(math.Max(drained, last))))
		// Drawn last: an NLB routes new connections until L whatever D is.
		d.rect(dereg, last, by+laneHeight, barHeight, colRouted,
			fmt.Sprintf("%s target deregistered, still routed new requests until L = δ + P = %s + %s = %s s after deletion (%s s worst) · %s",
				pod, seconds(p.typical("δ")), seconds(p.typical("P")), seconds(p.typical("L")), seconds(latency(p.x, "L").Worst), p.sourcesOf("P")))
		y += laneHeight
	}
	return y
}

// more labels the lane that stands for the pods past shownPods, which
// repeat the pattern of those shown.
func (p *panel) more(d *svgDoc, y float64, pods int, which string) float64 {
	d.text(labelWidth, y+laneHeight/2+4, "end", "11", "normal", fmt.Sprintf("… %d more %s pods", pods-shownPods, which))
	return y + laneHeight
}

func (p *panel) newPods(d *svgDoc, y, end float64) float64 {
	for i, pod := range p.new {
		if i == shownPods {
			return p.more(d, y, len(p.new), "new")
		}
		ev := p.pods[pod]
		created, ready := ev[timing.Created], ev[timing.ContainersReady]
		by := y + (laneHeight-barHeight)/2
		p.label(d, y, pod+" (new pod)")
		d.rect(created, ready, by, barHeight, colStarting,
			fmt.Sprintf("%s starting: created at %s s, containers Ready after T_r = iD + p·⌈(T_app − iD)/p⌉ = %s s · %s", pod, seconds(created), seconds(ready-created), p.sourcesOf("T_r")))
		podReady := ready
		if gated, ok := ev[timing.GateReady]; ok {
			podReady = gated
			d.rect(ready, gated, by, barHeight, colGateWait,
				fmt.Sprintf("%s waits for its readiness gate: target healthy, then the LBC's next poll (Q = %s s typical) flips it at %s s · %s", pod, seconds(p.typical("Q")), seconds(gated), p.sourcesOf("Q")))
		}
		d.rect(podReady, end, by, barHeight, colServing, fmt.Sprintf("%s Ready from %s s", pod, seconds(podReady)))
		y += laneHeight
		if !p.ip {
			continue
		}
		p.label(d, y, pod+" target")
		registered, healthy := ev[timing.Registered], ev[timing.Healthy]
		d.rect(registered, healthy, by+laneHeight, barHeight, colInitial,
			fmt.Sprintf("%s target initial: RegisterTargets at %s s (Ready + δ), healthy after Reg + h·I = %s + %s s · %s", pod, seconds(registered), seconds(p.typical("Reg")), seconds(p.typical("h·I")), p.sourcesOf("Reg")))
		d.rect(healthy, end, by+laneHeight, barHeight, colHealthy,
			fmt.Sprintf("%s target healthy from %s s: H = %s s after Ready · %s", pod, seconds(healthy), seconds(p.typical("H")), p.sourcesOf("h·I")))
		y += laneHeight
	}
	return y
}

// marker is a dashed line at a time after the first old pod's deletion.
type marker struct {
	at    float64
	name  string
	title string
}

func (p *panel) markerList() []marker {
	if len(p.old) == 0 {
		return nil
	}
	ev := p.pods[p.old[0]]
	t0 := ev[timing.Deleted]
	l := p.typical("L")
	ms := []marker{{t0 + l, "L", fmt.Sprintf("L: the last new request reaches %s, %s s after its deletion (δ + P typical; %s s worst) · %s", p.old[0], seconds(l), seconds(latency(p.x, "L").Worst), p.sourcesOf("P"))}}
	if drained, ok := ev[timing.DrainingEnded]; ok {
		ms = append(ms, marker{drained, "end of D", fmt.Sprintf("end of D: %s's draining ends at δ + D = %s s after its deletion · source: aws:deregistration-delay", p.old[0], seconds(drained-t0))})
	}
	pl := p.s.Input.Platform
	if pl.Spot {
		kill := p.x.Parameters.SpotKill
		ms = append(ms, marker{t0 + kill, "Spot", fmt.Sprintf("Spot: a node interrupted as %s is deleted is gone 120 − t_notice = %s s later · %s", p.old[0], seconds(kill), sourceText([]string{"spot:notice"}))})
	}
	if pl.ClusterAutoscaler {
		ms = append(ms, marker{t0 + 120, "CA 120 s", "Cluster Autoscaler gives up an eviction after --max-pod-eviction-time 120 s · " + sourceText([]string{"CA:flags"})})
	}
	if pl.ManagedNodeGroup {
		ms = append(ms, marker{t0 + 900, "MNG 900 s", "a managed node group fails a drain after 15 min · " + sourceText([]string{"MNG:update-behavior"})})
	}
	return ms
}

func (p *panel) markers(d *svgDoc, top, bottom, end float64) {
	var beyond []string
	labelRow := 0
	for _, m := range p.markerList() {
		if m.at > end {
			beyond = append(beyond, m.name+" at "+seconds(m.at)+" s")
			continue
		}
		x := d.x(m.at)
		d.printf(`<g><title>%s</title>`+"\n", esc(m.title))
		d.printf(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="1.5" stroke-dasharray="5,4"/>`+"\n", px(x), px(top-4), px(x), px(bottom), colMarker)
		d.text(x+3, top+8+float64(labelRow%2)*11, "start", "10", "bold", m.name)
		d.printf("</g>\n")
		labelRow++
	}
	if len(beyond) > 0 {
		d.text(plotRight, top-14, "end", "11", "normal", "beyond the axis: "+strings.Join(beyond, ", "))
	}
}
