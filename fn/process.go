package main

import (
	"fmt"
	"io"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/transformers"
)

// process is the KRM function: it reads the config, runs the rules over the
// list, and appends their results. It fails, leaving the items as they are,
// when the config is bad; and fails after the rules when any result is an
// error. originals reads the items again, should edits need undoing.
func process(rl *fn.ResourceList, originals transformers.Originals) (bool, error) {
	cfg, errs := decodeConfig(rl.FunctionConfig)
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

// reread reads the items of a list again from its input, as they came: what
// lbguard puts back when it must undo edits. It is called only then, so the
// list is never copied when nothing is undone.
func reread(in []byte) transformers.Originals {
	return func() (fn.KubeObjects, error) {
		rl, err := parseResourceList(in)
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
		case r.Tags[transformers.TagAction] == transformers.ActionChanged:
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
