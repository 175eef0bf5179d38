package report

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/transformers/model"
	"github.com/lbguard/lbguard/transformers/rules"
)

// SARIF 2.1.0 (lbguard audit --format sarif), for code-scanning tools such
// as GitHub's: one run, the rules R1–R8 (and "invalid") in the driver, one
// result for each error and warning, located on the file and line of its
// field. testdata/sarif holds the schema the tests validate against.

// SARIFSchemaURI is the schema the SARIF log names.
const SARIFSchemaURI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

// SARIFLog is the SARIF 2.1.0 log lbguard writes: one run.
type SARIFLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []SARIFRun `json:"runs"`
}

// SARIFRun is lbguard with its rules, and its results.
type SARIFRun struct {
	Tool    SARIFTool     `json:"tool"`
	Results []SARIFResult `json:"results"`
}

// SARIFTool is the tool of a run.
type SARIFTool struct {
	Driver SARIFDriver `json:"driver"`
}

// SARIFDriver is lbguard and its rules.
type SARIFDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version"`
	InformationURI string      `json:"informationUri"`
	Rules          []SARIFRule `json:"rules"`
}

// SARIFText is a SARIF message.
type SARIFText struct {
	Text string `json:"text"`
}

// SARIFRule is one rule of the registry.
type SARIFRule struct {
	ID                   string             `json:"id"`
	Name                 string             `json:"name"`
	ShortDescription     SARIFText          `json:"shortDescription"`
	FullDescription      SARIFText          `json:"fullDescription"`
	Help                 SARIFText          `json:"help"`
	DefaultConfiguration SARIFConfiguration `json:"defaultConfiguration"`
}

// SARIFConfiguration is a rule's default level.
type SARIFConfiguration struct {
	Level string `json:"level"`
}

// SARIFResult is one finding of error or warning severity.
type SARIFResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             SARIFText         `json:"message"`
	Locations           []SARIFLocation   `json:"locations"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
	Properties          map[string]any    `json:"properties,omitempty"`
}

// SARIFLocation is where a finding is: its file and line, and its resource.
type SARIFLocation struct {
	PhysicalLocation *SARIFPhysicalLocation `json:"physicalLocation,omitempty"`
	LogicalLocations []SARIFLogicalLocation `json:"logicalLocations,omitempty"`
}

// SARIFPhysicalLocation is a file and a line.
type SARIFPhysicalLocation struct {
	ArtifactLocation SARIFArtifactLocation `json:"artifactLocation"`
	Region           *SARIFRegion          `json:"region,omitempty"`
}

// SARIFArtifactLocation is a file, relative to the root it names.
type SARIFArtifactLocation struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

// SARIFRegion is a line.
type SARIFRegion struct {
	StartLine int `json:"startLine"`
}

// SARIFLogicalLocation is a resource by name.
type SARIFLogicalLocation struct {
	Name               string `json:"name"`
	FullyQualifiedName string `json:"fullyQualifiedName"`
	Kind               string `json:"kind"`
}

// WriteSARIF writes the SARIF 2.1.0 log, for code-scanning tools.
func (rep *Report) WriteSARIF(w io.Writer) error {
	ruleInfos := rules.RuleInfos()
	if rep.hasUnits() {
		ruleInfos = append(ruleInfos, ruleUnit)
	}
	driver := SARIFDriver{Name: "lbguard", Version: rep.version, InformationURI: "https://github.com/lbguard/lbguard"}
	index := map[string]int{}
	for i, r := range ruleInfos {
		index[string(r.ID)] = i
		driver.Rules = append(driver.Rules, sarifRule(r))
	}
	run := SARIFRun{Tool: SARIFTool{driver}, Results: []SARIFResult{}}
	for _, f := range rep.findings {
		if f.res.Severity != fn.Error && f.res.Severity != fn.Warning {
			continue // notes and changes made are not findings to scan
		}
		i, ok := index[f.rule]
		if !ok {
			i = index["invalid"]
		}
		run.Results = append(run.Results, f.sarifResult(string(ruleInfos[i].ID), i, rep.root))
	}
	log := SARIFLog{Schema: SARIFSchemaURI, Version: "2.1.0", Runs: []SARIFRun{run}}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(log)
}

// sarifLevel is SARIF's name of a severity.
func sarifLevel(severity fn.Severity) string {
	if severity == fn.Warning {
		return "warning"
	}
	return "error"
}

// sarifRule describes a rule of the registry.
func sarifRule(r rules.RuleInfo) SARIFRule {
	return SARIFRule{
		ID: string(r.ID), Name: r.Name,
		ShortDescription:     SARIFText{r.Title},
		FullDescription:      SARIFText{r.Why},
		Help:                 SARIFText{r.Why + " Run `lbguard fix` to apply what lbguard can fix; see docs/ci.md."},
		DefaultConfiguration: SARIFConfiguration{sarifLevel(r.Severity)},
	}
}

// sarifResult is f under the rule of the given id and index; root is the
// repository root its file is written relative to ("" unknown).
func (f *finding) sarifResult(ruleID string, ruleIndex int, root string) SARIFResult {
	res := SARIFResult{
		RuleID: ruleID, RuleIndex: ruleIndex, Level: sarifLevel(f.res.Severity),
		Message:             SARIFText{f.res.Message},
		PartialFingerprints: map[string]string{"lbguardFinding/v1": f.fingerprint()},
		Properties:          map[string]any{"action": f.action},
	}
	if gateways := f.gateways(); len(gateways) > 0 {
		res.Properties["gateways"] = gateways
	}
	if w := f.window(); w != nil {
		res.Properties["window"] = w.ID
		res.Properties["windowTypicalSeconds"] = w.TypicalSeconds
		res.Properties["windowWorstSeconds"] = w.WorstSeconds
	}
	if f.Origin != "" {
		res.Properties["origin"] = f.Origin
	}
	if f.unit != "" {
		res.Properties["unit"] = f.unit
	}
	if loc := f.sarifLocation(root); loc.PhysicalLocation != nil || loc.LogicalLocations != nil {
		res.Locations = []SARIFLocation{loc}
	}
	if field := f.res.Field; field != nil {
		res.Properties["field"] = field.Path
		if f.action == model.ActionChanged {
			res.Properties["current"] = field.CurrentValue
			res.Properties["proposed"] = field.ProposedValue
		}
	}
	return res
}

// sarifLocation is f's file, relative to root, and line, and its resource.
func (f *finding) sarifLocation(root string) SARIFLocation {
	loc := SARIFLocation{}
	if artifact, ok := artifactLocation(f.File, root); ok {
		loc.PhysicalLocation = &SARIFPhysicalLocation{ArtifactLocation: artifact}
		if f.Line > 0 {
			loc.PhysicalLocation.Region = &SARIFRegion{StartLine: f.Line}
		}
	}
	if ref := f.res.ResourceRef; ref != nil {
		loc.LogicalLocations = []SARIFLogicalLocation{{
			Name:               ref.Name,
			FullyQualifiedName: resourceRefID(ref),
			Kind:               "resource",
		}}
	}
	return loc
}

// artifactLocation is a file as SARIF names it: relative to the repository
// root, under uriBaseId %SRCROOT% (which code scanning resolves against
// the checkout's root), wherever lbguard ran from. A file outside the root,
// or read with no root known, keeps its path as read: relative to the
// working directory, still under %SRCROOT%, or, when absolute, a file: URI.
// ok is false for no file (standard input).
func artifactLocation(path, root string) (loc SARIFArtifactLocation, ok bool) {
	if path == "" || path == StdinPath {
		return SARIFArtifactLocation{}, false
	}
	if rel, ok := relativeToRoot(path, root); ok {
		path = rel
	}
	slash := filepath.ToSlash(filepath.Clean(path))
	if filepath.IsAbs(path) {
		return SARIFArtifactLocation{URI: (&url.URL{Scheme: "file", Path: slash}).String()}, true
	}
	return SARIFArtifactLocation{URI: (&url.URL{Path: strings.TrimPrefix(slash, "./")}).String(), URIBaseID: "%SRCROOT%"}, true
}

// relativeToRoot is path relative to root; ok is false when root is "" or
// does not hold path. Either may name the other through a symlink.
func relativeToRoot(path, root string) (string, bool) {
	if root == "" {
		return "", false
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", false
	}
	if rel, ok := within(root, abs); ok {
		return rel, true
	}
	realRoot, err1 := filepath.EvalSymlinks(root)
	realPath, err2 := filepath.EvalSymlinks(abs)
	if err1 != nil || err2 != nil {
		return "", false
	}
	return within(realRoot, realPath)
}

// within is abs relative to dir, when dir holds it.
func within(dir, abs string) (string, bool) {
	rel, err := filepath.Rel(dir, abs)
	if err != nil || rel == "." || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", false
	}
	return rel, true
}

// resourceRefID names a resource as kubectl would: kind/namespace/name.
func resourceRefID(ref *fn.ResourceRef) string {
	return ref.APIVersion + "/" + ref.Kind + "/" + QualifiedName(ref.Namespace, ref.Name)
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
