package cli

import "testing"

// A document printed anew keeps its separator line, and the comment on it
// once: yaml.v3 reads that comment as the first key's.
func TestReprintKeepsTheSeparatorLine(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"--- # the front end\napiVersion: v1\nkind: Service\n", "--- # the front end\napiVersion: v1\nkind: Service\nspec: {}\n"},
		{"---   #  spaced\napiVersion: v1\nkind: Service\n", "---   #  spaced\napiVersion: v1\nkind: Service\nspec: {}\n"},
		{"---\n# the front end\napiVersion: v1\nkind: Service\n", "---\n# the front end\napiVersion: v1\nkind: Service\nspec: {}\n"},
		{"# no separator\napiVersion: v1\nkind: Service\n", "# no separator\napiVersion: v1\nkind: Service\nspec: {}\n"},
	} {
		fixed := mustRoot(t, c.in)
		fixed.Content = append(fixed.Content, mustRoot(t, "spec: {}").Content...)
		got, err := reprint(c.in, fixed)
		if err != nil {
			t.Fatal(err)
		}
		if got != c.want {
			t.Errorf("reprint of %q:\n got %q\nwant %q", c.in, got, c.want)
		}
	}
}
