package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lbguard/lbguard/internal/report"
	"github.com/lbguard/lbguard/internal/testkit"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// The schema rejects what it should: the validation is not vacuous.
func TestSARIFSchemaRejectsInvalidLogs(t *testing.T) {
	schema := testkit.SARIFSchema(t)
	for _, bad := range []string{
		`{"version": "2.1.0"}`,
		`{"version": "2.0.0", "runs": []}`,
		`{"version": "2.1.0", "runs": [{"tool": {"driver": {}}}]}`,
		`{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"level": "fatal", "message": {"text": "m"}}]}]}`,
		`{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"message": {"text": "m"}, "locations": [{"physicalLocation": {"region": {"startLine": 0}}}]}]}]}`,
	} {
		doc, err := jsonschema.UnmarshalJSON(strings.NewReader(bad))
		if err != nil {
			t.Fatal(err)
		}
		if schema.Validate(doc) == nil {
			t.Errorf("the schema accepts %s", bad)
		}
	}
}

// Every corpus set's SARIF conforms to the schema, and places each result
// on its file, relative to the root, and line.
func TestSARIFOutputConformsToSchema(t *testing.T) {
	schema := testkit.SARIFSchema(t)
	for _, set := range cliCorpusSets(t) {
		dir := copyCorpus(t, set)
		if refusedCorpusSet(t, dir, set) {
			continue
		}
		rep, _ := auditJSON(t, dir, nil, set)
		r := runLBGuard(t, dir, nil, "audit", "--format", "sarif", "--root", ".", set)
		r.want(t, "audit --format sarif "+set, rep.Summary.ExitStatus)
		log := testkit.ValidateSARIF(t, schema, set, r.stdout)

		var sarif report.SARIFLog
		if err := json.Unmarshal([]byte(r.stdout), &sarif); err != nil {
			t.Fatal(err)
		}
		if log["$schema"] != report.SARIFSchemaURI || sarif.Version != "2.1.0" || len(sarif.Runs) != 1 {
			t.Fatalf("%s: not one SARIF 2.1.0 run", set)
		}
		run := sarif.Runs[0]
		if run.Tool.Driver.Name != "lbguard" || run.Tool.Driver.Version != "v0.0.0-test" {
			t.Errorf("%s: driver %q %q", set, run.Tool.Driver.Name, run.Tool.Driver.Version)
		}
		want := rep.Summary.Errors + rep.Summary.Warnings
		if len(run.Results) != want {
			t.Errorf("%s: %d SARIF results, want %d (the errors and warnings)", set, len(run.Results), want)
		}
		for _, res := range run.Results {
			if run.Tool.Driver.Rules[res.RuleIndex].ID != res.RuleID {
				t.Errorf("%s: ruleIndex %d is not rule %s", set, res.RuleIndex, res.RuleID)
			}
			if len(res.Locations) != 1 || res.Locations[0].PhysicalLocation == nil {
				t.Errorf("%s: result without a file: %+v", set, res)
				continue
			}
			loc := res.Locations[0].PhysicalLocation
			if loc.Region == nil || loc.Region.StartLine < 1 {
				t.Errorf("%s: result without a line: %+v", set, res)
			}
			if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(loc.ArtifactLocation.URI))); err != nil {
				t.Errorf("%s: result on %q, which is not a file: %v", set, loc.ArtifactLocation.URI, err)
			}
		}
	}
}

// One result in full: the R5 error of the 2048 Deployment.
func TestSARIFResult(t *testing.T) {
	schema := testkit.SARIFSchema(t)
	r := runLBGuard(t, corpusDir, nil, "audit", "--format", "sarif", "--root", ".", "aws-lbc/2048")
	r.want(t, "audit --format sarif", 1)
	testkit.ValidateSARIF(t, schema, "2048", r.stdout)
	var log report.SARIFLog
	if err := json.Unmarshal([]byte(r.stdout), &log); err != nil {
		t.Fatal(err)
	}
	var got *report.SARIFResult
	for i, res := range log.Runs[0].Results {
		if res.RuleID == "R5" {
			got = &log.Runs[0].Results[i]
		}
	}
	if got == nil {
		t.Fatalf("no R5 result:\n%s", r.stdout)
	}
	out, _ := json.MarshalIndent(got, "", "  ")
	want := `{
  "ruleId": "R5",
  "ruleIndex": 4,
  "level": "error",
  "message": {
    "text": "[R5] would change: Deployment deployment-2048 container \"app-2048\": preStop sleep of 45 s added: the app keeps serving until the ELB has stopped routing to the pod and drained it (closes W1: 12 s typical, 30 s worst of refused requests per old pod)"
  },
  "locations": [
    {
      "physicalLocation": {
        "artifactLocation": {
          "uri": "aws-lbc/2048/2048_full.yaml",
          "uriBaseId": "%SRCROOT%"
        },
        "region": {
          "startLine": 23
        }
      },
      "logicalLocations": [
        {
          "name": "deployment-2048",
          "fullyQualifiedName": "apps/v1/Deployment/game-2048/deployment-2048",
          "kind": "resource"
        }
      ]
    }
  ],
  "partialFingerprints": {
    "lbguardFinding/v1": "` + got.PartialFingerprints["lbguardFinding/v1"] + `"
  },
  "properties": {
    "action": "changed",
    "current": null,
    "field": "spec.template.spec.containers[0].lifecycle.preStop.sleep.seconds",
    "proposed": 45,
    "unit": "aws-lbc/2048",
    "window": "W1",
    "windowTypicalSeconds": 12,
    "windowWorstSeconds": 30
  }
}`
	if string(out) != want {
		t.Errorf("R5 result:\n%s\nwant:\n%s", out, want)
	}
	if len(got.PartialFingerprints["lbguardFinding/v1"]) != 32 {
		t.Errorf("fingerprint %q is not 32 hex digits", got.PartialFingerprints["lbguardFinding/v1"])
	}
}

// Standard input has no file: results keep their logical location, and the
// log stays valid.
func TestSARIFFromStdin(t *testing.T) {
	schema := testkit.SARIFSchema(t)
	data, err := os.ReadFile(filepath.Join(corpusDir, "aws-lbc/2048/2048_full.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	r := runLBGuard(t, t.TempDir(), data, "audit", "--format", "sarif", "-")
	r.want(t, "audit --format sarif -", 1)
	testkit.ValidateSARIF(t, schema, "stdin", r.stdout)
	var log report.SARIFLog
	if err := json.Unmarshal([]byte(r.stdout), &log); err != nil {
		t.Fatal(err)
	}
	for _, res := range log.Runs[0].Results {
		if len(res.Locations) != 1 || res.Locations[0].PhysicalLocation != nil || len(res.Locations[0].LogicalLocations) != 1 {
			t.Errorf("a result from stdin: %+v, want one logical location and no file", res.Locations)
		}
	}
}
