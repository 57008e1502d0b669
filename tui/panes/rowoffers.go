package panes

import "latchkey/accounts"

// A list's footer offers only the action keys that can run for the row
// under the cursor (R31), as the user detail's does; the answer comes from
// accounts over the record the row already holds (OnUserRecord,
// OnPracticeRecord), so a key reads nothing more. The root folds these
// into the footer (withActions); an action still asks Eligible when it
// starts.

// Eligible is what the selected user's record says applies.
func (p *Users) Eligible() []accounts.Eligibility {
	u, ok := p.Selected()
	if !ok || u.rec == nil {
		return nil
	}
	return accounts.OnUserRecord(p.c.Actor(), *u.rec, p.c.Now(), p.c.Svc.IsDemo())
}

// Eligible is what the selected locked user's record says applies.
func (p *Lockouts) Eligible() []accounts.Eligibility {
	r, ok := p.Selected()
	if !ok || r.rec == nil {
		return nil
	}
	return accounts.OnUserRecord(p.c.Actor(), *r.rec, p.c.Now(), p.c.Svc.IsDemo())
}

// Eligible is what the selected practice's record says applies.
func (p *Practices) Eligible() []accounts.Eligibility { return practiceOffers(p.list) }

// Eligible is what the selected practice's record says applies.
func (p *Licenses) Eligible() []accounts.Eligibility { return practiceOffers(p.list) }

// Eligible is what the practice shown says applies.
func (d *Practice) Eligible() []accounts.Eligibility {
	if d.data == nil || d.data.rec == nil {
		return nil
	}
	return accounts.OnPracticeRecord(d.c.Actor(), *d.data.rec)
}

func practiceOffers(l *list[practiceRow]) []accounts.Eligibility {
	r, ok := l.Selected()
	if !ok || r.rec == nil {
		return nil
	}
	return accounts.OnPracticeRecord(l.c.Actor(), *r.rec)
}

// Eligible is what the selected entry of the watch list says applies: W
// reviews it, unless this operator cleared it (R43); the rest is the
// user's detail's to say (enter).
func (p *Watch) Eligible() []accounts.Eligibility {
	r, ok := p.Selected()
	if !ok || r.rec == nil {
		return nil
	}
	return accounts.OnWatchEntry(p.c.Actor(), *r.rec)
}
