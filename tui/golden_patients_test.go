package tui

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/charmbracelet/x/exp/golden"

	"latchkey/tui/common"
	"latchkey/tui/internal/fixture"
)

// R28, R31, R38: the patients pane, a patient's detail, the portal reset
// form and the credentials document at 80x24 and 120x36. The document
// shows a designated password, so the screen is the same on every run; it
// is written under a temporary home directory, drawn as ~, so its path is
// the same too.
// Refresh with: go test ./tui -run TestGoldenPatients -update
func TestGoldenPatients(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	for _, size := range [][2]int{{80, 24}, {120, 36}} {
		f, err := fixture.Build(filepath.Join(t.TempDir(), "console.db"), goldenFixture)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = f.Svc.Close() })
		if _, err := f.AddPatients(5); err != nil {
			t.Fatal(err)
		}
		h := harnessFor(t, f, size[0], size[1], common.PanePractices)
		h.m.Common().DocsDir = filepath.Join(home, fmt.Sprintf("credentials-%dx%d", size[0], size[1]))
		shot := func(name string) {
			t.Run(fmt.Sprintf("%s_%dx%d", name, size[0], size[1]), func(t *testing.T) {
				golden.RequireEqual(t, []byte(h.view()))
			})
		}
		h.key("7")
		shot("patients")
		h.key("down")
		h.key("enter")
		shot("patient_detail")
		h.key("P")
		shot("portal_form")
		h.key("down")
		h.key("enter")
		shot("portal_form_designate")
		h.paste("Quiet-Harbor-Lantern-2048")
		h.key("enter")
		h.paste("Quiet-Harbor-Lantern-2048")
		h.key("enter")
		h.paste("patient locked out of the portal")
		h.key("enter")
		h.paste("date of birth and address on file")
		h.key("enter")
		shot("portal_confirm")
		h.yesWait()
		shot("credentials_document")
	}
}
