package report

import (
	"strconv"

	"github.com/lbguard/lbguard/transformers/rules"
)

// JSONWindow is the failure window a change closes (docs/timing.md §5.4),
// as lbguard explain measures it: seconds per old pod or per rollout.
type JSONWindow struct {
	ID             string  `json:"id"`
	TypicalSeconds float64 `json:"typicalSeconds"`
	WorstSeconds   float64 `json:"worstSeconds"`
	Description    string  `json:"description"`
}

// window is the window f's change closes; nil when it names none.
func (f *finding) window() *JSONWindow {
	id := f.res.Tags[rules.TagWindow]
	if id == "" {
		return nil
	}
	typical, err1 := strconv.ParseFloat(f.res.Tags[rules.TagWindowTypical], 64)
	worst, err2 := strconv.ParseFloat(f.res.Tags[rules.TagWindowWorst], 64)
	if err1 != nil || err2 != nil {
		return nil
	}
	return &JSONWindow{ID: id, TypicalSeconds: typical, WorstSeconds: worst, Description: rules.DescribeWindow(id, typical, worst)}
}
