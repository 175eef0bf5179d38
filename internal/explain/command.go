package explain

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/lbguard/lbguard/internal/cli"
	"github.com/lbguard/lbguard/internal/report"
	"github.com/lbguard/lbguard/timing"
	"github.com/lbguard/lbguard/transformers/config"
)

const usage = `Usage: lbguard explain [flags] PATH...

For each workload behind each AWS load balancer, how many seconds of
requests fail during a rollout, a node drain or a scale-down, and why: with
the manifests as they are ("now") and after "lbguard fix" ("after"), by the
timing model of docs/timing.md. It changes nothing.

The table lists each window that is open (W1-W9), its typical and worst
seconds, the failed requests at --rps, the inequality that fails and the
field that closes it; then the progress and platform checks with ✓/✗, and
what stays open after the fix, and why no rule closes it.

PATH is a file, a directory or - for a stream of YAML documents on standard
input, such as the output of "kustomize build", read as audit reads them: a
directory holding Chart.yaml is rendered with its values (values.yaml,
--values, --set, the repository config's), one holding a kustomization is
built, and the other .yaml and .yml files are read as they are (hidden
directories left out).

Each deployable unit is explained on its own, as audit judges it: a chart, a
kustomization no other one includes, a directory's manifests, standard input;
two files of one directory that define the same resource are alternatives,
each explained with the rest. With more than one unit, the findings of each
come under its name ("== overlays/prod (kustomization)"). A unit audit
refuses (a resource listed twice, a field lbguard cannot read) is not
explained: it is named on standard error with its errors, as is a unit that
cannot be read, and the others are explained.

Flags:
  --format FORMAT        text (the default), json, svg (the timelines, one
                         document per workload and load balancer) or html
                         (a self-contained report: tables and timelines)
  --out DIR              write one SVG timeline per workload and load balancer
                         and an index.html into DIR, instead of stdout
  --config FILE          lbguard's config (LBGuard or ConfigMap), as for fix
                         (default: the repository config's config:)
  --rps N                the workload's requests per second (default 100)
  --request-seconds R    the longest request, in seconds (default 5)
  --app-start-seconds T  pod creation until the app serves (default 10)
  --platform LIST        how nodes go, comma-separated: cluster-autoscaler,
                         karpenter, managed-node-group, spot, eks-auto-mode
  --pods-per-node K      the workload's pods on one node, for the drain and
                         the managed node group's 15 minutes (default 1)
  --latency SYM=TYP[/WORST]
                         replace a latency of the model by a measurement of
                         your own, in seconds; SYM is one of P, Reg, e, q, k,
                         Q, lag_nlb (docs/timing.md §1.4, §5.2). Repeatable.
` + cli.InputFlagsHelp + `
Exit status: 0 when every unit was explained, whatever the windows (lbguard
audit is the gate); 2 when a unit was not explained (it could not be read, was
left alone unchecked, or audit refuses it), or on bad usage or unreadable
input.
`

var platforms = []string{"cluster-autoscaler", "karpenter", "managed-node-group", "spot", "eks-auto-mode"}

var calibrated = []string{"P", "Reg", "e", "q", "k", "Q", "lag_nlb"}

type command struct {
	format, out, config string
	opts                Options
	input               cli.InputFlags
	paths               []string
}

var errHelp = errors.New("help requested")

func parse(args []string) (command, error) {
	c := command{format: "text", opts: Options{Traffic: timing.Traffic{RPS: 100, RequestSeconds: 5}, AppStart: 10}}
	fs := flag.NewFlagSet("lbguard explain", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&c.format, "format", "text", "")
	fs.StringVar(&c.out, "out", "", "")
	fs.StringVar(&c.config, "config", "", "")
	fs.Func("rps", "", positive(&c.opts.Traffic.RPS, true))
	fs.Func("request-seconds", "", positive(&c.opts.Traffic.RequestSeconds, false))
	fs.Func("app-start-seconds", "", positive(&c.opts.AppStart, false))
	fs.Func("platform", "", c.opts.setPlatform)
	fs.Func("pods-per-node", "", func(v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			return fmt.Errorf("must be a whole number from 1 to 1000")
		}
		c.opts.Platform.PodsPerNode = n
		return nil
	})
	fs.Func("latency", "", c.opts.setLatency)
	c.input.Register(fs)
	paths, err := cli.ParseInterspersed(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return c, errHelp
		}
		return c, err
	}
	c.paths = paths
	switch {
	case c.format != "text" && c.format != "json" && c.format != "svg" && c.format != "html":
		return c, fmt.Errorf("--format must be text, json, svg or html, not %q", c.format)
	case len(c.paths) == 0:
		return c, errors.New("no PATH given: name files, directories, or - for standard input")
	}
	return c, nil
}

// positive sets a number of seconds or requests, at most a year's worth.
func positive(to *float64, zeroOK bool) func(string) error {
	return func(v string) error {
		x, err := strconv.ParseFloat(v, 64)
		if err != nil || x < 0 || x == 0 && !zeroOK || x > 3.2e7 || x != x {
			return fmt.Errorf("must be a number above 0, not %q", v)
		}
		*to = x
		return nil
	}
}

func (o *Options) setPlatform(list string) error {
	for _, name := range strings.Split(list, ",") {
		switch strings.TrimSpace(name) {
		case "cluster-autoscaler":
			o.Platform.ClusterAutoscaler = true
		case "karpenter":
			o.Platform.Karpenter = true
		case "managed-node-group":
			o.Platform.ManagedNodeGroup = true
		case "spot":
			o.Platform.Spot = true
		case "eks-auto-mode":
			o.AutoMode = true
		case "":
		default:
			return fmt.Errorf("unknown platform %q; known: %s", name, strings.Join(platforms, ", "))
		}
	}
	return nil
}

func (o *Options) setLatency(v string) error {
	sym, values, ok := strings.Cut(v, "=")
	if !ok || !slices.Contains(calibrated, sym) {
		return fmt.Errorf("%q: want SYM=TYPICAL or SYM=TYPICAL/WORST with SYM one of %s", v, strings.Join(calibrated, ", "))
	}
	typ, worst, hasWorst := strings.Cut(values, "/")
	if !hasWorst {
		worst = typ
	}
	var p timing.Pair
	for _, err := range []error{positive(&p.Typical, true)(typ), positive(&p.Worst, true)(worst)} {
		if err != nil {
			return fmt.Errorf("%s: %v", sym, err)
		}
	}
	if p.Worst < p.Typical {
		return fmt.Errorf("%s: the worst value %s is below the typical %s", sym, seconds(p.Worst), seconds(p.Typical))
	}
	if o.Calibration == nil {
		o.Calibration = map[string]timing.Pair{}
	}
	o.Calibration[sym] = p
	return nil
}

// Command runs `lbguard explain` and returns the exit status.
func Command(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	c, err := parse(args)
	if errors.Is(err, errHelp) {
		fmt.Fprint(stdout, usage)
		return report.ExitClean
	}
	if err != nil {
		fmt.Fprintf(stderr, "lbguard explain: %v\n\n%s", err, usage)
		return report.ExitUsage
	}
	units, err := cli.ReadUnits(c.paths, stdin, &c.config, c.input)
	if err != nil {
		fmt.Fprintf(stderr, "lbguard explain: %v\n", err)
		return report.ExitUsage
	}
	defer units.Close()
	cfg, ok := cli.ReadConfig(c.config, stderr) // the repository config may name it
	if !ok {
		return report.ExitUsage
	}
	status := report.ExitClean
	for _, p := range units.Problems {
		fmt.Fprintf(stderr, "lbguard explain: %s\n", p)
		status = report.ExitUsage
	}
	for _, n := range units.Notes {
		fmt.Fprintf(stderr, "lbguard explain: note: %s\n", n)
	}
	if len(units.Units) == 0 {
		if len(units.Problems) == 0 {
			fmt.Fprintf(stderr, "lbguard explain: no Kubernetes resources in %s\n", strings.Join(c.paths, " "))
		}
		return report.ExitUsage
	}
	findings, explained := explainUnits(units.Units, cfg, c.opts, stderr)
	if explained < len(units.Units) {
		status = report.ExitUsage
	}
	if explained == 0 {
		return status // nothing to write
	}
	if c.out != "" {
		return max(status, writeDir(c.out, findings, c.opts, stderr))
	}
	switch c.format {
	case "json":
		err = WriteJSON(stdout, findings, c.opts)
	case "svg":
		err = WriteSVGs(stdout, findings)
	case "html":
		err = WriteHTML(stdout, findings, c.opts, nil)
	default:
		err = WriteText(stdout, findings, c.opts)
	}
	if err != nil {
		fmt.Fprintf(stderr, "lbguard explain: cannot write the report: %v\n", err)
		return report.ExitUsage
	}
	return status
}

// explainUnits explains each unit on its own and joins the findings, in
// order, each naming its unit when there are several. A unit with errors
// that stop the rules is named on stderr with them, and not explained.
func explainUnits(units []cli.Unit, cfg config.Config, opts Options, stderr io.Writer) (findings []Finding, explained int) {
	for _, u := range units {
		unit := &Unit{Name: u.Name, Kind: u.Kind, Alternative: u.Alternative}
		if msgs := refusals(u.Objects, cfg); len(msgs) > 0 {
			for _, m := range msgs {
				fmt.Fprintf(stderr, "lbguard explain: %s not explained: %s\n", unit.label(), m)
			}
			continue
		}
		explained++
		if len(units) == 1 {
			unit = nil
		}
		for _, f := range Run(u.Objects, cfg, opts) {
			f.Unit = unit
			findings = append(findings, f)
		}
		for _, n := range Unexplained(u.Objects, cfg) {
			fmt.Fprintf(stderr, "lbguard explain: note: %s\n", n)
		}
	}
	return findings, explained
}

// writeDir writes one SVG per finding and an index.html that shows them.
func writeDir(dir string, findings []Finding, opts Options, stderr io.Writer) int {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		fmt.Fprintf(stderr, "lbguard explain: cannot make %s: %v\n", dir, err)
		return report.ExitUsage
	}
	files := names(findings)
	for i, f := range findings {
		files[i] += ".svg"
		if err := writeFile(filepath.Join(dir, files[i]), func(w io.Writer) error { return WriteSVG(w, f) }); err != nil {
			fmt.Fprintf(stderr, "lbguard explain: %v\n", err)
			return report.ExitUsage
		}
	}
	index := filepath.Join(dir, "index.html")
	if err := writeFile(index, func(w io.Writer) error { return WriteHTML(w, findings, opts, files) }); err != nil {
		fmt.Fprintf(stderr, "lbguard explain: %v\n", err)
		return report.ExitUsage
	}
	fmt.Fprintf(stderr, "lbguard explain: wrote %d timelines and %s\n", len(files), index)
	return report.ExitClean
}

func writeFile(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
