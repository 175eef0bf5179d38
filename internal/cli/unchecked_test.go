package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Never a silent pass: a unit lbguard leaves alone because it would have
// to run a plugin or fetch a base is an error finding in every format, and
// the gate fails, though nothing else was read.
func TestUncheckedUnitsFailTheGate(t *testing.T) {
	repo := t.TempDir()
	writeFiles(t, repo, map[string]string{
		// a dummy transformer: kustomize would run it as a KRM function
		"app/kustomization.yaml": "resources:\n- deployment.yaml\ntransformers:\n- fn.yaml\n",
		"app/deployment.yaml":    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n",
		"app/fn.yaml": "apiVersion: example.com/v1\nkind: Noop\nmetadata:\n  name: noop\n  annotations:\n" +
			"    config.kubernetes.io/function: |\n      exec:\n        path: ./noop\n",
		"remote/kustomization.yaml": "resources:\n- https://example.com/app.yaml\n",
	})
	const plugins = "kustomization runs plugins (KRM functions), which lbguard does not run: " +
		"check `kustomize build --enable-alpha-plugins --enable-exec app | lbguard audit -` instead"
	const remote = "remote resource `https://example.com/app.yaml` in remote/kustomization.yaml: lbguard fetches nothing; " +
		"vendor it into the repository, or check `kustomize build remote | lbguard audit -` where fetching is allowed"

	text := runLBGuard(t, repo, nil, "audit", "app", "remote")
	text.want(t, "audit of units left alone", 1)
	wantText := "kustomization app  (app/kustomization.yaml)\n" +
		"  ERROR not checked: left alone\n" +
		"      reason: " + plugins + "\n" +
		"      why:    " + ruleUnitWhy + "\n\n" +
		"kustomization remote  (remote/kustomization.yaml)\n" +
		"  ERROR not checked: left alone\n" +
		"      reason: " + remote + "\n" +
		"      why:    " + ruleUnitWhy + "\n\n" +
		"lbguard audit: 2 errors, 0 warnings in 0 workloads (0 resources, 0 files read, 2 units not checked); exit status 1\n"
	if text.stdout != wantText {
		t.Errorf("text report:\n%s\nwant:\n%s", text.stdout, wantText)
	}

	js := runLBGuard(t, repo, nil, "audit", "--format", "json", "app", "remote")
	js.want(t, "audit --format json", 1)
	var rep struct {
		Summary  struct{ Errors, Unchecked, ExitStatus int }
		Findings []struct {
			Rule, RuleName, Severity, Action, Message, Why, File string
		}
	}
	if err := json.Unmarshal([]byte(js.stdout), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Summary.Errors != 2 || rep.Summary.Unchecked != 2 || rep.Summary.ExitStatus != 1 || len(rep.Findings) != 2 {
		t.Fatalf("JSON summary %+v, %d findings", rep.Summary, len(rep.Findings))
	}
	f := rep.Findings[0]
	if f.Rule != "unit" || f.RuleName != "not checked" || f.Severity != "error" || f.Action != "leftAlone" ||
		f.Message != "kustomization app left alone: "+plugins || f.File != "app/kustomization.yaml" || f.Why != ruleUnitWhy {
		t.Errorf("JSON finding %+v", f)
	}

	sarif := runLBGuard(t, repo, nil, "audit", "--format", "sarif", "app", "remote")
	sarif.want(t, "audit --format sarif", 1)
	var log struct {
		Runs []struct {
			Tool struct {
				Driver struct{ Rules []struct{ ID, Name string } }
			}
			Results []struct {
				RuleID, Level string
				RuleIndex     int
				Message       struct{ Text string }
				Locations     []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string }
					}
				}
			}
		}
	}
	if err := json.Unmarshal([]byte(sarif.stdout), &log); err != nil {
		t.Fatal(err)
	}
	run := log.Runs[0]
	if len(run.Results) != 2 {
		t.Fatalf("SARIF results %+v", run.Results)
	}
	r := run.Results[1]
	rule := run.Tool.Driver.Rules[r.RuleIndex]
	if r.RuleID != "unit" || rule.ID != "unit" || rule.Name != "UnitNotChecked" || r.Level != "error" ||
		r.Message.Text != "kustomization remote left alone: "+remote || r.Locations[0].PhysicalLocation.ArtifactLocation.URI != "remote/kustomization.yaml" {
		t.Errorf("SARIF result %+v under rule %+v", r, rule)
	}
}

// A Chart.yaml of type library among plain manifests does not hide them:
// the Deployment beside it is checked, and the library is a note.
func TestLibraryChartDoesNotHideManifests(t *testing.T) {
	repo := t.TempDir()
	writeFiles(t, repo, map[string]string{
		"deploy/Chart.yaml": "apiVersion: v2\nname: lib\nversion: 0.1.0\ntype: library\n",
		"deploy/app.yaml":   frontEnd,
	})
	r := runLBGuard(t, repo, nil, "audit", "deploy")
	r.want(t, "audit beside a library chart", 1)
	for _, want := range []string{
		"Deployment web  (deploy/app.yaml:",
		"Helm chart deploy  (deploy/Chart.yaml)\n  NOTE left alone: Helm library chart: it renders nothing of its own\n",
		"1 non-resource document skipped",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("report lacks %q:\n%s", want, r.stdout)
		}
	}
}

const ruleUnitWhy = "A chart or kustomization that cannot be read or rendered, or that needs what lbguard never does (fetch, run a program, " +
	"read outside the repository root: docs/security.md), is not checked: none of its resources was seen."

// kustomize's warnings about deprecated fields name no kustomization and
// are no finding: they do not reach lbguard's output.
func TestKustomizeWarningsSilenced(t *testing.T) {
	repo := t.TempDir()
	writeFiles(t, repo, map[string]string{
		"base/kustomization.yaml":         "resources:\n- ns.yaml\n",
		"base/ns.yaml":                    "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n",
		"overlays/old/kustomization.yaml": "bases:\n- ../../base\ncommonLabels:\n  team: shop\n",
	})
	// kustomize writes to the process's stderr, not to the command's.
	capture, err := os.Create(filepath.Join(t.TempDir(), "stderr"))
	if err != nil {
		t.Fatal(err)
	}
	saved := os.Stderr
	os.Stderr = capture
	r := runLBGuard(t, repo, nil, "audit", ".")
	os.Stderr = saved
	capture.Close()
	r.want(t, "audit of a kustomization with deprecated fields", 0)
	process, err := os.ReadFile(capture.Name())
	if err != nil {
		t.Fatal(err)
	}
	if out := r.stdout + r.stderr + string(process); strings.Contains(out, "Warning") {
		t.Errorf("kustomize's warnings reach the output:\n%s", out)
	}
}
