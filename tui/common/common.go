// Package common holds what every part of the console shares: the Common
// context (service, operator, size, styles, keys), the messages that cross
// from one part to another, formatting helpers and the sanitiser (R38).
package common

import (
	"time"

	"latchkey/accounts"
)

// Common is the context every pane and component is given. It is shared by
// pointer, so a resize or a change of background reaches everyone at once.
type Common struct {
	Svc      Service
	Operator string // every action is recorded under this name (R35)
	ReadOnly bool   // the operator sees everything and changes nothing (R35)
	// Seat is the local operator's OS account and machine (Actor.Seat):
	// four eyes are never one seat under two names (R42).
	Seat string
	// Remote: the console is served over SSH (R35): files it writes (a
	// credentials PDF) are on the desk server, not the operator's machine.
	Remote bool
	// OperatorFrom says where the name came from when it was not given
	// ("your login name"), for the header; "" when it was given.
	OperatorFrom string
	Loc          *time.Location // times are drawn in this zone (tests pin UTC)
	Width        int
	Height       int
	Styles       *Styles
	Keys         *KeyMap
	Stats        accounts.Stats // the running totals, refreshed by the root every tick
	DocsDir      string         // where credentials documents go ("" = the default)
}

// New returns a Common for svc and the named operator, styled for a dark
// terminal until the terminal says otherwise.
func New(svc Service, operator string) *Common {
	return &Common{
		Svc:      svc,
		Operator: operator,
		Loc:      time.Local,
		Styles:   NewStyles(true),
		Keys:     NewKeyMap(),
	}
}

// Now is the service's time: the demo clock in a demo database (R39).
func (c *Common) Now() time.Time { return c.Svc.Now() }

// Actor is the operator as the service records them.
func (c *Common) Actor() accounts.Actor {
	a := accounts.Operator(c.Operator)
	if c.ReadOnly {
		a = accounts.ReadOnlyOperator(c.Operator)
	}
	a.Seat = c.Seat
	return a
}
