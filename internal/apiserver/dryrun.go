package apiserver

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"sigs.k8s.io/yaml"
)

// resourceInfo is where objects of one kind are created.
type resourceInfo struct {
	resource   string
	namespaced bool
}

// knownResources maps "apiVersion Kind" to its resource for the kinds lbguard
// handles and their usual companions; other kinds are looked up by discovery.
var knownResources = map[string]resourceInfo{
	"v1 Namespace":                              {"namespaces", false},
	"v1 Service":                                {"services", true},
	"v1 ConfigMap":                              {"configmaps", true},
	"v1 Secret":                                 {"secrets", true},
	"v1 ServiceAccount":                         {"serviceaccounts", true},
	"v1 Pod":                                    {"pods", true},
	"apps/v1 Deployment":                        {"deployments", true},
	"apps/v1 StatefulSet":                       {"statefulsets", true},
	"apps/v1 DaemonSet":                         {"daemonsets", true},
	"networking.k8s.io/v1 Ingress":              {"ingresses", true},
	"networking.k8s.io/v1 IngressClass":         {"ingressclasses", false},
	"policy/v1 PodDisruptionBudget":             {"poddisruptionbudgets", true},
	"autoscaling/v2 HorizontalPodAutoscaler":    {"horizontalpodautoscalers", true},
	"argoproj.io/v1alpha1 Rollout":              {"rollouts", true},
	"elbv2.k8s.aws/v1beta1 TargetGroupBinding":  {"targetgroupbindings", true},
	"elbv2.k8s.aws/v1alpha1 TargetGroupBinding": {"targetgroupbindings", true},
}

// RejectedError is the API server's refusal of an object.
type RejectedError struct {
	Kind, Namespace, Name string
	// Code is the HTTP status code, Reason the Status reason (e.g. "Invalid",
	// "BadRequest") and Message the server's message.
	Code    int
	Reason  string
	Message string
}

func (e *RejectedError) Error() string {
	id := e.Name
	if e.Namespace != "" {
		id = e.Namespace + "/" + e.Name
	}
	return fmt.Sprintf("%s %s rejected by kube-apiserver (%d %s): %s", e.Kind, id, e.Code, e.Reason, e.Message)
}

// status is the part of metav1.Status that is reported.
type status struct {
	Kind    string `json:"kind"`
	Status  string `json:"status"`
	Message string `json:"message"`
	Reason  string `json:"reason"`
	Code    int    `json:"code"`
}

type typeMeta struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   struct {
		Name         string `json:"name"`
		GenerateName string `json:"generateName"`
		Namespace    string `json:"namespace"`
	} `json:"metadata"`
}

// DryRun sends one YAML (or JSON) object to the API server as a create with
// dryRun=All and fieldValidation=Strict, as `kubectl apply --dry-run=server
// --validate=strict` does for a new object. Nothing is stored, except the
// object's namespace, which is created for real when missing (a dry-run create
// in a missing namespace fails). A *RejectedError carries the server's
// message when the object is refused.
func (s *Server) DryRun(obj []byte) error {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	return s.dryRun(ctx, obj)
}

// DryRunAll dry-runs every object of a YAML stream ("---" separated). A
// ResourceList or List document contributes its items. The errors of all
// refused objects are joined.
func (s *Server) DryRunAll(stream []byte) error {
	objs, err := SplitObjects(stream)
	if err != nil {
		return err
	}
	var errs []error
	for _, o := range objs {
		if err := s.DryRun(o); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// SplitObjects splits a YAML stream into single objects (as JSON), unpacking
// the items of config.kubernetes.io/v1 ResourceList and v1 List documents.
func SplitObjects(stream []byte) ([][]byte, error) {
	var out [][]byte
	for i, doc := range splitYAMLDocuments(stream) {
		j, err := yaml.YAMLToJSON(doc)
		if err != nil {
			return nil, fmt.Errorf("document %d: %w", i, err)
		}
		if bytes.Equal(bytes.TrimSpace(j), []byte("null")) {
			continue
		}
		var list struct {
			Kind  string            `json:"kind"`
			Items []json.RawMessage `json:"items"`
		}
		if err := json.Unmarshal(j, &list); err != nil {
			return nil, fmt.Errorf("document %d: %w", i, err)
		}
		if list.Kind == "ResourceList" || list.Kind == "List" || strings.HasSuffix(list.Kind, "List") && list.Items != nil {
			for _, it := range list.Items {
				out = append(out, []byte(it))
			}
			continue
		}
		out = append(out, j)
	}
	return out, nil
}

func splitYAMLDocuments(b []byte) [][]byte {
	var docs [][]byte
	var cur []string
	for _, line := range strings.Split(string(b), "\n") {
		if strings.TrimRight(line, " \t\r") == "---" || strings.HasPrefix(line, "--- ") {
			docs = append(docs, []byte(strings.Join(cur, "\n")))
			cur = nil
			continue
		}
		cur = append(cur, line)
	}
	docs = append(docs, []byte(strings.Join(cur, "\n")))
	var out [][]byte
	for _, d := range docs {
		if len(bytes.TrimSpace(stripComments(d))) > 0 {
			out = append(out, d)
		}
	}
	return out
}

func stripComments(b []byte) []byte {
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		if t := strings.TrimSpace(l); t != "" && !strings.HasPrefix(t, "#") {
			out = append(out, l)
		}
	}
	return []byte(strings.Join(out, "\n"))
}

func (s *Server) dryRun(ctx context.Context, obj []byte) error {
	trimmed := bytes.TrimSpace(obj)
	if bytes.HasPrefix(trimmed, []byte("---")) {
		trimmed = bytes.TrimSpace(bytes.TrimPrefix(trimmed, []byte("---")))
	}
	j, err := yaml.YAMLToJSON(trimmed)
	if err != nil {
		return fmt.Errorf("not a YAML object: %w", err)
	}
	var tm typeMeta
	if err := json.Unmarshal(j, &tm); err != nil {
		return fmt.Errorf("not a Kubernetes object: %w", err)
	}
	if tm.APIVersion == "" || tm.Kind == "" {
		return fmt.Errorf("object without apiVersion/kind: %.200s", trimmed)
	}
	ri, err := s.resourceFor(ctx, tm.APIVersion, tm.Kind)
	if err != nil {
		return err
	}
	ns := ""
	if ri.namespaced {
		ns = tm.Metadata.Namespace
		if ns == "" {
			ns = "default"
		}
		if err := s.ensureNamespace(ctx, ns); err != nil {
			return err
		}
	}
	path := collectionPath(tm.APIVersion, ns, ri.resource) + "?dryRun=All&fieldValidation=Strict"

	// The original document is sent as YAML so that the server's strict
	// decoder also sees duplicate fields, which a conversion would hide.
	body, contentType := trimmed, "application/yaml"
	if json.Valid(trimmed) {
		contentType = "application/json"
	}
	name := tm.Metadata.Name
	if name == "" {
		name = tm.Metadata.GenerateName + "*"
	}
	var code int
	var resp []byte
	for attempt := 0; ; attempt++ {
		code, resp, err = s.do(ctx, http.MethodPost, path, contentType, body)
		if err != nil {
			return fmt.Errorf("dry-run %s %s: %w", tm.Kind, name, err)
		}
		// A CRD that was just established can briefly answer 404.
		if code == http.StatusNotFound && attempt < 20 && isNotFoundResource(resp) {
			time.Sleep(250 * time.Millisecond)
			continue
		}
		break
	}
	var st status
	_ = json.Unmarshal(resp, &st)
	if code == http.StatusConflict && st.Reason == "AlreadyExists" && tm.Metadata.Name != "" {
		// Only a namespace made for an earlier object can exist: validate the
		// document as `kubectl apply --dry-run=server` would, as a
		// server-side apply of the existing object.
		st = status{}
		code, resp, err = s.do(ctx, http.MethodPatch,
			collectionPath(tm.APIVersion, ns, ri.resource)+"/"+url.PathEscape(tm.Metadata.Name)+
				"?dryRun=All&fieldValidation=Strict&fieldManager=lbguard-dry-run&force=true",
			"application/apply-patch+yaml", body)
		if err != nil {
			return fmt.Errorf("dry-run apply %s %s: %w", tm.Kind, name, err)
		}
		_ = json.Unmarshal(resp, &st)
	}
	if code >= 200 && code < 300 {
		return nil
	}
	if st.Message == "" {
		st.Message = strings.TrimSpace(string(resp))
	}
	return &RejectedError{Kind: tm.Kind, Namespace: ns, Name: name, Code: code, Reason: st.Reason, Message: st.Message}
}

func isNotFoundResource(resp []byte) bool {
	return bytes.Contains(resp, []byte("the server could not find the requested resource"))
}

func collectionPath(apiVersion, ns, resource string) string {
	prefix := "/apis/" + apiVersion
	if !strings.Contains(apiVersion, "/") {
		prefix = "/api/" + apiVersion
	}
	if ns != "" {
		return prefix + "/namespaces/" + url.PathEscape(ns) + "/" + resource
	}
	return prefix + "/" + resource
}

func (s *Server) resourceFor(ctx context.Context, apiVersion, kind string) (resourceInfo, error) {
	key := apiVersion + " " + kind
	if ri, ok := knownResources[key]; ok {
		return ri, nil
	}
	s.mu.Lock()
	ri, ok := s.resources[key]
	s.mu.Unlock()
	if ok {
		return ri, nil
	}
	prefix := "/apis/" + apiVersion
	if !strings.Contains(apiVersion, "/") {
		prefix = "/api/" + apiVersion
	}
	code, body, err := s.do(ctx, http.MethodGet, prefix, "", nil)
	if err != nil {
		return resourceInfo{}, err
	}
	if code != http.StatusOK {
		return resourceInfo{}, fmt.Errorf("%w: apiVersion %s (discovery: %d): a removed API version, or a kind without a CRD here (testdata/crds, the Gateway API's)",
			ErrNotServed, apiVersion, code)
	}
	var list struct {
		Resources []struct {
			Name       string `json:"name"`
			Kind       string `json:"kind"`
			Namespaced bool   `json:"namespaced"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(body, &list); err != nil {
		return resourceInfo{}, err
	}
	for _, r := range list.Resources {
		if r.Kind == kind && !strings.Contains(r.Name, "/") {
			ri = resourceInfo{r.Name, r.Namespaced}
			s.mu.Lock()
			s.resources[key] = ri
			s.mu.Unlock()
			return ri, nil
		}
	}
	return resourceInfo{}, fmt.Errorf("%w: kind %s in %s", ErrNotServed, kind, apiVersion)
}

// ErrNotServed is wrapped by the error of DryRun for an object whose
// apiVersion and kind this kube-apiserver does not serve.
var ErrNotServed = errors.New("not served by kube-apiserver")

// Served tells whether the server serves objects of apiVersion and kind, for
// callers that leave out kinds without a CRD here (a function config, say).
func (s *Server) Served(apiVersion, kind string) bool {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err := s.resourceFor(ctx, apiVersion, kind)
	return err == nil
}

func (s *Server) ensureNamespace(ctx context.Context, ns string) error {
	s.mu.Lock()
	done := s.namespaces[ns]
	s.mu.Unlock()
	if done {
		return nil
	}
	body, _ := json.Marshal(map[string]any{
		"apiVersion": "v1", "kind": "Namespace",
		"metadata": map[string]any{"name": ns},
	})
	code, resp, err := s.do(ctx, http.MethodPost, "/api/v1/namespaces", "application/json", body)
	if err != nil {
		return err
	}
	if code != http.StatusCreated && code != http.StatusConflict {
		var st status
		_ = json.Unmarshal(resp, &st)
		return fmt.Errorf("creating namespace %q: %d %s", ns, code, st.Message)
	}
	s.mu.Lock()
	s.namespaces[ns] = true
	s.mu.Unlock()
	return nil
}

// installCRDs creates every CRD found in the files (*.yaml, *.yml, *.json) of
// dirs and waits until each is Established and served. Other objects are left
// out, such as the Gateway API's ValidatingAdmissionPolicy, which only guards
// upgrades of its CRDs.
func (s *Server) installCRDs(ctx context.Context, dirs ...string) error {
	var files []string
	for _, dir := range dirs {
		var inDir []string
		for _, pat := range []string{"*.yaml", "*.yml", "*.json"} {
			m, _ := filepath.Glob(filepath.Join(dir, pat))
			inDir = append(inDir, m...)
		}
		if len(inDir) == 0 {
			return fmt.Errorf("no CRD files in %s", dir)
		}
		sort.Strings(inDir)
		files = append(files, inDir...)
	}
	type crd struct {
		name, group string
		versions    []string
		plural      string
	}
	var crds []crd
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		objs, err := SplitObjects(b)
		if err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
		for _, o := range objs {
			var c struct {
				Kind     string `json:"kind"`
				Metadata struct {
					Name string `json:"name"`
				} `json:"metadata"`
				Spec struct {
					Group string `json:"group"`
					Names struct {
						Plural string `json:"plural"`
					} `json:"names"`
					Versions []struct {
						Name   string `json:"name"`
						Served bool   `json:"served"`
					} `json:"versions"`
				} `json:"spec"`
			}
			if err := json.Unmarshal(o, &c); err != nil {
				return fmt.Errorf("%s: %w", f, err)
			}
			if c.Kind != "CustomResourceDefinition" {
				continue
			}
			code, resp, err := s.do(ctx, http.MethodPost, "/apis/apiextensions.k8s.io/v1/customresourcedefinitions?fieldValidation=Strict", "application/json", o)
			if err != nil {
				return err
			}
			if code != http.StatusCreated && code != http.StatusConflict {
				var st status
				_ = json.Unmarshal(resp, &st)
				return fmt.Errorf("%s: CRD %s refused: %d %s", filepath.Base(f), c.Metadata.Name, code, st.Message)
			}
			cr := crd{name: c.Metadata.Name, group: c.Spec.Group, plural: c.Spec.Names.Plural}
			for _, v := range c.Spec.Versions {
				if v.Served {
					cr.versions = append(cr.versions, v.Name)
				}
			}
			crds = append(crds, cr)
		}
	}
	for _, c := range crds {
		err := poll(ctx, 60*time.Second, func() error {
			code, body, err := s.do(ctx, http.MethodGet, "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/"+c.name, "", nil)
			if err != nil {
				return err
			}
			if code != http.StatusOK {
				return fmt.Errorf("get CRD %s: %d", c.name, code)
			}
			var st struct {
				Status struct {
					Conditions []struct {
						Type, Status, Message string
					} `json:"conditions"`
				} `json:"status"`
			}
			if err := json.Unmarshal(body, &st); err != nil {
				return err
			}
			for _, cond := range st.Status.Conditions {
				if cond.Type == "Established" && cond.Status == "True" {
					return nil
				}
				if cond.Type == "NamesAccepted" && cond.Status == "False" {
					return fmt.Errorf("CRD %s names not accepted: %s", c.name, cond.Message)
				}
			}
			return fmt.Errorf("CRD %s not Established yet", c.name)
		})
		if err != nil {
			return err
		}
		for _, v := range c.versions {
			gv := c.group + "/" + v
			err := poll(ctx, 60*time.Second, func() error {
				code, body, err := s.do(ctx, http.MethodGet, "/apis/"+gv, "", nil)
				if err != nil {
					return err
				}
				if code != http.StatusOK || !bytes.Contains(body, []byte(`"name":"`+c.plural+`"`)) {
					return fmt.Errorf("%s %s not served yet", gv, c.plural)
				}
				return nil
			})
			if err != nil {
				return err
			}
		}
	}
	return nil
}

func poll(ctx context.Context, limit time.Duration, check func() error) error {
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	for {
		err := check()
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("timed out after %s: %w", limit, err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}
