package forms

import (
	"errors"
	"strings"

	"charm.land/huh/v2"
	"github.com/charmbracelet/x/ansi"

	"latchkey/accounts"
	"latchkey/tui/common"
)

// Rule names who may ask for an action; Allowed lists them.
type Rule string

// Who may ask, by rule.
const (
	AskAdd         Rule = "R3"  // owners, champions, admins of the practice
	AskPermissions Rule = "R19" // owners
	AskInactivate  Rule = "R20" // owners, champions, or the user themselves
	AskReplace     Rule = "R20+R3"
	AskLicenses    Rule = "R2"  // owners (financial decision makers)
	AskRequireMFA  Rule = "R24" // owners or admins
)

// Who describes the people a rule allows, for the field's title.
func (r Rule) Who() string {
	switch r {
	case AskAdd:
		return "R3: an owner, champion or admin of the practice"
	case AskPermissions:
		return "R19: an owner of the practice"
	case AskInactivate:
		return "R20: an owner or champion, or the user themselves"
	case AskReplace:
		return "R20 and R3: an owner or champion of the practice"
	case AskLicenses:
		return "R2: an owner (financial decision maker)"
	case AskRequireMFA:
		return "R24: an owner or admin of the practice"
	}
	return string(r)
}

// Person is someone a requester field offers (strings sanitised, R38).
type Person struct {
	Login   string // the raw login, passed to the service
	Label   string // sanitised: "Name <login> · owner,admin"
	Pending bool
}

// Allowed are the people of a practice who may ask for an action under
// rule: the service counts anyone not inactive as a member (requesterIn), so
// the form offers exactly them, and nobody else. target is the user acted
// on (R20: they may ask for their own inactivation).
func Allowed(rule Rule, v accounts.PracticeView, target *accounts.User) []Person {
	seen := map[uint64]bool{}
	var out []Person
	add := func(u accounts.User) {
		if seen[u.ID] || u.Status == accounts.StatusInactive {
			return
		}
		seen[u.ID] = true
		out = append(out, toPerson(u))
	}
	addAll := func(us []accounts.User) {
		for _, u := range us {
			add(u)
		}
	}
	switch rule {
	case AskAdd:
		addAll(v.Owners)
		addAll(v.Champions)
		addAll(v.Admins)
	case AskPermissions, AskLicenses:
		addAll(v.Owners)
	case AskInactivate:
		addAll(v.Owners)
		addAll(v.Champions)
		if target != nil {
			add(*target)
		}
	case AskReplace:
		// Replace inactivates (R20) and adds (R3) in one: the requester must
		// pass both checks.
		addAll(v.Owners)
		addAll(v.Champions)
		if target != nil && target.Roles.Admin {
			add(*target)
		}
	case AskRequireMFA:
		addAll(v.Owners)
		addAll(v.Admins)
	}
	return out
}

func toPerson(u accounts.User) Person {
	label := common.Sanitize(u.Name)
	if r := u.Roles.String(); r != "—" {
		label += " (" + r + ")"
	}
	if u.Status == accounts.StatusPending {
		label += " pending"
	}
	label += " · " + common.Sanitize(u.Login())
	// One line each, so every allowed person is in view: a wrapped option
	// pushes the last ones out of the select's height.
	label = ansi.Truncate(label, 62, "…")
	return Person{Login: u.Login(), Label: label, Pending: u.Status == accounts.StatusPending}
}

// chooseOne is the placeholder a requester select opens on: nobody is
// recorded by default, the operator picks the person who asked.
const chooseOne = "— choose who asked —"

// requesterSelect offers only the allowed people, opening on a placeholder
// that cannot be submitted.
func requesterSelect(rule Rule, people []Person, v *string) *huh.Select[string] {
	opts := []huh.Option[string]{huh.NewOption(chooseOne, "")}
	for _, p := range people {
		opts = append(opts, huh.NewOption(p.Label, p.Login))
	}
	desc := "Only the people " + string(rule) + " allows are offered."
	if len(people) == 0 {
		desc = "Nobody at this practice may ask for this (" + string(rule) + "): the action cannot be recorded."
	}
	return huh.NewSelect[string]().Key("requester").Title("Requested by — " + rule.Who()).
		Description(desc).Options(opts...).Value(v).
		Validate(func(s string) error {
			if strings.TrimSpace(s) == "" {
				return errors.New("record who asked (" + string(rule) + ")")
			}
			return nil
		}).
		// Title, description and up to six options in view (the rest scroll).
		Height(2 + min(len(opts), 6))
}

// requesterHolder is embedded by the forms that record a requester.
type requesterHolder struct {
	people    []Person
	requester *string
}

// Requesters are the people the requester field offers (tests read them).
func (r requesterHolder) Requesters() []Person { return r.people }

// Requester is the login chosen.
func (r requesterHolder) Requester() string { return strings.TrimSpace(*r.requester) }
