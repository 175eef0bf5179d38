package cli

import (
	"testing"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/internal/report"
)

// Where a result is written when its resource is not one document of the
// input: a resource read twice, or a Namespace, at the first resource of its
// namespace; else, as for no resource at all, by its file alone when it
// names one.
func TestFindingOfAResultWithoutItsDocument(t *testing.T) {
	service := "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: shop\n"
	in := readSources(t, [2]string{"a.yaml", service}, [2]string{"b.yaml", "# again\n" + service})
	web := &fn.ResourceRef{APIVersion: "v1", Kind: "Service", Namespace: "shop", Name: "web"}
	billing := &fn.ResourceRef{APIVersion: "v1", Kind: "Namespace", Name: "billing"}
	shop := &fn.ResourceRef{APIVersion: "v1", Kind: "Namespace", Name: "shop"}
	elsewhere := &fn.File{Path: "elsewhere.yaml"}
	for _, c := range []struct {
		what string
		res  *fn.Result
		want report.Place
	}{
		{"its own file and index", &fn.Result{ResourceRef: web, File: &fn.File{Path: "b.yaml"}}, report.Place{File: "b.yaml", Line: 2}},
		{"a resource read twice: the first resource of its namespace", &fn.Result{ResourceRef: web}, report.Place{File: "a.yaml", Line: 5}},
		{"a Namespace not read, its first resource", &fn.Result{ResourceRef: shop}, report.Place{File: "a.yaml", Line: 5}},
		{"a Namespace with nothing read in it", &fn.Result{ResourceRef: billing}, report.Place{}},
		{"a Namespace with nothing read in it, with a file", &fn.Result{ResourceRef: billing, File: elsewhere}, report.Place{File: "elsewhere.yaml"}},
		{"no resource", &fn.Result{File: elsewhere}, report.Place{File: "elsewhere.yaml"}},
		{"nothing", &fn.Result{}, report.Place{}},
	} {
		if got := in.Finding(c.res); got != c.want {
			t.Errorf("%s: placed at %+v, want %+v", c.what, got, c.want)
		}
	}
}
