package tui

import (
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The README's screen captures are the golden screens themselves, so they
// never drift from what the console draws: each block between
// <!-- golden:NAME --> and <!-- /golden --> is testdata/NAME.golden with
// its trailing blank rows left out. `go test ./tui -run TestReadmeCaptures
// -update` writes them; without -update a drifted capture fails.

var goldenBlock = regexp.MustCompile("(?s)<!-- golden:([A-Za-z0-9_/]+) -->\n```\n.*?```\n<!-- /golden -->")

func TestReadmeCaptures(t *testing.T) {
	path := filepath.Join("..", "README.md")
	readme, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var missing []string
	out := goldenBlock.ReplaceAllStringFunc(string(readme), func(block string) string {
		name := goldenBlock.FindStringSubmatch(block)[1]
		screen, err := os.ReadFile(filepath.Join("testdata", name+".golden"))
		if err != nil {
			missing = append(missing, name)
			return block
		}
		return "<!-- golden:" + name + " -->\n```\n" + capture(string(screen)) + "\n```\n<!-- /golden -->"
	})
	if len(missing) > 0 {
		t.Fatalf("README names golden screens that do not exist: %v", missing)
	}
	if !strings.Contains(out, "<!-- golden:") {
		t.Fatal("the README has no golden captures")
	}
	if out == string(readme) {
		return
	}
	if f := flag.Lookup("update"); f != nil && f.Value.String() == "true" {
		if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Fatal("the README's screen captures differ from the golden screens: go test ./tui -run TestReadmeCaptures -update")
}

// capture is a screen with its lines' trailing spaces and the blank rows
// above the footer left out.
func capture(screen string) string {
	lines := strings.Split(strings.TrimRight(screen, "\n"), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	var out []string
	for i, l := range lines {
		if l == "" && i < len(lines)-1 && (i+1 == len(lines)-1 || lines[i+1] == "") {
			continue
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}
