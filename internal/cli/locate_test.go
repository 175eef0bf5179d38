package cli

import (
	"fmt"
	"testing"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/internal/report"
	"github.com/lbguard/lbguard/transformers/model"
)

// Where a result is written when its resource is not one document of the
// input: a Namespace at the first workload in it that the result puts at
// risk (its metadata.namespace, else its metadata.name), else, like a
// resource read twice, at the first resource of its namespace; else, as for
// no resource at all, by its file alone when it names one.
func TestFindingOfAResultWithoutItsDocument(t *testing.T) {
	service := "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: shop\n"
	deployment := "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  labels: {app: %s}\n  name: %s\n%sspec: {}\n"
	in := readSources(t, [2]string{"a.yaml", service}, [2]string{"b.yaml", "# again\n" + service},
		[2]string{"c.yaml", fmt.Sprintf(deployment, "api", "api", "  namespace: shop\n")},
		[2]string{"d.yaml", fmt.Sprintf(deployment, "web", "web", "")})
	api := model.ResourceID{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "shop", Name: "api"}
	webApp := model.ResourceID{APIVersion: "apps/v1", Kind: "Deployment", Name: "web"}
	defaultNS := &fn.ResourceRef{APIVersion: "v1", Kind: "Namespace", Name: "default"}
	web := &fn.ResourceRef{APIVersion: "v1", Kind: "Service", Namespace: "shop", Name: "web"}
	billing := &fn.ResourceRef{APIVersion: "v1", Kind: "Namespace", Name: "billing"}
	shop := &fn.ResourceRef{APIVersion: "v1", Kind: "Namespace", Name: "shop"}
	elsewhere := &fn.File{Path: "elsewhere.yaml"}
	for _, c := range []struct {
		what      string
		res       *fn.Result
		workloads []model.ResourceID
		want      report.Place
	}{
		{"its own file and index", &fn.Result{ResourceRef: web, File: &fn.File{Path: "b.yaml"}}, nil, report.Place{File: "b.yaml", Line: 2}},
		{"a resource read twice: the first resource of its namespace", &fn.Result{ResourceRef: web}, nil, report.Place{File: "a.yaml", Line: 5}},
		{"a Namespace not read, no workload at risk: its first resource", &fn.Result{ResourceRef: shop}, nil, report.Place{File: "a.yaml", Line: 5}},
		{"a Namespace not read: the namespace of its first workload at risk", &fn.Result{ResourceRef: shop}, []model.ResourceID{webApp, api}, report.Place{File: "c.yaml", Line: 6}},
		{"a Namespace not read, its workload names none: the workload's name", &fn.Result{ResourceRef: defaultNS}, []model.ResourceID{api, webApp}, report.Place{File: "d.yaml", Line: 5}},
		{"a Namespace with nothing read in it", &fn.Result{ResourceRef: billing}, nil, report.Place{}},
		{"a Namespace with nothing read in it, with a file", &fn.Result{ResourceRef: billing, File: elsewhere}, nil, report.Place{File: "elsewhere.yaml"}},
		{"no resource", &fn.Result{File: elsewhere}, nil, report.Place{File: "elsewhere.yaml"}},
		{"nothing", &fn.Result{}, nil, report.Place{}},
	} {
		if got := in.Finding(c.res, c.workloads); got != c.want {
			t.Errorf("%s: placed at %+v, want %+v", c.what, got, c.want)
		}
	}
}
