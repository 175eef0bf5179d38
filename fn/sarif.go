package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/transformers"
)

// SARIF 2.1.0 (lbguard audit --format sarif), for code-scanning tools such
// as GitHub's: one run, the rules R1–R8 (and "invalid") in the driver, one
// result for each error and warning, located on the file and line of its
// field. testdata/sarif holds the schema the tests validate against.

const sarifSchemaURI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool    sarifTool     `json:"tool"`
	Results []sarifResult `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifRule struct {
	ID                   string             `json:"id"`
	Name                 string             `json:"name"`
	ShortDescription     sarifText          `json:"shortDescription"`
	FullDescription      sarifText          `json:"fullDescription"`
	Help                 sarifText          `json:"help"`
	DefaultConfiguration sarifConfiguration `json:"defaultConfiguration"`
}

type sarifConfiguration struct {
	Level string `json:"level"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             sarifText         `json:"message"`
	Locations           []sarifLocation   `json:"locations"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
	Properties          map[string]any    `json:"properties,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation *sarifPhysicalLocation `json:"physicalLocation,omitempty"`
	LogicalLocations []sarifLogicalLocation `json:"logicalLocations,omitempty"`
}

type sarifPhysicalLocation struct {
	ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
	Region           *sarifRegion          `json:"region,omitempty"`
}

type sarifArtifactLocation struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

type sarifRegion struct {
	StartLine int `json:"startLine"`
}

type sarifLogicalLocation struct {
	Name               string `json:"name"`
	FullyQualifiedName string `json:"fullyQualifiedName"`
	Kind               string `json:"kind"`
}

func (rep *report) writeSARIF(w io.Writer) error {
	driver := sarifDriver{Name: "lbguard", Version: version, InformationURI: "https://github.com/lbguard/lbguard"}
	index := map[string]int{}
	rules := transformers.RuleInfos()
	for i, r := range rules {
		index[string(r.ID)] = i
		level := "error"
		if r.Severity == fn.Warning {
			level = "warning"
		}
		driver.Rules = append(driver.Rules, sarifRule{
			ID: string(r.ID), Name: r.Name,
			ShortDescription:     sarifText{r.Title},
			FullDescription:      sarifText{r.Why},
			Help:                 sarifText{r.Why + " Run `lbguard fix` to apply what lbguard can fix; see docs/ci.md."},
			DefaultConfiguration: sarifConfiguration{level},
		})
	}
	run := sarifRun{Tool: sarifTool{driver}, Results: []sarifResult{}}
	for _, f := range rep.findings {
		var level string
		switch f.res.Severity {
		case fn.Error:
			level = "error"
		case fn.Warning:
			level = "warning"
		default:
			continue
		}
		i, ok := index[f.rule]
		if !ok {
			i = index["invalid"]
		}
		res := sarifResult{
			RuleID: string(rules[i].ID), RuleIndex: i, Level: level,
			Message:             sarifText{f.res.Message},
			PartialFingerprints: map[string]string{"lbguardFinding/v1": f.fingerprint()},
			Properties:          map[string]any{"action": f.action},
		}
		loc := sarifLocation{}
		if uri := artifactURI(f.file); uri != "" {
			loc.PhysicalLocation = &sarifPhysicalLocation{ArtifactLocation: sarifArtifactLocation{URI: uri}}
			if !filepath.IsAbs(f.file) {
				loc.PhysicalLocation.ArtifactLocation.URIBaseID = "%SRCROOT%"
			}
			if f.line > 0 {
				loc.PhysicalLocation.Region = &sarifRegion{StartLine: f.line}
			}
		}
		if ref := f.res.ResourceRef; ref != nil {
			loc.LogicalLocations = []sarifLogicalLocation{{
				Name:               ref.Name,
				FullyQualifiedName: resourceRefID(ref),
				Kind:               "resource",
			}}
		}
		if loc.PhysicalLocation != nil || loc.LogicalLocations != nil {
			res.Locations = []sarifLocation{loc}
		}
		if field := f.res.Field; field != nil {
			res.Properties["field"] = field.Path
			if f.action == "changed" {
				res.Properties["current"] = field.CurrentValue
				res.Properties["proposed"] = field.ProposedValue
			}
		}
		run.Results = append(run.Results, res)
	}
	log := sarifLog{Schema: sarifSchemaURI, Version: "2.1.0", Runs: []sarifRun{run}}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(log)
}

// artifactURI is a file's URI: relative paths stay relative (to the
// directory lbguard ran in, which CI makes the repository's root).
func artifactURI(path string) string {
	if path == "" || path == stdinPath {
		return ""
	}
	slash := filepath.ToSlash(filepath.Clean(path))
	if filepath.IsAbs(path) {
		return (&url.URL{Scheme: "file", Path: slash}).String()
	}
	return (&url.URL{Path: strings.TrimPrefix(slash, "./")}).String()
}

// resourceRefID names a resource as kubectl would: kind/namespace/name.
func resourceRefID(ref *fn.ResourceRef) string {
	return ref.APIVersion + "/" + ref.Kind + "/" + qualifiedName(ref.Namespace, ref.Name)
}

// fingerprint identifies a finding across runs, whatever its line: the rule,
// the resource and the field.
func (f *finding) fingerprint() string {
	var id, path string
	if f.res.ResourceRef != nil {
		id = resourceRefID(f.res.ResourceRef)
	}
	if f.res.Field != nil {
		path = f.res.Field.Path
	}
	sum := sha256.Sum256([]byte(f.rule + "\x00" + id + "\x00" + path))
	return hex.EncodeToString(sum[:16])
}
