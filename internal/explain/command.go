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
directory holding Chart.yaml is rendered with its values.yaml, one holding a
kustomization is built, and the other .yaml and .yml files are read as they
are (hidden directories left out).

Flags:
  --format FORMAT        text (the default), json, svg (the timelines, one
                         document per workload and load balancer) or html
                         (a self-contained report: tables and timelines)
  --out DIR              write one SVG timeline per workload and load balancer
                         and an index.html into DIR, instead of stdout
  --config FILE          lbguard's config (LBGuard or ConfigMap), as for fix
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

Exit status: 0 whatever the windows (lbguard audit is the gate), 2 on bad
usage or unreadable input.
`

var platforms = []string{"cluster-autoscaler", "karpenter", "managed-node-group", "spot", "eks-auto-mode"}

var calibrated = []string{"P", "Reg", "e", "q", "k", "Q", "lag_nlb"}

type command struct {
	format, out, config string
	opts                Options
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
	cfg, ok := cli.ReadConfig(c.config, stderr)
	if !ok {
		return report.ExitUsage
	}
	items, err := cli.ReadObjects(c.paths, stdin, c.config)
	if err != nil {
		fmt.Fprintf(stderr, "lbguard explain: %v\n", err)
		return report.ExitUsage
	}
	if len(items) == 0 {
		fmt.Fprintf(stderr, "lbguard explain: no Kubernetes resources in %s\n", strings.Join(c.paths, " "))
		return report.ExitUsage
	}
	findings := Run(items, cfg, c.opts)
	if c.out != "" {
		return writeDir(c.out, findings, c.opts, stderr)
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
	return report.ExitClean
}

// writeDir writes one SVG per finding and an index.html that shows them.
func writeDir(dir string, findings []Finding, opts Options, stderr io.Writer) int {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		fmt.Fprintf(stderr, "lbguard explain: cannot make %s: %v\n", dir, err)
		return report.ExitUsage
	}
	files := make([]string, len(findings))
	taken := map[string]int{}
	for i, f := range findings {
		files[i] = f.slug() + ".svg"
		if taken[files[i]]++; taken[files[i]] > 1 {
			files[i] = f.slug() + "-" + strconv.Itoa(taken[files[i]]) + ".svg"
		}
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
