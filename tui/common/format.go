package common

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Countdown is the time left until t at now, as m:ss or h:mm:ss, never
// negative; a time already past reads "0:00".
func Countdown(now, t time.Time) string {
	d := t.Sub(now)
	if d < 0 {
		d = 0
	}
	// Round up, so a lock with 0.4s left still reads 0:01 rather than 0:00
	// while it is still there.
	secs := int64((d + time.Second - 1) / time.Second)
	h, m, s := secs/3600, (secs/60)%60, secs%60
	if h > 0 {
		return fmt.Sprintf("%d:%02d:%02d", h, m, s)
	}
	return fmt.Sprintf("%d:%02d", m, s)
}

// Clock formats t as a wall time in loc, with the date when it is not today.
func Clock(t time.Time, now time.Time, loc *time.Location) string {
	t, now = t.In(loc), now.In(loc)
	if t.Year() == now.Year() && t.YearDay() == now.YearDay() {
		return t.Format("15:04:05")
	}
	return t.Format("Jan 02 15:04")
}

// Short formats t as compactly as a table column allows: "14:05" today in
// loc, "Nov 29 14:05" on another day (the detail gives the whole time).
func Short(t time.Time, now time.Time, loc *time.Location) string {
	t, now = t.In(loc), now.In(loc)
	if t.Year() == now.Year() && t.YearDay() == now.YearDay() {
		return t.Format("15:04")
	}
	return t.Format("Jan 02 15:04")
}

// Span says a duration to the minute: "<1m", "45m", "1h05m", "26h00m".
func Span(d time.Duration) string {
	if d < 30*time.Second {
		return "<1m" // not "0m": it did come after
	}
	d = d.Round(time.Minute)
	h, m := int(d.Hours()), int(d.Minutes())%60
	if h == 0 {
		return fmt.Sprintf("%dm", m)
	}
	return fmt.Sprintf("%dh%02dm", h, m)
}

// Stamp formats t with its date, for the audit trail.
func Stamp(t time.Time, loc *time.Location) string {
	return t.In(loc).Format("2006-01-02 15:04:05")
}

// Offset formats the demo clock's offset from the wall clock: "+1h05m".
func Offset(d time.Duration) string {
	sign := "+"
	if d < 0 {
		sign, d = "-", -d
	}
	d = d.Round(time.Minute)
	days := d / (24 * time.Hour)
	d -= days * 24 * time.Hour
	h, m := d/time.Hour, (d%time.Hour)/time.Minute
	switch {
	case days > 0:
		return fmt.Sprintf("%s%dd%02dh%02dm", sign, days, h, m)
	case h > 0:
		return fmt.Sprintf("%s%dh%02dm", sign, h, m)
	}
	return fmt.Sprintf("%s%dm", sign, m)
}

// Plural says a count with its noun, given in the plural: "1 user",
// "2 users", "1 locked account", "0 messages".
func Plural(n int, plural string) string {
	if n != 1 {
		return strconv.Itoa(n) + " " + plural
	}
	words := strings.Fields(plural)
	last := words[len(words)-1]
	switch {
	case strings.HasSuffix(last, "ies"):
		last = strings.TrimSuffix(last, "ies") + "y"
	case strings.HasSuffix(last, "sses"), strings.HasSuffix(last, "ches"):
		last = strings.TrimSuffix(last, "es")
	default:
		last = strings.TrimSuffix(last, "s")
	}
	words[len(words)-1] = last
	return "1 " + strings.Join(words, " ")
}
