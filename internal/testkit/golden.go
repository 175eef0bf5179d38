package testkit

import (
	"os"
	"path/filepath"
	"testing"
)

// CompareGolden compares got with the file at path, or writes it when
// WRITE_GOLDEN_OUTPUT is set (then read the diff).
func CompareGolden(t testing.TB, path, got string) {
	t.Helper()
	if os.Getenv("WRITE_GOLDEN_OUTPUT") != "" {
		if old, err := os.ReadFile(path); err == nil && string(old) == got {
			return
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Errorf("wrote %s", path)
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (WRITE_GOLDEN_OUTPUT=1 writes it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from the output:\n%s", path, LineDiff(string(want), got))
	}
}
