package accounts

import "testing"

// Messages greet the person, not their title: "Dr Ana Ruiz" is "Ana".
func TestFirstNameSkipsTitles(t *testing.T) {
	for name, want := range map[string]string{
		"Dr Ana Ruiz":     "Ana",
		"Dr. Ana Ruiz":    "Ana",
		"dr. prof. Li Wu": "Li",
		"Ana Ruiz":        "Ana",
		"Dr":              "Dr",
		"Dr Ruiz":         "Dr Ruiz",
		"   ":             "there",
		"Mrs Drew Barr":   "Drew",
	} {
		if got := firstName(name); got != want {
			t.Errorf("firstName(%q) = %q, want %q", name, got, want)
		}
	}
}
