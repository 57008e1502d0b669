package common

import "charm.land/bubbles/v2/key"

// KeyMap is every key of the console in one place. Panes and the footer pick
// from it; a disabled binding vanishes from help too.
type KeyMap struct {
	TabKeys          []key.Binding // 1…n, from the root's tab registry
	NextTab, PrevTab key.Binding

	Up, Down, PageUp, PageDown, Top, Bottom key.Binding
	Move                                    key.Binding // up and down as one entry of the short help

	Filter, Back, Open key.Binding
	Palette, Copy      key.Binding
	Sort, SortReverse  key.Binding

	ClockStep, ClockHour key.Binding
	Simulate             key.Binding
	Help, Quit           key.Binding
	Suspend              key.Binding // ctrl+z: the local console only (tui/suspend.go)

	PracticeUsers key.Binding // u in the practice detail: its users
}

// NewKeyMap returns the console's keys.
func NewKeyMap() *KeyMap {
	b := func(keys []string, k, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(k, desc))
	}
	return &KeyMap{
		NextTab: b([]string{"tab"}, "tab", "next pane"),
		PrevTab: b([]string{"shift+tab"}, "shift+tab", "previous pane"),

		Move:     b([]string{"up", "down"}, "↑↓", "move"),
		Up:       b([]string{"up", "k"}, "↑/k", "up"),
		Down:     b([]string{"down", "j"}, "↓/j", "down"),
		PageUp:   b([]string{"pgup", "ctrl+b"}, "pgup", "page up"),
		PageDown: b([]string{"pgdown", "ctrl+d", "space"}, "pgdn", "page down"),
		Top:      b([]string{"home", "g"}, "g/home", "first"),
		Bottom:   b([]string{"end", "G"}, "G/end", "last"),

		Filter: b([]string{"/"}, "/", "filter"),
		Back:   b([]string{"esc"}, "esc", "clear/back"),
		Open:   b([]string{"enter"}, "enter", "open"),

		Palette:     b([]string{":"}, ":", "go to anyone"),
		Copy:        b([]string{"y"}, "y", "copy login"),
		Sort:        b([]string{"s"}, "s", "sort column"),
		SortReverse: b([]string{"S"}, "S", "reverse sort"),

		ClockStep: b([]string{"+", "="}, "+", "demo clock +5m"),
		ClockHour: b([]string{"ctrl+f"}, "ctrl+f", "demo clock +1h"),
		Simulate:  b([]string{"ctrl+s"}, "ctrl+s", "simulator"),
		Help:      b([]string{"?"}, "?", "all keys"),
		Quit:      b([]string{"q", "ctrl+c"}, "q", "quit"),
		Suspend:   b([]string{"ctrl+z"}, "ctrl+z", "suspend (fg resumes)"),

		PracticeUsers: b([]string{"u"}, "u", "its users"),
	}
}

// Tabs are the tab bindings in order.
func (k *KeyMap) Tabs() []key.Binding {
	return k.TabKeys
}

// Global are the keys that work everywhere, for full help.
func (k *KeyMap) Global() []key.Binding {
	return []key.Binding{k.NextTab, k.PrevTab, k.Back, k.Palette, k.Copy, k.ClockStep, k.ClockHour, k.Simulate, k.Suspend, k.Help, k.Quit}
}

// Moves are the cursor keys of every list.
func (k *KeyMap) Moves() []key.Binding {
	return []key.Binding{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom, k.Sort, k.SortReverse}
}
