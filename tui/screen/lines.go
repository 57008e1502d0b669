package screen

import (
	"strings"
	"unicode/utf8"

	uv "github.com/charmbracelet/ultraviolet"
	"github.com/charmbracelet/x/ansi"
)

// Most frames differ from the one before in a line or two (a key typed in a
// filter, a countdown, the cursor row), yet parsing a whole 140x40 frame of
// styled text into cells is most of what a redraw costs (about 1 ms, and
// many more when the search running beside it takes the CPU). So a frame
// is kept line by line, and only the lines that changed are parsed again.
//
// A line can be parsed alone only when no style is carried into it from the
// line before: ultraviolet's parser, like a terminal, keeps the last SGR in
// force across a line break. Lip Gloss closes its styles on every line, so
// this holds for the console's frames; where it does not, the whole frame
// is parsed, as it would be without this.

// lines is a frame split at its line breaks, with what is known of each.
type lines struct {
	text  []string
	clean []bool // the line, begun with no style, leaves none open for the next
}

// splitLines splits frame into spare's slices, and marks each line clean
// or not (taking it from shown for a line that did not change).
func splitLines(frame string, spare, shown lines) lines {
	frame = strings.ReplaceAll(frame, "\r\n", "\n") // as uv.StyledString does
	l := lines{text: spare.text[:0], clean: spare.clean[:0]}
	for y := 0; ; y++ {
		line, rest, more := strings.Cut(frame, "\n")
		clean := false
		if y < len(shown.text) && shown.text[y] == line {
			clean = shown.clean[y]
		} else {
			clean = endsClean(line)
		}
		l.text, l.clean = append(l.text, line), append(l.clean, clean)
		if !more {
			return l
		}
		frame = rest
	}
}

// redraw parses into cells only the lines of l that differ from shown, the
// frame cells hold now. It draws nothing and reports false when it cannot
// do so exactly: no frame before, a different number of lines, or a style
// left open across a line break.
func (l lines) redraw(shown lines, cells uv.ScreenBuffer) bool {
	if len(shown.text) == 0 || len(l.text) != len(shown.text) {
		return false
	}
	// Both frames must stand alone: a line the same in both still needs
	// drawing again if a style ran into it before and does not now.
	if !l.standsAlone() || !shown.standsAlone() {
		return false
	}
	w := cells.Width()
	for y, t := range l.text {
		if t != shown.text[y] {
			uv.NewStyledString(t).Draw(cells, uv.Rect(0, y, w, 1))
		}
	}
	return true
}

// endsClean reports whether line, begun with no style, ends with none: it
// sets no style at all, or its last SGR resets every attribute. Anything
// else that could carry state past the line break counts as not clean: an
// escape sequence other than CSI (a link, or a string sequence that rides on
// the next cell), a C1 control (0x9b is a CSI too), broken UTF-8, a CSI cut
// short.
func endsClean(line string) bool {
	if !utf8.ValidString(line) || strings.ContainsFunc(line, isC1) {
		return false
	}
	for rest := line; ; {
		i := strings.IndexByte(rest, ansi.ESC)
		if i < 0 {
			break
		}
		if i+1 >= len(rest) || rest[i+1] != '[' {
			return false
		}
		rest = rest[i+1:]
	}
	for {
		i := strings.LastIndex(line, "\x1b[")
		if i < 0 {
			return true
		}
		params, final := csi(line[i+2:])
		if final == 'm' {
			return params == "" || params == "0"
		}
		if final == 0 {
			return false // cut short: what it would do is unknown
		}
		line = line[:i]
	}
}

func isC1(r rune) bool { return r >= 0x80 && r <= 0x9f }

// csi reads a control sequence's parameters and its final byte (0 when the
// sequence is cut short).
func csi(s string) (params string, final byte) {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= 0x40 && c <= 0x7e:
			return s[:i], c
		case c < 0x20 || c > 0x3f:
			return "", 0
		}
	}
	return "", 0
}

// StandsAlone reports whether every line of frame but the last leaves no
// style open: whether a change to one line of it is drawn by parsing that
// line alone.
func StandsAlone(frame string) bool { return splitLines(frame, lines{}, lines{}).standsAlone() }

func (l lines) standsAlone() bool {
	for _, c := range l.clean[:max(len(l.clean)-1, 0)] {
		if !c {
			return false
		}
	}
	return true
}
