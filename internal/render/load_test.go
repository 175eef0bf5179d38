package render

import (
	"errors"
	"io/fs"
	"testing"
)

// A repository as users keep one: a chart, a base with two overlays,
// plain manifests with a List, a workflow, a compose file and a values
// file of a chart kept elsewhere.
func TestMixedRepository(t *testing.T) {
	set := load(t, []string{"testdata/repo"}, Options{})
	const r = "testdata/repo/"
	equalLines(t, "documents", located(set.Documents), []string{
		"v1 Service release-name-worker @ " + r + "charts/worker (templates/service.yaml)",
		// The base only through its overlays: on its own it would be
		// reported without their changes.
		"apps/v1 Deployment prod-shop @ " + r + "deploy/overlays/prod ← " + r + "deploy/base/deployment.yaml:1",
		"apps/v1 Deployment staging-shop @ " + r + "deploy/overlays/staging ← " + r + "deploy/base/deployment.yaml:1",
		"networking.k8s.io/v1 Ingress shop @ " + r + "manifests/ingress.yaml:1",
		"v1 Service shop-a @ " + r + "manifests/services.yaml:4 items[0]",
		"v1 Service shop-b @ " + r + "manifests/services.yaml:8 items[1]",
	})
	// .github is hidden and not walked; the chart's values.yaml and
	// Chart.yaml are the chart's, the kustomizations are kustomize's.
	equalLines(t, "skipped", locations(set.NonResources), []string{
		r + "docker-compose.yaml:1",
		r + "values.yaml:2",
	})
	if len(set.Hooks)+len(set.LeftAlone) != 0 {
		t.Errorf("hooks %q, left alone %v", located(set.Hooks), set.LeftAlone)
	}
}

func TestMixedRepositoryHelmSkipped(t *testing.T) {
	set := load(t, []string{"testdata/repo"}, Options{SkipHelm: true})
	if len(set.Documents) != 5 || set.Documents[0].Object.GetName() != "prod-shop" {
		t.Errorf("documents %q", located(set.Documents))
	}
	if len(set.LeftAlone) != 1 || set.LeftAlone[0].Dir != "testdata/repo/charts/worker" {
		t.Errorf("left alone %+v", set.LeftAlone)
	}
}

// A file named on the command line is read whatever directory it is in
// (pre-commit passes the changed files one by one); a chart's file stands
// for its chart.
func TestNamedFiles(t *testing.T) {
	set := load(t, []string{
		"testdata/repo/.github/workflows/ci.yaml",
		"testdata/repo/manifests/ingress.yaml",
		"testdata/repo/manifests/../manifests/ingress.yaml", // the same file again
		"testdata/repo/deploy/overlays/prod/kustomization.yaml",
		"testdata/repo/charts/worker/templates/service.yaml",
		"testdata/repo/charts/worker/values.yaml",
	}, Options{})
	equalLines(t, "documents", located(set.Documents), []string{
		"networking.k8s.io/v1 Ingress shop @ testdata/repo/manifests/ingress.yaml:1",
		"apps/v1 Deployment prod-shop @ testdata/repo/deploy/overlays/prod ← testdata/repo/deploy/base/deployment.yaml:1",
		"v1 Service release-name-worker @ testdata/repo/charts/worker (templates/service.yaml)",
	})
	equalLines(t, "skipped", locations(set.NonResources), []string{"testdata/repo/.github/workflows/ci.yaml:1"})
}

// A base named with its overlay is built once, as part of the overlay.
func TestBaseWithItsOverlay(t *testing.T) {
	set := load(t, []string{"testdata/kustomize/base", "testdata/kustomize/overlays/prod"}, Options{})
	if len(set.Documents) != 4 || set.Documents[0].Origin.Overlay != "testdata/kustomize/overlays/prod" {
		t.Errorf("documents %q", located(set.Documents))
	}
	alone := load(t, []string{"testdata/kustomize/base"}, Options{})
	equalLines(t, "the base alone", located(alone.Documents), []string{
		"apps/v1 Deployment api @ testdata/kustomize/base ← testdata/kustomize/base/deployment.yaml:2",
		"v1 Service api-internal @ testdata/kustomize/base ← testdata/kustomize/base/services.yaml:1",
		"v1 Service api @ testdata/kustomize/base ← testdata/kustomize/base/services.yaml:11",
	})
}

func TestMissingPath(t *testing.T) {
	_, err := Load([]string{"testdata/none"}, Options{})
	if !errors.Is(err, fs.ErrNotExist) || err.Error() != "cannot read testdata/none: stat testdata/none: no such file or directory" {
		t.Errorf("error %v", err)
	}
}
