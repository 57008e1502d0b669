package common

import "charm.land/bubbles/v2/key"

// KeyMap is every key of the console in one place. Panes and the footer pick
// from it; a disabled binding vanishes from help too.
type KeyMap struct {
	Practices, Users, Licenses, Lockouts, Audit key.Binding
	Outbox                                      key.Binding
	Patients                                    key.Binding
	NextTab, PrevTab                            key.Binding

	Up, Down, PageUp, PageDown, Top, Bottom key.Binding
	Move                                    key.Binding // up and down as one entry of the short help

	Filter, Back, Open, Unlock key.Binding

	ClockStep, ClockHour key.Binding
	Simulate             key.Binding
	Help, Quit           key.Binding

	// Actions of users, practices and MFA (issues 4 and 6).
	AddUser, SendVerify, Inactivate, Reactivate, Permissions, Replace key.Binding
	ClearMFA, RequireMFA, ShowQR                                      key.Binding
	RequestLicenses, Fulfil, PracticeUsers                            key.Binding

	// Password resets (issue 5): P in the user detail and the patients pane.
	ResetPassword key.Binding
}

// NewKeyMap returns the console's keys.
func NewKeyMap() *KeyMap {
	b := func(keys []string, k, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(k, desc))
	}
	return &KeyMap{
		Practices: b([]string{"1"}, "1", "practices"),
		Users:     b([]string{"2"}, "2", "users"),
		Licenses:  b([]string{"3"}, "3", "licenses"),
		Lockouts:  b([]string{"4"}, "4", "lockouts"),
		Audit:     b([]string{"5"}, "5", "audit"),
		Outbox:    b([]string{"6"}, "6", "outbox"),
		Patients:  b([]string{"7"}, "7", "patients"),
		NextTab:   b([]string{"tab"}, "tab", "next pane"),
		PrevTab:   b([]string{"shift+tab"}, "shift+tab", "previous pane"),

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
		Unlock: b([]string{"u"}, "u", "unlock"),

		ClockStep: b([]string{"+", "="}, "+", "demo clock +5m"),
		ClockHour: b([]string{"ctrl+f"}, "ctrl+f", "demo clock +1h"),
		Simulate:  b([]string{"S"}, "S", "simulator"),
		Help:      b([]string{"?"}, "?", "all keys"),
		Quit:      b([]string{"q", "ctrl+c"}, "q", "quit"),

		AddUser:         b([]string{"a"}, "a", "add user"),
		SendVerify:      b([]string{"v"}, "v", "send verification"),
		Inactivate:      b([]string{"x"}, "x", "inactivate"),
		Reactivate:      b([]string{"r"}, "r", "reactivate"),
		Permissions:     b([]string{"p"}, "p", "permissions"),
		Replace:         b([]string{"R"}, "R", "replace"),
		ClearMFA:        b([]string{"m"}, "m", "clear MFA"),
		RequireMFA:      b([]string{"M"}, "M", "MFA on/off"),
		ShowQR:          b([]string{"Q"}, "Q", "enrolment QR (demo)"),
		RequestLicenses: b([]string{"L"}, "L", "request licenses"),
		Fulfil:          b([]string{"F"}, "F", "fulfil request"),
		PracticeUsers:   b([]string{"u"}, "u", "its users"),
		ResetPassword:   b([]string{"P"}, "P", "reset password"),
	}
}

// Tabs are the tab bindings in order.
func (k *KeyMap) Tabs() []key.Binding {
	return []key.Binding{k.Practices, k.Users, k.Licenses, k.Lockouts, k.Audit, k.Outbox, k.Patients}
}

// Global are the keys that work everywhere, for full help.
func (k *KeyMap) Global() []key.Binding {
	return []key.Binding{k.NextTab, k.PrevTab, k.Back, k.ClockStep, k.ClockHour, k.Simulate, k.Help, k.Quit}
}

// Moves are the cursor keys of every list.
func (k *KeyMap) Moves() []key.Binding {
	return []key.Binding{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom}
}
