package mfa

import (
	"strings"

	qrcode "github.com/skip2/go-qrcode"
	"testing"
	"unicode/utf8"
)

func TestQRText(t *testing.T) {
	key, err := NewTOTPSecret("Latchkey", "someone.with.a.long.name@dental-practice.example.com")
	if err != nil {
		t.Fatal(err)
	}
	for name, f := range map[string]func(string) (string, error){"dark": QRText, "light": QRTextLight} {
		text, err := f(key.URI)
		if err != nil {
			t.Fatal(err)
		}
		if text == "" || strings.HasSuffix(text, "\n") {
			t.Fatalf("%s: empty or ends in a newline", name)
		}
		lines := strings.Split(text, "\n")
		width := utf8.RuneCountInString(lines[0])
		for i, l := range lines {
			if n := utf8.RuneCountInString(l); n != width {
				t.Fatalf("%s: line %d is %d wide, line 0 is %d", name, i, n, width)
			}
			if s := strings.Trim(l, " █▀▄"); s != "" {
				t.Fatalf("%s: line %d has %q besides blocks and spaces", name, i, s)
			}
		}
		// Half blocks: about twice as wide as tall, and within 80 columns.
		if width > 80 || len(lines) < width/2-1 || len(lines) > width/2+1 {
			t.Fatalf("%s: %d wide, %d tall", name, width, len(lines))
		}
	}
	// An ordinary login fits 80x24 with room for the manual key.
	short, _ := NewTOTPSecret("Latchkey", "alice@example.com")
	if text, _ := QRText(short.URI); strings.Count(text, "\n")+1 > 23 {
		t.Fatalf("QR for %s is %d lines tall", short.URI, strings.Count(text, "\n")+1)
	}
	dark, _ := QRText(key.URI)
	light, _ := QRTextLight(key.URI)
	if dark == light {
		t.Fatal("dark and light renderings are the same")
	}
	// The quiet zone is drawn as blocks on a dark background.
	if !strings.HasPrefix(dark, "████") {
		t.Fatalf("dark rendering starts with %q", dark[:12])
	}
}

func TestQRTextTooLong(t *testing.T) {
	if _, err := QRText(strings.Repeat("x", 5000)); err == nil {
		t.Fatal("5000 characters encoded")
	}
}

func TestManualKey(t *testing.T) {
	for in, want := range map[string]string{
		"JBSWY3DPEHPK3PXP":                 "JBSW Y3DP EHPK 3PXP",
		"jbswy3dpehpk3px":                  "JBSW Y3DP EHPK 3PX",
		"JBSW Y3DP EHPK 3PXP":              "JBSW Y3DP EHPK 3PXP",
		"GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ": "GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ",
		"MFRGG===":                         "MFRG G",
		"":                                 "",
	} {
		if got := ManualKey(in); got != want {
			t.Errorf("ManualKey(%q) = %q, want %q", in, got, want)
		}
	}
}

// The drawing with the narrower quiet zone is the library's own drawing with
// two modules of margin trimmed from each side: the same code, module for
// module.
func TestQRMatchesLibraryDrawing(t *testing.T) {
	uri := "otpauth://totp/Latchkey:someone.with.a.long.name@northgatewomenshealth.com?issuer=Latchkey&secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
	ours, err := QRText(uri)
	if err != nil {
		t.Fatal(err)
	}
	q, err := qrcode.New(uri, qrcode.Low)
	if err != nil {
		t.Fatal(err)
	}
	theirs := strings.Split(strings.TrimSuffix(q.ToSmallString(false), "\n"), "\n")
	lines := strings.Split(ours, "\n")
	// Theirs has a 4-module margin (2 text rows, 4 columns); ours 2 (1 row, 2 columns).
	for i, line := range lines[:len(lines)-1] {
		want := []rune(theirs[i+1])
		want = want[2 : len(want)-2]
		if line != string(want) {
			t.Fatalf("row %d differs:\n ours   %q\n theirs %q", i, line, string(want))
		}
	}
	if w := len([]rune(lines[0])); w > 45 || len(lines) > 23 {
		t.Fatalf("%dx%d does not fit an 80x24 dialog", w, len(lines))
	}
}
