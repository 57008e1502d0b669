// Package tui is the operator's console: Bubble Tea v2 over accounts.Service.
package tui

import "latchkey/accounts"

// Options configure the console.
type Options struct {
	Operator string // the operator every action is recorded under (R35)
}

// Run opens the console full-screen over svc until the operator quits.
func Run(svc *accounts.Service, opts Options) error {
	_ = svc
	_ = opts
	return nil // replaced by the console
}
