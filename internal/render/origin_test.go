package render

import "testing"

func TestLocation(t *testing.T) {
	for _, tc := range []struct {
		o    Origin
		want string
	}{
		{Origin{File: "deploy/web.yaml", Line: 12}, "deploy/web.yaml:12"},
		{Origin{File: "-"}, "-"},
		{Origin{File: "list.yaml", Line: 7, InList: true, ListIndex: 2}, "list.yaml:7 items[2]"},
		{Origin{File: "charts/web/templates/deployment.yaml", Chart: "charts/web", Template: "templates/deployment.yaml"}, "charts/web (templates/deployment.yaml)"},
		{Origin{Chart: "charts/web", Template: "templates/job.yaml", Hook: "pre-install"}, "charts/web (templates/job.yaml, pre-install hook)"},
		{Origin{Overlay: "overlays/prod", File: "base/deployment.yaml", Line: 12}, "overlays/prod ← base/deployment.yaml:12"},
		{Origin{Overlay: "overlays/prod", File: "overlays/prod/kustomization.yaml"}, "overlays/prod ← overlays/prod/kustomization.yaml"},
		{Origin{Overlay: "overlays/prod"}, "overlays/prod"},
	} {
		if got := tc.o.Location(); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.o, got, tc.want)
		}
	}
}
