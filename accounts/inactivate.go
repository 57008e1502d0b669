package accounts

import (
	"fmt"
	"strings"

	"latchkey/store"
)

// Audit actions of a user's life.
const (
	ActUserInactivated = "user.inactivated"
	ActUserReactivated = "user.reactivated"
	ActUserReplaced    = "user.replaced"
	ActRolesChanged    = "user.roles_changed"
)

// inactivate makes u inactive (R20): the license is freed, any live link
// dies, and all history stays. Who may ask is checked by the caller.
func (t *txn) inactivate(actor Actor, u User, req Request) error {
	old := u
	if err := t.endLink(u.SetupLink, LinkVoided); err != nil {
		return err
	}
	if err := t.endLink(u.EmailChangeLink, LinkVoided); err != nil {
		return err
	}
	if err := t.endLink(u.ResetLink, LinkVoided); err != nil {
		return err
	}
	u.Status, u.SetupLink, u.EmailChangeLink, u.ResetLink, u.PendingEmail = StatusInactive, 0, 0, 0, ""
	u.MFA.Pending = nil // an enrolment in progress dies with the account
	if err := t.putUser(&old, u); err != nil {
		return err
	}
	p, err := getPractice(t.tx, u.PracticeID)
	if err != nil {
		return err
	}
	oldP := p
	p.InUse--
	if err := t.putPractice(&oldP, p); err != nil {
		return err
	}
	return t.audit(actor, ActUserInactivated, &u, req, OutcomeOK, "license freed; live links voided")
}

// requesterIn finds the practice person who asked for an action and checks
// they are active in the practice.
func (t *txn) requesterIn(p Practice, login, rule, roleNames string) (User, error) {
	if strings.TrimSpace(login) == "" {
		return User{}, refuse(rule, "record which "+roleNames+" of "+p.Name+" asked")
	}
	r, err := t.requester(login)
	if IsNotFound(err) || (err == nil && (r.PracticeID != p.ID || r.Status == StatusInactive)) {
		return User{}, refuse(rule, login+" is not an active member of "+p.Name+": only its "+roleNames+" may ask")
	}
	return r, err
}

// otherActiveOwner reports whether the practice has an active owner besides
// u. A pending owner is not one (R2, R3): they have not shown they hold the
// account, cannot ask for anything, and whoever holds their setup link
// would become the practice's only owner.
func (t *txn) otherActiveOwner(u User) (bool, error) {
	found := false
	prefix := store.U64(u.PracticeID)
	err := t.tx.Scan(ixPracticeUsers, prefix, nil, false, func(k, _ []byte) (bool, error) {
		id := store.ParseU64(k[8:])
		if id == u.ID {
			return true, nil
		}
		o, err := getUser(t.tx, id)
		if err != nil {
			return false, err
		}
		found = o.Roles.Owner && o.Status == StatusActive
		return !found, nil
	})
	return found, err
}

// lastOwnerRefusal: a practice never loses its last active owner, since only
// an owner can ask for licenses (R2).
func lastOwnerRefusal(u User) *RuleError {
	return refuseWith("R2", "a practice must keep an active owner (only an owner can ask for licenses): "+u.Login()+" is its last active owner",
		"Make another person an owner first (requested by this owner); an owner still pending counts once they have set up their account.")
}

// Inactivate makes a user inactive (R20), at the request of an owner or a
// champion of the practice, or of the user themselves — recorded and checked.
func (s *Service) Inactivate(actor Actor, userID uint64, req Request) (User, error) {
	var out User
	target := User{ID: userID} // read once, in the transaction (act)
	err := s.act(actor, ActUserInactivated, &target, req, func(t *txn) error {
		u, err := getUser(t.tx, userID)
		if err != nil {
			return err
		}
		target = u
		if err := t.checkInactivation(actor, u, &req, ActUserInactivated); err != nil {
			return err
		}
		if err := t.inactivate(actor, u, req); err != nil {
			return err
		}
		out, err = getUser(t.tx, userID)
		return err
	})
	return out, err
}

// checkInactivation applies R20's rules to inactivating u (as action); a
// user acting on their own account is their own requester.
//
// Inactivating (or replacing) an owner or an admin takes that role away,
// a change of roles (R41): through the desk the requester's request, their
// own included ("I'm leaving"), is proven by their passed caller check, as
// giving the role is (R19; provenRequest).
func (t *txn) checkInactivation(actor Actor, u User, req *Request, action string) error {
	if u.Status == StatusInactive {
		return refuse("R20", u.Login()+" is already inactive")
	}
	if err := t.actorAsRequester(actor, req); err != nil {
		return err
	}
	p, err := getPractice(t.tx, u.PracticeID)
	if err != nil {
		return err
	}
	r, err := t.checkAsker(askInactivate, p, req.Requester, &u, "owners, champions or the user themselves",
		req.Requester+" is not an owner or champion of "+p.Name+": only they, or the user themselves, may ask for an inactivation")
	if err != nil {
		return err
	}
	if err := t.stateInactivate(u); err != nil {
		return err
	}
	if actor.Kind != ActorOperator || !(u.Roles.Owner || u.Roles.Admin) {
		return nil
	}
	return t.provenRequest(actor, r, req, action, refuseWith("R20",
		fmt.Sprintf("%s is an owner or admin (%s): inactivating them takes that role away, so %s's request must be proven, not typed: a passed caller check of them (R41) goes with it",
			u.Login(), u.Roles.String(), r.Login()),
		"Verify the person who asks (V on them in the console, or `latchkey verify start "+r.Login()+"`: a code to what is on file, their app, or an owner's or admin's approval), then act with that check (--verification ID)."))
}

// Reactivate brings an inactive user back (R20): it needs a free license
// (R1) and the request of an owner, champion or admin of the practice (R3),
// through the desk proven by their passed caller check (R41; checkAdder).
// A user who had verified comes back active, with the password they left
// with; one who had not, pending.
func (s *Service) Reactivate(actor Actor, userID uint64, req Request) (User, error) {
	var out User
	target := User{ID: userID} // read once, in the transaction (act)
	err := s.act(actor, ActUserReactivated, &target, req, func(t *txn) error {
		old, err := getUser(t.tx, userID)
		if err != nil {
			return err
		}
		target = old
		p, err := getPractice(t.tx, old.PracticeID)
		if err != nil {
			return err
		}
		if old.Status != StatusInactive {
			return stateReactivate(old, p)
		}
		if err := t.checkAdder(actor, p, &req, old.Roles, ActUserReactivated); err != nil {
			return err
		}
		if err := stateReactivate(old, p); err != nil {
			return err
		}
		u := old
		u.Status = StatusPending
		if setUp(u) {
			u.Status = StatusActive
		}
		if err := t.putUser(&old, u); err != nil {
			return err
		}
		oldP := p
		p.InUse++
		if err := t.putPractice(&oldP, p); err != nil {
			return err
		}
		out = u
		return t.audit(actor, ActUserReactivated, &u, req, OutcomeOK, "license taken; back as "+string(u.Status))
	})
	return out, err
}

func noLicense(p Practice) *RuleError {
	return refuseWith("R1", p.Name+" has no free license (all "+itoa(p.Purchased)+" in use)",
		"An owner of the practice can ask for more licenses, or a leaver can be inactivated.")
}

// Replace is the one path from a leaver to a newcomer (R10): in one
// transaction the leaver is inactivated and the newcomer added, the license
// passing from one to the other, both audited. The requester must be allowed
// both: an owner or champion of the practice.
func (s *Service) Replace(actor Actor, leaverID uint64, nu NewUser, req Request) (leaver, newcomer User, err error) {
	leaver, newcomer, _, err = s.replace(actor, leaverID, nu, req, false)
	return leaver, newcomer, err
}

// ReplaceAndSend is Replace that also sends the newcomer their account-setup
// email (R4), all in the same transaction.
func (s *Service) ReplaceAndSend(actor Actor, leaverID uint64, nu NewUser, req Request) (leaver, newcomer User, msg Message, err error) {
	return s.replace(actor, leaverID, nu, req, true)
}

func (s *Service) replace(actor Actor, leaverID uint64, nu NewUser, req Request, send bool) (leaver, newcomer User, msg Message, err error) {
	target := User{ID: leaverID} // read once, in the transaction (act)
	err = s.act(actor, ActUserReplaced, &target, req, func(t *txn) error {
		u, err := getUser(t.tx, leaverID)
		if err != nil {
			return err
		}
		target = u
		if err := stateReplace(u); err != nil {
			return err
		}
		if err := t.checkInactivation(actor, u, &req, ActUserReplaced); err != nil {
			return err
		}
		nu.PracticeID = u.PracticeID
		if err := t.inactivate(actor, u, req); err != nil {
			return err
		}
		if newcomer, err = t.createUser(actor, nu, req, StatusPending, Credential{}); err != nil {
			return err
		}
		if leaver, err = getUser(t.tx, leaverID); err != nil {
			return err
		}
		if err := t.audit(actor, ActUserReplaced, &leaver, req, OutcomeOK,
			"replaced by "+newcomer.Login()+" (#"+itoa(int(newcomer.ID))+"); the license passed to them"); err != nil {
			return err
		}
		if send && !newcomer.Legacy() {
			newcomer, msg, err = t.sendVerification(actor, newcomer.ID, "", "", req)
		}
		return err
	})
	return leaver, newcomer, msg, err
}

// SetRoles changes a user's permissions (R19): an operator records the owner
// of the practice who asked; a practice admin may do it themselves. The last
// active owner keeps the owner role (R2).
func (s *Service) SetRoles(actor Actor, userID uint64, roles Roles, req Request) (User, error) {
	var out User
	target := User{ID: userID} // read once, in the transaction (act)
	err := s.act(actor, ActRolesChanged, &target, req, func(t *txn) error {
		old, err := getUser(t.tx, userID)
		if err != nil {
			return err
		}
		target = old
		p, err := getPractice(t.tx, old.PracticeID)
		if err != nil {
			return err
		}
		if actor.Kind == ActorAdmin {
			if err := t.isAdminOf(actor, p.ID, "R19"); err != nil {
				return err
			}
			if err := t.adminMayMoveOwnership(actor, old, roles); err != nil {
				return err
			}
		} else {
			if err := t.actorAsRequester(actor, &req); err != nil {
				return err
			}
			if _, err := t.checkAsker(askPermissions, p, req.Requester, &old, "owners",
				req.Requester+" is not an owner of "+p.Name+": permission changes need an owner's request"); err != nil {
				return err
			}
		}
		if err := statePermissions(old); err != nil {
			return err
		}
		if old.Roles.Owner && !roles.Owner {
			if other, err := t.otherActiveOwner(old); err != nil || !other {
				if err == nil {
					err = lastOwnerRefusal(old)
				}
				return err
			}
		}
		if old.Roles == roles {
			return refuse("R19", old.Login()+" already has exactly these permissions ("+roles.String()+")")
		}
		privileged := privilegedChange(old.Roles, roles) || championGiven(old.Roles, roles)
		if actor.Kind == ActorOperator && privileged && req.Verification == 0 {
			if !privilegedChange(old.Roles, roles) {
				return unprovenChampion(req.Requester)
			}
			return t.provenOwnerRequest(actor, User{Email: req.Requester}, &req, ActRolesChanged)
		}
		if req.Verification != 0 {
			// R41, R19: the caller of a change of roles is the owner who asks
			// for it (who may be the user). A check of the user alone proves
			// only who is on the phone, not the owner's request: a staff
			// member asking for their own promotion is the classic call.
			ids := []uint64{old.ID}
			if r, err := userByLogin(t.tx, req.Requester); err == nil {
				ids = []uint64{r.ID}
			}
			v, err := t.useVerification(actor, ActRolesChanged, &req, privileged, ids...)
			if err != nil {
				return err
			}
			if privileged {
				if err := t.newFactorRefusal(v); err != nil {
					return err
				}
			}
			if v.Method == VerifyApproval && v.UserID != old.ID && v.ApproverID == old.ID {
				// The approver vouched that the owner is on the phone, and
				// the change is their own: they vouched for themselves.
				return refuseWith("R41", fmt.Sprintf("verification #%d was approved by %s, whose roles this change sets: nobody vouches for their own change", v.ID, old.Login()),
					"Verify the owner who asks another way: a code to their phone or email on file, or another owner's or admin's approval.")
			}
		}
		u := old
		u.Roles = roles
		if err := t.putUser(&old, u); err != nil {
			return err
		}
		out = u
		return t.audit(actor, ActRolesChanged, &u, req, OutcomeOK, "roles "+old.Roles.String()+" -> "+roles.String())
	})
	return out, err
}

// privilegedChange reports whether a change of roles gives or takes the
// owner or the admin role: what makes someone privileged (R42), a
// financial decision maker (R2) or able to set colleagues' passwords
// (R18). Through the desk it goes only with the asking owner's passed
// caller check (R19, R41). Taking the admin role away is one too: it is
// what inactivating an admin takes (R20), and a typed demotion followed by
// a typed inactivation would let an admin go on two unproven requests.
func privilegedChange(from, to Roles) bool {
	return from.Owner != to.Owner || from.Admin != to.Admin
}

// championGiven reports whether a change of roles makes someone a
// champion: one who asks the desk for any colleague's inactivation, an
// owner's or admin's too (R20), and has users added (R3). Through the desk
// it goes with the asking owner's passed check (R19, R41), as the owner
// and admin roles do: else a typed "make Mallory champion", then Mallory
// proving herself, let a practice's admin go on her word.
func championGiven(from, to Roles) bool { return to.Champion && !from.Champion }

func unprovenChampion(owner string) error {
	return refuseWith("R19", fmt.Sprintf("giving the champion role (who asks for inactivations, an owner's or admin's too, R20, and for new users, R3) needs %s's request proven, not typed: a passed caller check of them (R41) goes with it", owner),
		"Verify the owner who asks (V on them in the console, or `latchkey verify start "+owner+"`), then make the change with that check (--verification ID).")
}

// setUp reports whether a person has made the account theirs: verified its
// login email (R4), or, for a legacy user with no login email, chosen a
// password through the reset to the email on file (R8, R17). Such an
// account belongs to that person for life (R10): it comes back active, and
// is never renamed.
func setUp(u User) bool { return u.EmailVerified || (u.Legacy() && u.Password.Set()) }

// adminMayMoveOwnership: a practice admin edits permissions themselves
// (R19), but an owner is the practice's financial decision maker (R2), a
// role that only an owner hands out or takes away.
func (t *txn) adminMayMoveOwnership(actor Actor, old User, roles Roles) error {
	if old.Roles.Owner == roles.Owner {
		return nil
	}
	me, err := getUser(t.tx, actor.UserID)
	if err != nil {
		return err
	}
	if me.Roles.Owner {
		return nil
	}
	return refuseWith("R19", actor.Name+" is not an owner of the practice: only an owner makes someone an owner, or takes the role away (owners decide on licenses, R2)",
		"Ask an owner of the practice to make this change.")
}
