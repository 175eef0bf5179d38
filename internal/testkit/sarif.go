package testkit

import (
	"os"
	"strings"
	"testing"

	"github.com/lbguard/lbguard/internal/report"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// SARIFSchema compiles testdata/sarif/sarif-schema-2.1.0.json (see its
// SOURCE), offline: the schema is registered under its own id, the one
// lbguard's logs name.
func SARIFSchema(t testing.TB) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open(Path(t, "testdata", "sarif", "sarif-schema-2.1.0.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	id, _ := doc.(map[string]any)["id"].(string) // draft-04
	if id != report.SARIFSchemaURI {
		t.Fatalf("the schema's $id is %q; lbguard's output names %q", id, report.SARIFSchemaURI)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(id, doc); err != nil {
		t.Fatal(err)
	}
	schema, err := c.Compile(id)
	if err != nil {
		t.Fatal(err)
	}
	return schema
}

// ValidateSARIF checks out against the schema and returns it decoded.
func ValidateSARIF(t testing.TB, schema *jsonschema.Schema, what, out string) map[string]any {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(out))
	if err != nil {
		t.Fatalf("%s: the SARIF output is not JSON: %v\n%s", what, err, out)
	}
	if err := schema.Validate(doc); err != nil {
		t.Fatalf("%s: the SARIF output does not conform to SARIF 2.1.0: %v\n%s", what, err, out)
	}
	return doc.(map[string]any)
}
