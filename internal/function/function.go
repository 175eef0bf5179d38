// Package function is lbguard as a KRM function: a ResourceList read from
// stdin, the rules run over it, the list and its results written to stdout.
package function

import (
	"fmt"
	"io"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/internal/krmio"
	"github.com/lbguard/lbguard/transformers"
	"github.com/lbguard/lbguard/transformers/config"
	"github.com/lbguard/lbguard/transformers/model"
)

// Processor is what Run applies to the list between reading and writing
// it: Process, or in the benchmarks' builds a baseline (processors.go).
// originals reads the items again, should edits need undoing.
type Processor func(rl *fn.ResourceList, originals model.Originals) (bool, error)

// Run runs lbguard as a KRM function and returns the exit status. It reads
// and parses the whole ResourceList before anything is written, so that bad
// input leaves stdout empty. Input over krmio's limits is refused. A panic,
// which is a bug, is reported in one line (no stack trace, nothing on
// stdout) and fails the run.
func Run(stdin io.Reader, stdout, stderr io.Writer, process Processor) (status int) {
	defer func() {
		if p := recover(); p != nil {
			fmt.Fprintf(stderr, "lbguard: internal error, nothing written: %v (please report it with the input)\n", p)
			status = 1
		}
	}()
	in, err := krmio.ReadInput(stdin, krmio.MaxInputBytes)
	if err != nil {
		fmt.Fprintf(stderr, "lbguard: %v\n", err)
		return 1
	}
	rl, err := krmio.ParseResourceList(in)
	if err != nil {
		fmt.Fprintf(stderr, "lbguard: %v\n", err)
		return 1
	}
	ok, _ := process(rl, Reread(in))
	out, err := krmio.ResourceListYAML(rl)
	if err != nil {
		fmt.Fprintf(stderr, "lbguard: cannot write the ResourceList: %v\n", err)
		return 1
	}
	if _, err := out.WriteTo(stdout); err != nil {
		fmt.Fprintf(stderr, "lbguard: cannot write stdout: %v\n", err)
		return 1
	}
	summarize(stderr, rl.Results)
	if !ok {
		return 1
	}
	return 0
}

// Process is the KRM function: it reads the config, runs the rules over the
// list, and appends their results. It fails, leaving the items as they are,
// when the config is bad; and fails after the rules when any result is an
// error. originals reads the items again, should edits need undoing.
func Process(rl *fn.ResourceList, originals model.Originals) (bool, error) {
	cfg, errs := config.DecodeConfig(rl.FunctionConfig)
	if len(errs) > 0 {
		for _, e := range errs {
			res := fn.ConfigObjectResult("lbguard config: "+e.Error(), rl.FunctionConfig, fn.Error)
			if res.File.Path == "" {
				res.File = nil
			}
			res.Field = &fn.Field{Path: e.Path}
			rl.Results = append(rl.Results, res)
		}
		return false, nil
	}
	results := transformers.Run(&rl.Items, cfg, originals).Results
	rl.Results = append(rl.Results, results...)
	return results.ExitCode() == 0, nil
}

// Reread reads the items of a list again from its input, as they came: what
// lbguard puts back when it must undo edits. It is called only then, so the
// list is never copied when nothing is undone.
func Reread(in []byte) model.Originals {
	return func() (fn.KubeObjects, error) {
		rl, err := krmio.ParseResourceList(in)
		if err != nil {
			return nil, err
		}
		return rl.Items, nil
	}
}

// summarize writes the one line kustomize users see: kustomize drops results.
func summarize(w io.Writer, results fn.Results) {
	var changed, kept, warnings, errors int
	for _, r := range results {
		switch {
		case r.Severity == fn.Error:
			errors++
		case r.Severity == fn.Warning:
			warnings++
		case r.Tags[model.TagAction] == model.ActionChanged:
			changed++
		default:
			kept++
		}
	}
	fmt.Fprintf(w, "lbguard: %d changed, %d warnings, %d errors, %d notes\n", changed, warnings, errors, kept)
	for _, r := range results {
		if r.Severity == fn.Error {
			fmt.Fprintf(w, "lbguard: error: %s\n", r.Message)
		}
	}
}
