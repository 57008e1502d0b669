package common

import (
	"charm.land/bubbles/v2/help"
	"charm.land/lipgloss/v2"
)

// Styles is the console's one style sheet, built from the terminal's
// background so light terminals stay readable. No state is shown by colour
// alone: every styled state also has a marker or a word (›, [ ], AT CAPACITY,
// LOCKED, DEMO).
type Styles struct {
	IsDark bool

	Brand, Operator, Demo, Counts lipgloss.Style
	Tab, ActiveTab, TabGap        lipgloss.Style

	Title, Muted, Label, Value lipgloss.Style
	TableHeader, Row, Selected lipgloss.Style
	Warn, Locked, AtCapacity   lipgloss.Style

	GaugeFull, GaugeEmpty, GaugeAtCap lipgloss.Style

	Flash, FlashErr   lipgloss.Style
	Dialog, DialogErr lipgloss.Style
	Button, ButtonOn  lipgloss.Style
	FilterPrompt      lipgloss.Style

	Help help.Styles
}

// NewStyles builds the style sheet for a dark or a light background.
func NewStyles(isDark bool) *Styles {
	ld := lipgloss.LightDark(isDark)
	accent := ld(lipgloss.Color("#5A3FC0"), lipgloss.Color("#A990FF"))
	fg := ld(lipgloss.Color("#1C1C1C"), lipgloss.Color("#E4E4E4"))
	muted := ld(lipgloss.Color("#6C6C6C"), lipgloss.Color("#8A8A8A"))
	warn := ld(lipgloss.Color("#B25800"), lipgloss.Color("#FFB454"))
	bad := ld(lipgloss.Color("#B00020"), lipgloss.Color("#FF6B7A"))
	good := ld(lipgloss.Color("#1B7F3B"), lipgloss.Color("#6BD68B"))
	selBg := ld(lipgloss.Color("#E2DAFF"), lipgloss.Color("#3A2F66"))
	s := lipgloss.NewStyle()

	st := &Styles{
		IsDark:   isDark,
		Brand:    s.Bold(true).Foreground(accent),
		Operator: s.Foreground(fg),
		Demo:     s.Bold(true).Foreground(warn),
		Counts:   s.Foreground(muted),

		Tab:       s.Foreground(muted),
		ActiveTab: s.Bold(true).Foreground(accent).Underline(true),
		TabGap:    s.Foreground(muted),

		Title: s.Bold(true).Foreground(fg),
		Muted: s.Foreground(muted),
		Label: s.Foreground(muted),
		Value: s.Foreground(fg),

		TableHeader: s.Bold(true).Foreground(muted),
		Row:         s.Foreground(fg),
		Selected:    s.Bold(true).Foreground(fg).Background(selBg),
		Warn:        s.Foreground(warn),
		Locked:      s.Bold(true).Foreground(bad),
		AtCapacity:  s.Bold(true).Foreground(bad),

		GaugeFull:  s.Foreground(good),
		GaugeEmpty: s.Foreground(muted),
		GaugeAtCap: s.Foreground(bad),

		Flash:    s.Foreground(good),
		FlashErr: s.Bold(true).Foreground(bad),

		Dialog:    s.Border(lipgloss.RoundedBorder()).BorderForeground(accent).Padding(0, 1),
		DialogErr: s.Border(lipgloss.ThickBorder()).BorderForeground(bad).Padding(0, 1),
		Button:    s.Foreground(muted).Padding(0, 1),
		ButtonOn:  s.Bold(true).Foreground(fg).Background(selBg).Padding(0, 1),

		FilterPrompt: s.Bold(true).Foreground(accent),

		Help: help.DefaultStyles(isDark),
	}
	return st
}
