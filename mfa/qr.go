package mfa

import (
	"strings"

	qrcode "github.com/skip2/go-qrcode"
)

// QRText draws the otpauth:// URI as a QR code in half-block characters
// (two modules per character cell) for a terminal with a dark background:
// the code's light modules are drawn as blocks, so the quiet zone around it
// comes out light, as scanners expect. Lines are of equal width and carry no
// trailing newline, ready for a Lip Gloss view.
func QRText(uri string) (string, error) {
	return qrText(uri, false)
}

// QRTextLight is QRText for a terminal with a light background, where the
// dark modules are the ones drawn as blocks.
func QRTextLight(uri string) (string, error) {
	return qrText(uri, true)
}

// quietZone is the light margin around the code, in modules. The standard
// asks for 4; phone cameras read a code on a screen with 2, and the smaller
// margin lets a code for a long login email fit an 80x24 terminal.
const quietZone = 2

func qrText(uri string, inverse bool) (string, error) {
	// Low error correction: a code on a screen is not torn or smudged, and
	// the lowest level keeps a typical otpauth URI small.
	q, err := qrcode.New(uri, qrcode.Low)
	if err != nil {
		return "", err
	}
	q.DisableBorder = true
	dark := q.Bitmap() // [row][col], true for a dark module
	n := len(dark)
	size := n + 2*quietZone
	// drawn reports whether the module at (r, c) of the bordered code is
	// drawn as a block: the light ones on a dark terminal, the dark ones on
	// a light terminal.
	drawn := func(r, c int) bool {
		r, c = r-quietZone, c-quietZone
		isDark := r >= 0 && r < n && c >= 0 && c < n && dark[r][c]
		return isDark == inverse
	}
	var b strings.Builder
	for r := 0; r < size; r += 2 {
		if r > 0 {
			b.WriteByte('\n')
		}
		for c := range size {
			top, bottom := drawn(r, c), r+1 < size && drawn(r+1, c)
			if r+1 >= size {
				bottom = !inverse // the margin below the last row is light
			}
			switch {
			case top && bottom:
				b.WriteString("█")
			case top:
				b.WriteString("▀")
			case bottom:
				b.WriteString("▄")
			default:
				b.WriteByte(' ')
			}
		}
	}
	return b.String(), nil
}

// ManualKey groups a base32 secret in fours ("JBSW Y3DP EHPK 3PXP") for
// typing into an app that cannot scan, or reading aloud. Authenticator apps
// ignore the spaces.
func ManualKey(secret string) string {
	s := strings.ToUpper(strings.TrimRight(strings.Join(strings.Fields(secret), ""), "="))
	var b strings.Builder
	for i := 0; i < len(s); i += 4 {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(s[i:min(i+4, len(s))])
	}
	return b.String()
}
