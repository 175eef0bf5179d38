package render

import "testing"

func TestDuplicateKeyRefusedInFiles(t *testing.T) {
	for _, tc := range []struct{ path, want string }{
		{
			// Two files concatenated without ---: the second kind repeats.
			"testdata/dup/concatenated.yaml",
			`testdata/dup/concatenated.yaml: document 1 (v1 Service web): duplicate key "kind" at lines 2 and 7`,
		},
		{
			"testdata/dup/nested.yaml",
			`testdata/dup/nested.yaml: document 2 (apps/v1 Deployment web): duplicate key "app" in spec.template.metadata.labels at lines 14 and 16`,
		},
		{
			"testdata/chart/dupkeys",
			`testdata/chart/dupkeys (templates/service.yaml): document 1 (v1 Service release-name): duplicate key "app" in metadata.labels at lines 6 and 7 (lines of the rendered template)`,
		},
		{
			// kustomize builds it (the last value wins): the source is read
			// for its line, and refused there.
			"testdata/kustomize/dupkeys",
			`testdata/kustomize/dupkeys ← testdata/kustomize/dupkeys/deployment.yaml: document 1 (apps/v1 Deployment api): duplicate key "app" in metadata.labels at lines 6 and 7`,
		},
	} {
		t.Run(tc.path, func(t *testing.T) {
			if got := loadError(t, []string{tc.path}, Options{}); got != tc.want {
				t.Errorf("error\n\t%s\nwant\n\t%s", got, tc.want)
			}
		})
	}
}

// A file that is no resource keeps its repeated keys to itself.
func TestDuplicateKeyInNonResourceSkipped(t *testing.T) {
	set := load(t, []string{"testdata/dup/compose.yaml"}, Options{})
	equalLines(t, "skipped", locations(set.NonResources), []string{"testdata/dup/compose.yaml:2"})
}
