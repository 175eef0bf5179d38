package helmpost

import (
	"bytes"
	"fmt"
	"io"
	"os"

	"github.com/lbguard/lbguard/internal/cli"
	"github.com/lbguard/lbguard/internal/report"
)

// writeReport writes the summary line on standard error (the whole report
// too when the release fails: Helm 3 shows it then), and the report to the
// --report file.
func writeReport(opts options, rep *report.Report, status int, stderr io.Writer) error {
	if status == report.ExitClean {
		fmt.Fprintln(stderr, rep.SummaryLine())
	} else {
		if err := rep.WriteText(stderr); err != nil {
			return err
		}
		fmt.Fprintln(stderr, "lbguard helm-post-render: nothing written, the release fails")
	}
	if opts.report == "" {
		return nil
	}
	var b bytes.Buffer
	if err := cli.WriteReport(&b, rep, opts.reportFormat); err != nil {
		return err
	}
	return os.WriteFile(opts.report, b.Bytes(), 0o644)
}
