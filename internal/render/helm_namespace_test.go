package render

import (
	"path/filepath"
	"testing"
)

// Given a release namespace, a chart's namespaced resources without one
// are read in it, as `helm install -n` applies them; cluster-scoped ones
// and those that name their own stay as they are.
func TestChartReleaseNamespace(t *testing.T) {
	repo := t.TempDir()
	writeTree(t, repo, map[string]string{
		"c/Chart.yaml": "apiVersion: v2\nname: c\nversion: 0.1.0\n",
		"c/templates/all.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n---\n" +
			"apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: edge\n---\n" +
			"apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: reader\n---\n" +
			"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n",
	})
	for _, tc := range []struct {
		namespace string
		want      []string
	}{
		{"shop", []string{"Namespace ", "ClusterRole ", "Service edge", "Deployment shop"}},
		{"", []string{"Namespace ", "ClusterRole ", "Service edge", "Deployment "}}, // Helm's install order
	} {
		set := loadIn(t, repo, filepath.Join(repo, "c"), Options{Namespace: tc.namespace})
		var got []string
		for _, d := range set.Documents {
			got = append(got, d.Object.GetKind()+" "+d.Object.GetNamespace())
		}
		equalLines(t, "namespaces with --namespace "+tc.namespace, got, tc.want)
	}
}
