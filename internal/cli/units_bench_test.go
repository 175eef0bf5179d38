package cli

import (
	"fmt"

	"os"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkAuditRepository is `lbguard audit .` on a repository of 500
// deployable units (README: Performance): 250 directories of plain
// manifests, 150 overlays of 150 bases, 100 charts, each an ALB Ingress in
// front of a Deployment, as the fixture repository is.
func BenchmarkAuditRepository(b *testing.B) {
	dir := b.TempDir()
	writeRepository(b, dir, 250, 150, 100)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		r := runLBGuard(b, dir, nil, "audit", "--root", ".", ".")
		if r.status != 1 || !strings.Contains(r.stdout, "lbguard audit: ") {
			b.Fatalf("exit %d:\n%s", r.status, r.stderr)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/500, "ns/unit")
}

// writeRepository writes plain, overlay and chart units into dir.
func writeRepository(tb testing.TB, dir string, plain, overlays, charts int) {
	files := map[string]string{}
	for i := range plain {
		files[fmt.Sprintf("apps/plain-%d/app.yaml", i)] = benchApp(fmt.Sprintf("plain-%d", i))
	}
	for i := range overlays {
		files[fmt.Sprintf("apps/kust-%d/base/kustomization.yaml", i)] = "resources:\n- app.yaml\n"
		files[fmt.Sprintf("apps/kust-%d/base/app.yaml", i)] = benchApp(fmt.Sprintf("kust-%d", i))
		files[fmt.Sprintf("apps/kust-%d/overlays/prod/kustomization.yaml", i)] = "namespace: prod\nresources:\n- ../../base\n"
	}
	for i := range charts {
		name := fmt.Sprintf("chart-%d", i)
		files["charts/"+name+"/Chart.yaml"] = "apiVersion: v2\nname: " + name + "\nversion: 0.1.0\n"
		files["charts/"+name+"/values.yaml"] = "replicas: 3\n"
		files["charts/"+name+"/templates/app.yaml"] = strings.Replace(benchApp("{{ .Release.Name }}"), "replicas: 3", "replicas: {{ .Values.replicas }}", 1)
	}
	for name, text := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
}

func benchApp(name string) string {
	return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ` + name + `
spec:
  replicas: 3
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: web
        image: nginx:1.27
        ports:
        - containerPort: 8080
---
apiVersion: v1
kind: Service
metadata:
  name: ` + name + `
spec:
  selector:
    app: web
  ports:
  - port: 80
    targetPort: 8080
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: ` + name + `
  annotations:
    alb.ingress.kubernetes.io/target-type: ip
spec:
  ingressClassName: alb
  defaultBackend:
    service:
      name: ` + name + `
      port:
        number: 80
`
}
