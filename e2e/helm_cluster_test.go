package e2e

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"testing"

	"github.com/lbguard/lbguard/internal/apiserver"
)

// Helm 3's `install --dry-run=client`, despite its help, asks the API server
// for its version and APIs first: it runs against the tests' own
// kube-apiserver. Helm 4's needs no cluster.

// cluster is the environment that points helm at a cluster, if it needs one.
func (h helmUnder) cluster(t *testing.T) []string {
	t.Helper()
	if h.v4 {
		return nil
	}
	s := apiserver.Shared(t)
	config := `apiVersion: v1
kind: Config
clusters:
- name: test
  cluster:
    server: ` + s.URL + `
    certificate-authority-data: ` + base64.StdEncoding.EncodeToString(s.CAPEM) + `
users:
- name: admin
  user:
    token: ` + s.Token + `
contexts:
- name: test
  context: {cluster: test, user: admin}
current-context: test
`
	path := filepath.Join(t.TempDir(), "kubeconfig")
	if err := os.WriteFile(path, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	return []string{"KUBECONFIG=" + path}
}
