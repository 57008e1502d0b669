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

func qrText(uri string, inverse bool) (string, error) {
	// Low error correction: a code on a screen is not torn or smudged, and
	// the lowest level keeps a typical otpauth URI under 24 rows.
	q, err := qrcode.New(uri, qrcode.Low)
	if err != nil {
		return "", err
	}
	return strings.TrimSuffix(q.ToSmallString(inverse), "\n"), nil
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
