// Package cli is `lbguard audit` and `lbguard fix`: flags, files and
// directories read as documents, the line of each finding, and the in-place
// patcher that rewrites only the fields that change.
package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/internal/render"
	"github.com/lbguard/lbguard/internal/report"
	"github.com/lbguard/lbguard/transformers"
	"github.com/lbguard/lbguard/transformers/config"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// The command line runs the same rules as the KRM function on files,
// directories or standard input, without kpt or kustomize.

const (
	exitClean = report.ExitClean
	exitUsage = report.ExitUsage
	stdinPath = report.StdinPath
)

const auditUsage = `Usage: lbguard audit [--format text|json|sarif] [--config FILE] [--allow-no-resources] [input flags] PATH...

Reports, without changing anything, every violation that "lbguard fix" would
mend (as an error) and every risk it would only warn about (as a warning),
grouped by workload, with the file and line of each finding.

` + pathHelp + `
Flags:
  --format FORMAT  text (the default, for people), json, or sarif (SARIF 2.1.0,
                   for code-scanning tools)
  --config FILE    lbguard's config: a LBGuard (lbguard.dev/v1alpha1) or a
                   ConfigMap; the command, not its mode, decides what is done
  --allow-no-resources  exit 0 when the PATHs hold no Kubernetes resource
                   (a commit hook given only other YAML files)
` + InputFlagsHelp + `
A resource annotated lbguard.dev/audit: warn has its errors reported as
warnings.

Each deployable unit is judged on its own (a chart, a kustomization no other
includes, a directory's plain manifests, standard input); a unit that cannot
be read or rendered is an error finding, and the run goes on.

Exit status: 0 no error, 1 at least one error (a violation, or a unit not
checked), 2 bad usage, a bad config, or no unit at all could be read.
`

const fixUsage = `Usage: lbguard fix [--in-place] [--config FILE] [--allow-no-resources] [input flags] PATH...

Applies every fix and writes the result: by default all the documents read,
as one YAML stream on standard output; with --in-place, back into the files
they came from, rewriting only the files that change and, in them, only the
fields that change (comments, formatting and other documents stay as they
are). An object lbguard adds, such as a PodDisruptionBudget, is appended as a
new document to the file of the workload it belongs to. What was changed is
reported on standard error.

` + pathHelp + `(not with --in-place). --in-place never writes into a chart or a
kustomization: their output is made anew at every render; their changes
are reported as WOULD CHANGE, not written, and lbguard says how to run it
there instead. When every change is of that kind, nothing is written and
the exit status is 1.

Flags:
  --in-place     rewrite the files instead of printing the stream
  --config FILE  lbguard's config: a LBGuard (lbguard.dev/v1alpha1) or a
                 ConfigMap; the command, not its mode, decides what is done
  --allow-no-resources  exit 0 when the PATHs hold no Kubernetes resource
` + InputFlagsHelp + `
When a resource cannot be read (an error result), nothing is written.

Exit status: 0 done, 1 an error result or a unit not checked (nothing
written), 2 bad usage, a bad config, or no unit at all could be read.
`

// pathHelp says what a PATH may be, for both commands.
const pathHelp = `PATH is a file, a directory or - for a stream of YAML documents on standard
input, such as the output of "kustomize build". A directory is read
recursively, hidden directories left out: a directory holding Chart.yaml is
rendered as "helm template" would, one holding a kustomization is built as
"kustomize build" would (the files it reads are not read again on their own),
and the other .yaml and .yml files are read as they are. A List is read item
by item; YAML that is no Kubernetes resource (a workflow, a values file) is
skipped and counted; a resource that repeats a key is refused.
`

// cliOptions are the parsed flags and paths of audit and fix.
type cliOptions struct {
	command string
	format  string
	inPlace bool
	config  string
	input   InputFlags
	paths   []string

	// root is the repository root, absolute and clean, outside which
	// fix --in-place writes nothing; "" for render.FindRoot of the current
	// directory.
	root string

	// allowNone: no resource in the paths is no error (a commit hook).
	allowNone bool
}

// repeated is a flag that may be given several times.
type repeated struct{ values *[]string }

func (r repeated) String() string {
	if r.values == nil {
		return ""
	}
	return strings.Join(*r.values, ",")
}

func (r repeated) Set(v string) error {
	*r.values = append(*r.values, v)
	return nil
}

var errHelp = errors.New("help requested")

// parseCLI reads flags anywhere among the paths; "--" ends the flags.
func parseCLI(command string, args []string) (cliOptions, error) {
	opts := cliOptions{command: command, format: "text"}
	fs := flag.NewFlagSet("lbguard "+command, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&opts.config, "config", "", "")
	fs.BoolVar(&opts.allowNone, "allow-no-resources", false, "")
	opts.input.Register(fs)
	if command == "audit" {
		fs.StringVar(&opts.format, "format", "text", "")
	} else {
		fs.BoolVar(&opts.inPlace, "in-place", false, "")
	}
	paths, err := ParseInterspersed(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return opts, errHelp
		}
		return opts, err
	}
	opts.paths = paths
	if err := CheckFormat("--format", opts.format); err != nil {
		return opts, err
	}
	if len(opts.paths) == 0 {
		return opts, fmt.Errorf("no PATH given: name files, directories, or - for standard input")
	}
	if opts.inPlace {
		for _, p := range opts.paths {
			if p == stdinPath {
				return opts, fmt.Errorf("--in-place rewrites files: standard input (-) has none")
			}
		}
	}
	return opts, nil
}

// Run runs `lbguard audit` or `lbguard fix` and returns the exit status;
// version is lbguard's, for the reports.
func Run(command string, args []string, version string, stdin io.Reader, stdout, stderr io.Writer) int {
	usageText := auditUsage
	if command == "fix" {
		usageText = fixUsage
	}
	opts, err := parseCLI(command, args)
	if errors.Is(err, errHelp) {
		fmt.Fprint(stdout, usageText)
		return exitClean
	}
	if err != nil {
		fmt.Fprintf(stderr, "lbguard %s: %v\n\n%s", command, err, usageText)
		return exitUsage
	}
	root, err := opts.input.open(opts.paths, &opts.config)
	if err != nil {
		fmt.Fprintf(stderr, "lbguard %s: %v\n", command, err)
		return exitUsage
	}
	if root != nil {
		defer root.Close()
		opts.root = root.Dir()
	}
	cfg, ok := ReadConfig(opts.config, stderr)
	if !ok {
		return exitUsage
	}
	cfg.Mode = config.ModeAudit
	if command == "fix" {
		cfg.Mode = config.ModeFix
	}
	read, err := readInputs(opts.paths, stdin, []string{opts.config, opts.input.RepoConfig}, opts.input.Render)
	if err != nil {
		fmt.Fprintf(stderr, "lbguard %s: %v\n", command, err)
		return exitUsage
	}
	in, alone := newInputs(read.sources), read.leftAlone
	items := in.objects()
	if len(items) == 0 && !unchecked(alone) && len(read.failed) > 0 {
		// No unit could be read: nothing to report on.
		for _, f := range read.failed {
			fmt.Fprintf(stderr, "lbguard %s: %v\n", command, f.err)
		}
		return exitUsage
	}
	if len(items) == 0 && !unchecked(alone) {
		for _, note := range leftAloneNotes(command, alone) {
			fmt.Fprintln(stderr, note)
		}
	}
	if len(items) == 0 && !unchecked(alone) && opts.allowNone {
		fmt.Fprintf(stderr, "lbguard %s: no Kubernetes resources in %s: nothing to do\n", command, strings.Join(opts.paths, " "))
		return exitClean
	}
	if len(items) == 0 && !unchecked(alone) {
		fmt.Fprintf(stderr, "lbguard %s: no Kubernetes resources in %s\n", command, strings.Join(opts.paths, " "))
		return exitUsage
	}
	items, rep := in.runUnits(cfg, version)
	rep.AddUnits(leftAloneUnits(alone))
	rep.AddUnits(failedUnits(read.failed))
	if command == "audit" {
		return writeAudit(opts, rep, stdout, stderr)
	}
	return writeFix(opts, in, items, rep, stdout, stderr)
}

// run runs the rules on items, the resources read, in cfg's mode, and
// reports on them; it returns the objects after the rules. In audit the
// rules, which edit what they are given and put back what they undo, edit
// copies, so that the documents keep their own objects, by which the report
// finds each finding's line; in fix they edit the documents' objects.
func (in *inputs) run(items fn.KubeObjects, cfg config.Config, version string) (fn.KubeObjects, *report.Report) {
	if cfg.Mode == config.ModeAudit {
		copies := transformers.Copies(items)
		outcome := transformers.Run(&copies, cfg, func() (fn.KubeObjects, error) { return slices.Clone(items), nil })
		return items, in.report(cfg.Mode, version, outcome)
	}
	outcome := transformers.Run(&items, cfg, transformers.Snapshot(items))
	return items, in.report(cfg.Mode, version, outcome)
}

// runUnits runs the rules on each deployable unit of the input, and on
// each alternative of a directory's manifests (units.go), and reports on
// them all; it returns the objects after the rules, each once.
func (in *inputs) runUnits(cfg config.Config, version string) (fn.KubeObjects, *report.Report) {
	units := splitUnits(in.sources)
	var parts []report.Part
	var items fn.KubeObjects
	seen := map[*fn.KubeObject]bool{}
	for _, u := range units {
		for _, variant := range u.variants() {
			vin := newInputs(variant)
			objs := vin.objects()
			if len(objs) == 0 {
				continue
			}
			known := map[*fn.KubeObject]bool{}
			for _, o := range objs {
				known[o] = true
			}
			out, rep := vin.run(objs, cfg, version)
			parts = append(parts, report.Part{Unit: u.name, Kind: u.kind, Report: rep})
			for _, o := range out {
				if !known[o] {
					if in.madeIn == nil {
						in.madeIn = map[*fn.KubeObject]*inputs{}
					}
					in.madeIn[o] = vin
				}
				if !seen[o] {
					seen[o] = true
					items = append(items, o)
				}
			}
		}
	}
	return items, report.Merge(cfg.Mode, version, in.Read(), parts)
}

// ReadConfig reads --config; problems are printed, naming the key. The
// file may be the repository's (its config names it): it is read inside
// the directory render.FindRoot gives for it, a regular file through the
// size limit, and what the parser quotes of it is cut short.
func ReadConfig(path string, stderr io.Writer) (config.Config, bool) {
	var obj *fn.KubeObject
	if path != "" {
		data, err := readConfigFile(path)
		if err != nil {
			fmt.Fprintf(stderr, "lbguard: cannot read the config %s: %v\n", path, unwrapPathError(err))
			return config.Config{}, false
		}
		objs, err := fn.ParseKubeObjects(data)
		if err != nil || len(objs) != 1 {
			if err == nil {
				err = fmt.Errorf("it holds %d objects, not one", len(objs))
			}
			fmt.Fprintf(stderr, "lbguard: the config %s is not one LBGuard or ConfigMap: %s\n", path, render.Quiet(err.Error()))
			return config.Config{}, false
		}
		obj = objs[0]
	}
	cfg, errs := config.DecodeConfig(obj)
	for _, e := range errs {
		fmt.Fprintf(stderr, "lbguard: config %s: %s\n", path, e.Error())
	}
	return cfg, len(errs) == 0
}

func readConfigFile(path string) ([]byte, error) {
	dir, err := render.FindRoot(path)
	if err != nil {
		return nil, err
	}
	root, err := render.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	return root.ReadFile(path)
}

// CheckFormat refuses a report format other than text, json or sarif;
// flag names the flag that gave it.
func CheckFormat(flag, format string) error {
	switch format {
	case "text", "json", "sarif":
		return nil
	}
	return fmt.Errorf("%s must be text, json or sarif, not %q", flag, format)
}

// WriteReport writes rep in format: text, json or sarif.
func WriteReport(w io.Writer, rep *report.Report, format string) error {
	switch format {
	case "json":
		return rep.WriteJSON(w)
	case "sarif":
		return rep.WriteSARIF(w)
	}
	return rep.WriteText(w)
}

func writeAudit(opts cliOptions, rep *report.Report, stdout, stderr io.Writer) int {
	rep.SetRoot(opts.root) // SARIF's files are relative to it
	if err := WriteReport(stdout, rep, opts.format); err != nil {
		fmt.Fprintf(stderr, "lbguard audit: cannot write the report: %v\n", err)
		return exitUsage
	}
	if opts.format != "text" {
		fmt.Fprintln(stderr, rep.SummaryLine())
	}
	return rep.ExitStatus()
}

// writeFix writes the fixed documents, unless a result is an error. With
// --in-place it writes no chart's or kustomization's output: the report
// says so of each such change, and a run whose every change is one of
// them has written nothing, and exits 1.
func writeFix(opts cliOptions, in *inputs, items fn.KubeObjects, rep *report.Report, stdout, stderr io.Writer) int {
	notWritten := 0
	if opts.inPlace {
		notWritten = rep.LeaveRenderedUnwritten()
	}
	if err := rep.WriteText(stderr); err != nil {
		return exitUsage
	}
	if rep.HasErrors() {
		fmt.Fprintln(stderr, "lbguard fix: nothing written: fix the errors above first")
		return rep.ExitStatus()
	}
	changed, added := fixedDocuments(in, items)
	var texts []string
	var writes []pendingWrite // all checked before any is written
	for _, src := range in.sources {
		text, reprinted, err := src.fixedText(changed, added[src])
		if err != nil {
			fmt.Fprintf(stderr, "lbguard fix: %v\n", err)
			return exitUsage
		}
		if src.rendered != nil && opts.inPlace {
			if text != src.text {
				fmt.Fprintf(stderr, "lbguard fix: %s\n", src.rendered.howToAddLBGuard())
			}
			continue
		}
		for _, d := range reprinted {
			if src.rendered == nil { // a rendering is printed anew as a whole
				fmt.Fprintf(stderr, "lbguard fix: %s:%d: the document is printed anew: its change cannot be written in place\n", report.DisplayPath(src.path), d.line)
			}
		}
		for _, n := range added[src] {
			rn := yaml.NewRNode(n)
			fmt.Fprintf(stderr, "lbguard fix: %s %s added to %s, after the documents read from it\n", rn.GetKind(), report.QualifiedName(rn.GetNamespace(), rn.GetName()), report.DisplayPath(src.path))
		}
		if !opts.inPlace {
			if src.hasResources() {
				texts = append(texts, text)
			}
			continue
		}
		if text == src.text {
			continue
		}
		writes = append(writes, pendingWrite{src.path, src.withLineEnds(text)})
	}
	if opts.inPlace && notWritten > 0 && rep.ExitStatus() != exitClean {
		// Every change is in a chart's or kustomization's output.
		what := "changes are in charts or kustomizations"
		if notWritten == 1 {
			what = "change is in a chart or kustomization"
		}
		fmt.Fprintf(stderr, "lbguard fix: nothing written: %d %s, which lbguard does not write; see above how to run lbguard there\n", notWritten, what)
		return rep.ExitStatus()
	}
	if opts.inPlace {
		return writeInPlace(opts.root, writes, stderr)
	}
	if err := writeStream(stdout, texts); err != nil {
		fmt.Fprintf(stderr, "lbguard fix: cannot write standard output: %v\n", err)
		return exitUsage
	}
	return exitClean
}

func (s *source) hasResources() bool {
	for _, d := range s.docs {
		if d.obj != nil {
			return true
		}
	}
	return false
}

// fixedDocuments compares each document with its object after the rules:
// the documents whose object changed, and the objects the rules added, by
// the source each goes to (its workload's).
func fixedDocuments(in *inputs, items fn.KubeObjects) (map[*document]*yaml.Node, map[*source][]*yaml.Node) {
	changed := map[*document]*yaml.Node{}
	known := map[*fn.KubeObject]*document{}
	for _, src := range in.sources {
		for _, d := range src.docs {
			if d.obj != nil {
				known[d.obj] = d
			}
		}
	}
	present := map[*fn.KubeObject]bool{}
	var added []*fn.KubeObject
	for _, obj := range items {
		present[obj] = true
		if known[obj] == nil {
			added = append(added, obj)
		}
	}
	added = replacements(in, known, present, added)
	for obj, d := range known {
		if !present[obj] {
			continue
		}
		fixed := d.cleanNode(obj)
		if !equalNodes(d.node, fixed) {
			changed[d] = fixed
		}
	}
	bySource := map[*source][]*yaml.Node{}
	if len(added) == 0 {
		return changed, bySource
	}
	homes := map[*inputs]*homes{}
	for _, obj := range added {
		run := in
		if made := in.madeIn[obj]; made != nil {
			run = made
		}
		if homes[run] == nil {
			homes[run] = newHomes(run)
		}
		src := homes[run].of(obj)
		bySource[src] = append(bySource[src], obj.CopyToResourceNode().YNode())
	}
	return changed, bySource
}

// replacements takes out of added the objects that have the id of a
// document the rules no longer return: they replaced it (Upsert), and known
// now gives them that document. It returns the objects still added.
func replacements(in *inputs, known map[*fn.KubeObject]*document, present map[*fn.KubeObject]bool, added []*fn.KubeObject) []*fn.KubeObject {
	var gone []*document
	for _, src := range in.sources {
		for _, d := range src.docs {
			if d.obj != nil && !present[d.obj] {
				gone = append(gone, d)
			}
		}
	}
	if len(gone) == 0 || len(added) == 0 {
		return added
	}
	byID := map[objectID][]*fn.KubeObject{}
	for _, a := range added {
		byID[idOf(a)] = append(byID[idOf(a)], a)
	}
	replacing := map[*fn.KubeObject]bool{}
	for _, d := range gone {
		id := idOf(d.obj)
		if same := byID[id]; len(same) > 0 {
			known[same[0]] = d
			replacing[same[0]] = true
			byID[id] = same[1:]
		}
	}
	return slices.DeleteFunc(added, func(a *fn.KubeObject) bool { return replacing[a] })
}

// homeOf is the source an added object is written to: that of the workload
// whose selector it copies (or, failing that, whose name it bears) in its
// namespace, else the first source of that namespace, else the first source.
func homeOf(in *inputs, obj *fn.KubeObject) *source { return newHomes(in).of(obj) }

// homes indexes the sources by what homeOf looks for, once for all the
// objects added.
type homes struct {
	first       *source
	inNamespace map[string]*source    // the first source of each namespace ("default" for none)
	named       map[[2]string]*source // that of the first workload of each namespace and name
	selecting   map[[2]string]*source // that of the first workload of each namespace and selector (valueKey)
}

func newHomes(in *inputs) *homes {
	h := &homes{first: in.sources[0], inNamespace: map[string]*source{}, named: map[[2]string]*source{}, selecting: map[[2]string]*source{}}
	for _, src := range in.sources {
		for _, d := range src.docs {
			if d.obj == nil {
				continue
			}
			namespace := namespaceOrDefault(d.obj.GetNamespace())
			keepFirst(h.inNamespace, namespace, src)
			if !isWorkloadKind(d.obj) {
				continue
			}
			keepFirst(h.named, [2]string{namespace, d.obj.GetName()}, src)
			if s, ok, _ := d.obj.NestedSubObject("spec", "selector"); ok {
				keepFirst(h.selecting, [2]string{namespace, valueKey(yamlOf(&s))}, src)
			}
		}
	}
	return h
}

func keepFirst[K comparable](m map[K]*source, k K, src *source) {
	if m[k] == nil {
		m[k] = src
	}
}

func (h *homes) of(obj *fn.KubeObject) *source {
	namespace := namespaceOrDefault(obj.GetNamespace())
	if s, ok, _ := obj.NestedSubObject("spec", "selector"); ok {
		if src := h.selecting[[2]string{namespace, valueKey(yamlOf(&s))}]; src != nil {
			return src
		}
	}
	if src := h.named[[2]string{namespace, obj.GetName()}]; src != nil {
		return src
	}
	if src := h.inNamespace[namespace]; src != nil {
		return src
	}
	return h.first
}

func yamlOf(s *fn.SubObject) *yaml.Node {
	var n yaml.Node
	if err := yaml.Unmarshal([]byte(s.String()), &n); err != nil {
		return nil
	}
	return &n
}

func namespaceOrDefault(ns string) string {
	if ns == "" {
		return "default"
	}
	return ns
}

func isWorkloadKind(obj *fn.KubeObject) bool {
	return transformers.IsWorkload(obj.GetAPIVersion(), obj.GetKind())
}
