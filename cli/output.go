package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"latchkey/tui/common"
)

// writeJSON prints v as indented JSON. Times marshal as RFC 3339. Strings
// keep their original bytes: JSON escapes control characters itself, and the
// reader is a program, not a terminal.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// table prints aligned columns for people. Every cell is sanitised (R38):
// names, emails and reasons come from outside and must not drive the terminal.
type table struct {
	w   io.Writer
	buf bytes.Buffer
	tw  *tabwriter.Writer
}

func newTable(w io.Writer, header ...string) *table {
	t := &table{w: w}
	t.tw = tabwriter.NewWriter(&t.buf, 0, 0, 2, ' ', 0)
	if len(header) > 0 {
		t.raw(header...)
	}
	return t
}

// row adds one row of cells from outside.
func (t *table) row(cells ...string) {
	for i, c := range cells {
		cells[i] = common.Sanitize(c)
	}
	t.raw(cells...)
}

func (t *table) raw(cells ...string) { fmt.Fprintln(t.tw, strings.Join(cells, "\t")) }

// flush writes the table, without the padding an empty last cell leaves.
func (t *table) flush() error {
	if err := t.tw.Flush(); err != nil {
		return err
	}
	for _, line := range strings.SplitAfter(t.buf.String(), "\n") {
		if line == "" {
			continue
		}
		if _, err := io.WriteString(t.w, strings.TrimRight(line, " \n")+"\n"); err != nil {
			return err
		}
	}
	return nil
}

// humanTime is a time for a table: local, to the second.
func humanTime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.Local().Format("2006-01-02 15:04:05")
}

// humanLeft is a countdown such as "47:12", or "now" once it is due.
func humanLeft(d time.Duration) string {
	if d <= 0 {
		return "now"
	}
	// As the console's countdowns read (59:55, 1:00:00): one desk, one way
	// of saying how long a lock has left, not Go's 59m55s or 1h0m0s.
	var zero time.Time
	return common.Countdown(zero, zero.Add(d))
}

// orDash shows an empty value as a dash, so columns stay readable.
func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// printf writes human output, sanitising every argument that is a string
// (they come from outside) (R38).
func printf(w io.Writer, format string, args ...any) {
	for i, v := range args {
		if s, ok := v.(string); ok {
			args[i] = common.Sanitize(s)
		}
	}
	fmt.Fprintf(w, format, args...)
}

func itoa(n int) string { return strconv.Itoa(n) }

func uitoa(n uint64) string { return strconv.FormatUint(n, 10) }

func joinComma(s []string) string { return strings.Join(s, ",") }
