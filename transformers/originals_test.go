package transformers

import (
	"errors"
	"strings"
	"testing"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/transformers/config"
	"github.com/lbguard/lbguard/transformers/model"
)

// countedOriginals reads docs again on each call and counts the calls: the
// rules must read the originals only when they undo edits.
func countedOriginals(t *testing.T, calls *int, docs ...string) model.Originals {
	return func() (fn.KubeObjects, error) {
		*calls++
		return identParse(t, docs...), nil
	}
}

func TestOriginalsReadOnlyToUndo(t *testing.T) {
	valid := identDeployment("web", "shop", identSpec)
	unreadable := identDeployment("web", "shop", strings.Replace(identSpec, "replicas: 2", "replicas: three", 1))
	tests := []struct {
		name      string
		mode      config.Mode
		docs      []string
		wantCalls int
	}{
		{"fix, all readable: nothing undone", config.ModeFix, []string{identService, valid}, 0},
		{"fix, an unreadable Deployment: put back", config.ModeFix, []string{identService, unreadable}, 1},
		{"audit with violations: the whole list put back", config.ModeAudit, []string{identService, valid}, 1},
		{"audit with nothing to change: nothing undone", config.ModeAudit, []string{identDeployment("web", "shop", identSpec)}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items := identParse(t, tt.docs...)
			before := identStrings(items)
			calls := 0
			cfg := config.DefaultConfig()
			cfg.Mode = tt.mode
			results := Run(&items, cfg, countedOriginals(t, &calls, tt.docs...)).Results
			if calls != tt.wantCalls {
				t.Errorf("originals read %d times, want %d", calls, tt.wantCalls)
			}
			if tt.mode == config.ModeAudit || tt.wantCalls == 1 {
				// The Deployment (audit: every item) is back as it came.
				got := identStrings(items)
				last := len(tt.docs) - 1
				if got[last] != before[last] {
					t.Errorf("the Deployment is not as it came:\n%s\nwas:\n%s", got[last], before[last])
				}
				if tt.mode == config.ModeAudit && strings.Join(got, "---\n") != strings.Join(before, "---\n") {
					t.Errorf("audit changed the list:\n%s", strings.Join(got, "---\n"))
				}
			}
			for _, r := range results {
				if strings.Contains(r.Message, "cannot undo") {
					t.Errorf("unexpected: %s", r.Message)
				}
			}
		})
	}
}

// When the originals cannot be had, or are not the same list, the edits stay
// and an error says why: never a mix of two lists passed off as the input.
func TestOriginalsUnavailable(t *testing.T) {
	unreadable := identDeployment("web", "shop", strings.Replace(identSpec, "replicas: 2", "replicas: three", 1))
	tests := []struct {
		name      string
		originals model.Originals
		want      string
	}{
		{
			name:      "cannot be read",
			originals: func() (fn.KubeObjects, error) { return nil, errors.New("stdin is gone") },
			want:      "lbguard cannot undo its edits: reading the input again: stdin is gone",
		},
		{
			name: "another list",
			originals: func() (fn.KubeObjects, error) {
				return identParse(t, identService), nil
			},
			want: "lbguard cannot undo its edits: the input now holds 1 objects, not 2",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items := identParse(t, identService, unreadable)
			results := Run(&items, config.DefaultConfig(), tt.originals).Results
			var errs []string
			for _, r := range results {
				if r.Severity == fn.Error {
					errs = append(errs, r.Message)
				}
			}
			want := []string{"Deployment web: spec.replicas must be an integer", tt.want}
			if strings.Join(errs, "\n") != strings.Join(want, "\n") {
				t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(errs, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}
