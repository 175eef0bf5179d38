package render

import (
	"bytes"
	"fmt"
	"os"

	"helm.sh/helm/v4/pkg/chart/v2/loader"
	"helm.sh/helm/v4/pkg/strvals"
)

// userValues merges --values files in order, then --set, as Helm's CLI
// does; the chart's values.yaml goes under them when the chart renders.
// Files are read from disk only: a URL is no file here, lbguard fetches
// nothing.
func userValues(opts Options) (map[string]any, error) {
	vals := map[string]any{}
	for _, f := range opts.ValueFiles {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("--values: %w", err)
		}
		m, err := loader.LoadValues(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("--values %s: %w", f, err)
		}
		vals = loader.MergeMaps(vals, m)
	}
	for _, s := range opts.Set {
		if err := strvals.ParseInto(s, vals); err != nil {
			return nil, fmt.Errorf("--set %s: %w", s, err)
		}
	}
	return vals, nil
}
