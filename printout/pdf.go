package printout

import (
	"bytes"
	"fmt"

	"github.com/signintech/gopdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/gomono"
	"golang.org/x/image/font/gofont/gomonobold"
	"golang.org/x/image/font/gofont/goregular"
)

// The page: US Letter, in points, with 0.75 in margins.
const (
	pageW    = 612.0
	pageH    = 792.0
	margin   = 54.0
	contentW = pageW - 2*margin
	labelW   = 104.0
)

const (
	fontRegular  = "go"
	fontBold     = "go-bold"
	fontMono     = "go-mono"
	fontMonoBold = "go-mono-bold"
)

type rgb struct{ r, g, b uint8 }

var (
	ink   = rgb{0x11, 0x11, 0x11}
	muted = rgb{0x55, 0x55, 0x55}
	rule  = rgb{0x99, 0x99, 0x99}
	panel = rgb{0xF2, 0xF2, 0xF2}
)

// page wraps gopdf with a cursor (y) and the first error, so drawing code stays linear.
type page struct {
	pdf *gopdf.GoPdf
	y   float64
	err error
}

func (p *page) font(family string, size float64, c rgb) {
	if p.err != nil {
		return
	}
	p.err = p.pdf.SetFont(family, "", size)
	p.pdf.SetTextColor(c.r, c.g, c.b)
}

// text draws one line of s at (x, y), its top at y.
func (p *page) text(x, y float64, s string) {
	if p.err != nil {
		return
	}
	p.pdf.SetXY(x, y)
	p.err = p.pdf.Cell(nil, s)
}

// para draws s wrapped to width from x at the cursor, and moves the cursor below it.
func (p *page) para(x, width, lineH float64, s string) {
	if p.err != nil {
		return
	}
	lines, err := p.pdf.SplitTextWithWordWrap(s, width)
	if err != nil {
		p.err = err
		return
	}
	for _, l := range lines {
		p.text(x, p.y, l)
		p.y += lineH
	}
}

func (p *page) hrule(y float64) {
	p.pdf.SetStrokeColor(rule.r, rule.g, rule.b)
	p.pdf.SetLineWidth(0.75)
	p.pdf.Line(margin, y, pageW-margin, y)
}

// field draws a label and its wrapped value on one row.
func (p *page) field(label, value, valueFont string) {
	top := p.y
	p.font(fontRegular, 11, muted)
	p.text(margin, top+2, label)
	p.font(valueFont, 13, ink)
	p.para(margin+labelW, contentW-labelW, 18, value)
	p.y += 6
}

// render lays the document out on one page.
func render(c Credentials) ([]byte, error) {
	if err := c.validate(); err != nil {
		return nil, err
	}
	pdf := &gopdf.GoPdf{}
	pdf.Start(gopdf.Config{PageSize: *gopdf.PageSizeLetter, Unit: gopdf.UnitPT})
	pdf.SetInfo(gopdf.PdfInfo{
		Title:        "Patient portal credentials",
		Subject:      "Temporary patient-portal password (R28)",
		Creator:      "Latchkey",
		Producer:     "Latchkey",
		CreationDate: c.IssuedAt,
	})
	for _, f := range []struct {
		name string
		ttf  []byte
	}{
		{fontRegular, goregular.TTF}, {fontBold, gobold.TTF},
		{fontMono, gomono.TTF}, {fontMonoBold, gomonobold.TTF},
	} {
		if err := pdf.AddTTFFontData(f.name, f.ttf); err != nil {
			return nil, fmt.Errorf("printout: font %s: %w", f.name, err)
		}
	}
	pdf.AddPage()
	p := &page{pdf: pdf, y: margin}

	// Heading: the practice, then what this sheet is.
	p.font(fontBold, 20, ink)
	p.para(margin, contentW, 25, clean(c.Practice))
	p.y += 2
	p.font(fontRegular, 13, muted)
	p.text(margin, p.y, title+" · "+subtitle)
	p.y += 24
	p.hrule(p.y)
	p.y += 18

	p.field("Patient", clean(c.Patient), fontRegular)
	p.field("Login", clean(c.Login), fontMono)
	p.y += 8

	p.passwordPanel(c.TemporaryPassword)
	p.y += 20

	if c.MustChange {
		p.font(fontBold, 12, ink)
	} else {
		p.font(fontRegular, 12, ink)
	}
	p.para(margin, contentW, 17, changeLine(c))
	p.y += 8
	p.font(fontRegular, 12, ink)
	p.para(margin, contentW, 17, emailLine(c))
	p.y += 18

	p.field("Issued", issuedLine(c), fontRegular)

	// Footer.
	p.hrule(pageH - margin - 22)
	p.font(fontRegular, 9, muted)
	p.text(margin, pageH-margin-14, keepPrivate)

	if p.err != nil {
		return nil, fmt.Errorf("printout: %w", p.err)
	}
	var b bytes.Buffer
	if _, err := pdf.WriteTo(&b); err != nil {
		return nil, fmt.Errorf("printout: %w", err)
	}
	return b.Bytes(), nil
}

// passwordPanel draws the password large in Go Mono Bold, in groups, on a shaded panel.
func (p *page) passwordPanel(password string) {
	const (
		pad   = 16.0
		size  = 30.0
		lineH = 40.0
	)
	if p.err != nil {
		return
	}
	p.font(fontMonoBold, size, ink)
	for _, r := range password {
		ok, err := p.pdf.IsCurrFontContainGlyph(r)
		if err != nil {
			p.err = err
			return
		}
		if !ok {
			p.err = fmt.Errorf("the temporary password holds %q, which the document font cannot print; choose another password", r)
			return
		}
	}
	charW, err := p.pdf.MeasureTextWidth("0")
	if err != nil {
		p.err = err
		return
	}
	gap := charW * 1.25
	inner := contentW - 2*pad
	// Lay the groups out in lines, cutting any group wider than a line.
	var lines [][]string
	var cur []string
	curW := 0.0
	for _, g := range Groups(password) {
		for _, piece := range cut(g, int(inner/charW)) {
			w := charW * float64(len([]rune(piece)))
			if len(cur) > 0 && curW+gap+w > inner {
				lines = append(lines, cur)
				cur, curW = nil, 0
			}
			if len(cur) > 0 {
				curW += gap
			}
			cur = append(cur, piece)
			curW += w
		}
	}
	lines = append(lines, cur)

	top := p.y
	height := pad + 14 + float64(len(lines))*lineH + 18 + pad
	p.pdf.SetFillColor(panel.r, panel.g, panel.b)
	p.pdf.SetStrokeColor(rule.r, rule.g, rule.b)
	p.pdf.SetLineWidth(0.75)
	if err := p.pdf.Rectangle(margin, top, pageW-margin, top+height, "DF", 6, 8); err != nil {
		p.err = err
		return
	}
	p.font(fontRegular, 10, muted)
	p.text(margin+pad, top+pad, "Temporary password")
	y := top + pad + 18
	p.font(fontMonoBold, size, ink)
	for _, l := range lines {
		x := margin + pad
		for _, piece := range l {
			p.text(x, y, piece)
			x += charW*float64(len([]rune(piece))) + gap
		}
		y += lineH
	}
	p.font(fontRegular, 10, muted)
	p.text(margin+pad, y, passwordNote(password))
	p.y = top + height
}
