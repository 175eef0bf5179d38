// Package helmpost is `lbguard helm-post-render`: Helm's post-renderer. It
// reads the rendered manifests Helm pipes to it, runs the rules, and writes
// the manifests back, fixed; or, with --audit, fails the release when a
// workload would drop requests.
//
// Helm 3 runs it by path and sends the manifests without hooks, each after a
// "# Source:" comment; it shows the post-renderer's standard error only when
// it fails, and takes an empty output as "no manifests". Helm 4 runs it as a
// postrenderer/v1 plugin, sends hooks too, marks each object's template with
// the postrenderer.helm.sh/postrender-filename annotation, and drops standard
// error altogether: hence --report.
package helmpost

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/internal/cli"
	"github.com/lbguard/lbguard/internal/krmio"
	"github.com/lbguard/lbguard/internal/report"
	"github.com/lbguard/lbguard/transformers/config"
)

// HookAnnotation marks a Helm hook: a Job or Pod Helm runs around a release,
// which the rules leave alone unless --include-hooks.
const HookAnnotation = "helm.sh/hook"

// ReportEnv names the report file when --report is not given: a plugin's
// arguments are fixed, its environment is the caller's.
const ReportEnv = "LBGUARD_REPORT"

const usage = `Usage: lbguard helm-post-render [--audit] [--namespace NS] [--config FILE]
                                [--root DIR] [--repo-config FILE]
                                [--report FILE] [--report-format text|json|sarif]
                                [--include-hooks]

Helm's post-renderer: reads the manifests Helm rendered on standard input,
applies lbguard's fixes and writes them on standard output, every other byte
as it came. Objects lbguard adds (a PodDisruptionBudget) come last, without
Helm 4's postrenderer.helm.sh/postrender-filename annotation, so Helm 4 puts
them in a file of their own.

Helm 4:  helm plugin install ./helm-plugin/lbguard   (lbguard on PATH)
         helm install web ./chart --post-renderer lbguard \
           --post-renderer-args --namespace=shop
Helm 3:  helm install web ./chart --post-renderer lbguard \
           --post-renderer-args helm-post-render --post-renderer-args --namespace=shop

Flags:
  --audit          change nothing: pass the manifests through when no workload
                   would drop requests, else fail the release
  --namespace NS   the namespace Helm installs into (helm -n), for the objects
                   that name none; Helm does not tell its post-renderer
  --config FILE    lbguard's config: a LBGuard (lbguard.dev/v1alpha1) or a ConfigMap
  --root DIR       the repository whose config (` + cli.RepoConfigFile + ` at DIR) gives
                   lbguard's config when --config is not given, as for audit
  --repo-config FILE  that repository config (its repository's root is the one
                   that holds it, unless --root); with neither flag none is read
  --report FILE    also write the report to FILE (default $LBGUARD_REPORT):
                   Helm 4 drops a post-renderer's standard error
  --report-format  text (default), json or sarif
  --include-hooks  run the rules on hooks (helm.sh/hook) too

Of the repository config only its config applies: Helm has rendered the
chart, so its values, namespace and release name, and its exclude, do not;
nor do audit's --exclude, --values, --set, --helm-skip and --release-name,
and --namespace is Helm's -n.

The summary is one line on standard error; when the release fails, the
report follows it. Nothing is written on standard output then: Helm fails
the release instead of installing manifests lbguard could not fix.

Exit status: 0 written, 1 an error result (a violation with --audit, or a
resource lbguard cannot read), 2 bad usage, a bad config or unreadable input.
`

type options struct {
	audit        bool
	namespace    string
	config       string
	input        cli.InputFlags // --root and --repo-config only
	report       string
	reportFormat string
	includeHooks bool
}

func parse(args []string) (options, error) {
	opts := options{report: os.Getenv(ReportEnv)}
	fs := flag.NewFlagSet("lbguard helm-post-render", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.BoolVar(&opts.audit, "audit", false, "")
	fs.StringVar(&opts.namespace, "namespace", "", "")
	fs.StringVar(&opts.config, "config", "", "")
	fs.StringVar(&opts.input.Root, "root", "", "")
	fs.StringVar(&opts.input.RepoConfig, "repo-config", "", "")
	fs.StringVar(&opts.report, "report", opts.report, "")
	fs.StringVar(&opts.reportFormat, "report-format", "text", "")
	fs.BoolVar(&opts.includeHooks, "include-hooks", false, "")
	if err := fs.Parse(args); err != nil {
		return opts, err
	}
	if fs.NArg() > 0 {
		return opts, fmt.Errorf("unexpected argument %q: the manifests come on standard input", fs.Arg(0))
	}
	return opts, cli.CheckFormat("--report-format", opts.reportFormat)
}

// Run runs the post-renderer and returns its exit status.
func Run(args []string, version string, stdin io.Reader, stdout, stderr io.Writer) int {
	opts, err := parse(args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, usage)
		return report.ExitClean
	}
	if err != nil {
		fmt.Fprintf(stderr, "lbguard helm-post-render: %v\n\n%s", err, usage)
		return report.ExitUsage
	}
	if err := opts.input.ReadStreamConfig(&opts.config); err != nil {
		return fail(opts, stderr, err.Error())
	}
	var problems strings.Builder
	cfg, ok := cli.ReadConfig(opts.config, &problems)
	if !ok {
		return fail(opts, stderr, problems.String()+"lbguard helm-post-render: the config is not valid")
	}
	cfg.Mode = config.ModeFix
	if opts.audit {
		cfg.Mode = config.ModeAudit
	}
	data, err := krmio.ReadInput(stdin, krmio.MaxInputBytes)
	if err != nil {
		return fail(opts, stderr, err.Error())
	}
	leave := leaveHooks
	if opts.includeHooks {
		leave = nil
	}
	run, err := cli.RunStream(data, cli.StreamOptions{Config: cfg, Namespace: opts.namespace, Leave: leave, Version: version})
	if err != nil {
		return fail(opts, stderr, err.Error())
	}
	status := run.Report.ExitStatus()
	if err := writeReport(opts, run.Report, status, stderr); err != nil {
		fmt.Fprintf(stderr, "lbguard helm-post-render: cannot write the report %s: %v\n", opts.report, err)
		return report.ExitUsage
	}
	if status != report.ExitClean {
		return status
	}
	if _, err := io.WriteString(stdout, run.Text); err != nil {
		fmt.Fprintf(stderr, "lbguard helm-post-render: cannot write standard output: %v\n", err)
		return report.ExitUsage
	}
	return report.ExitClean
}

// leaveHooks keeps Helm's hooks from the rules: a migration Job or a test
// Pod serves no load balancer, and needs no budget.
func leaveHooks(obj *fn.KubeObject) string {
	if _, ok := obj.GetAnnotations()[HookAnnotation]; ok {
		return "a Helm hook"
	}
	return ""
}

// fail reports input or a config lbguard cannot use: on standard error, and
// in the report file, where Helm 4 users look.
func fail(opts options, stderr io.Writer, msg string) int {
	text := msg + "; nothing written, the release fails\n"
	if !strings.HasPrefix(msg, "lbguard") {
		text = "lbguard helm-post-render: " + text
	}
	io.WriteString(stderr, text)
	if opts.report != "" {
		if err := os.WriteFile(opts.report, []byte(text), 0o644); err != nil {
			fmt.Fprintf(stderr, "lbguard helm-post-render: cannot write the report %s: %v\n", opts.report, err)
		}
	}
	return report.ExitUsage
}
