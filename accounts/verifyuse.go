package accounts

import (
	"fmt"

	"latchkey/store"
)

// Reading verifications, and consuming one with the action it vouches for
// (R41: single use, in the action's own transaction).

// Verification reads one verification as it stands now.
func (s *Service) Verification(id uint64) (VerificationView, error) {
	var v Verification
	err := s.db.View(func(tx *store.Tx) error {
		var err error
		v, err = getVerification(tx, id)
		return err
	})
	return v.View(s.Now()), err
}

// Verifications lists a user's verifications, newest first.
func (s *Service) Verifications(userID uint64, limit int) ([]VerificationView, error) {
	if limit <= 0 {
		limit = 20
	}
	now := s.Now()
	var out []VerificationView
	err := s.db.View(func(tx *store.Tx) error {
		return tx.Scan(ixUserVerify, store.U64(userID), nil, true, func(k, _ []byte) (bool, error) {
			v, err := getVerification(tx, store.ParseU64(k[8:]))
			out = append(out, v.View(now))
			return len(out) < limit, err
		})
	})
	return out, err
}

// PassedVerification is operator's newest passed, unused check of userID
// that counts (R41), for a face to offer with an action; ok is false when
// there is none.
func (s *Service) PassedVerification(operator string, userID uint64) (VerificationView, bool, error) {
	vs, err := s.Verifications(userID, 20)
	for _, v := range vs {
		if v.State == VerifyPassed && v.Counts && sameOperator(v.Operator, operator) {
			return v, true, err
		}
	}
	return VerificationView{}, false, err
}

// passedCheckFor refuses (R41) when operator actor has no passed, unused
// check of u that counts: what an MFA clear needs before it is offered.
func (t *txn) passedCheckFor(actor Actor, u User) error {
	if actor.Kind != ActorOperator {
		return nil // the clear refuses others itself (R25, R26)
	}
	found := false
	err := t.tx.Scan(ixUserVerify, store.U64(u.ID), nil, true, func(k, _ []byte) (bool, error) {
		v, err := getVerification(t.tx, store.ParseU64(k[8:]))
		if err != nil {
			return false, err
		}
		vv := v.View(t.now)
		found = vv.State == VerifyPassed && vv.Counts && sameOperator(vv.Operator, actor.Name) && v.Seat == actor.Seat
		return !found, nil
	})
	if err != nil || found {
		return err
	}
	return refuseWith("R41", "no passed caller check of "+u.Login()+" by "+actor.Name+": clearing MFA needs a passed code, app or approval check of the caller (R26)",
		"V verifies the caller out of band first (latchkey verify start "+u.Login()+" --method code|app|approval); the clear then goes with it.")
}

// useVerification consumes verification id for an action on target by
// actor, in the action's own transaction (single use, R41), and records its
// method and result in req. allowedUsers are the people the check may be of
// (the target, or the owner who asked for a change of roles). needCount
// refuses a knowledge check.
func (t *txn) useVerification(actor Actor, action string, req *Request, needCount bool, allowedUsers ...uint64) (Verification, error) {
	id := req.Verification
	if actor.Kind != ActorOperator {
		// A check vouches for the operator who made it; a practice admin's
		// own action takes none (R41).
		return Verification{}, refuse("R41", "a caller check goes only with an operator's action: "+actor.Name+" is not an operator")
	}
	v, err := getVerification(t.tx, id)
	if IsNotFound(err) {
		return v, refuse("R41", fmt.Sprintf("there is no verification #%d", id))
	}
	if err != nil {
		return v, err
	}
	mine := false
	for _, u := range allowedUsers {
		mine = mine || u == v.UserID
	}
	if !mine {
		if action == ActRolesChanged {
			return v, refuseWith("R41", fmt.Sprintf("verification #%d is of %s, not of the owner who asks for this change of roles (R19)", v.ID, v.Login),
				"Verify the owner who asks (`latchkey verify start OWNER`) and give that check.")
		}
		return v, refuse("R41", fmt.Sprintf("verification #%d is of %s, not of this action's caller", v.ID, v.Login))
	}
	if !sameOperator(v.Operator, actor.Name) {
		return v, refuse("R41", fmt.Sprintf("verification #%d was made by %s: a check vouches only for the operator who made it", v.ID, v.Operator))
	}
	if err := v.seatRefusal(actor); err != nil {
		return v, err
	}
	now := v.stateAt(t.now)
	switch now.State {
	case VerifyPassed:
	case VerifyRecorded:
		if needCount {
			return v, refuseWith("R41", fmt.Sprintf("verification #%d is a knowledge check (%s), which never counts as verification", v.ID, v.Note),
				"Verify the caller with a code to the phone or email on file, the authenticator app, or an owner's or admin's approval.")
		}
	case VerifyStarted:
		return v, refuse("R41", fmt.Sprintf("verification #%d has not passed yet: %s", v.ID, v.statusLine(t.now)))
	case VerifyUsed:
		return v, refuseWith("R41", fmt.Sprintf("verification #%d was already used (for %s): a check is valid for one action", v.ID, v.UsedFor), "Start a new one.")
	case VerifyExpired:
		return v, refuseWith("R41", fmt.Sprintf("verification #%d expired at %s: a check is valid for one action within 15 minutes", v.ID, v.ExpiresAt.UTC().Format("15:04:05 MST")), "Start a new one.")
	default:
		return v, refuse("R41", fmt.Sprintf("verification #%d %s", v.ID, v.Result))
	}
	// What the check went through must still be on file (R41, R7): a code
	// read back from an address or phone that is no longer the user's since
	// proves nothing the desk still has.
	of, err := getUser(t.tx, v.UserID)
	if err != nil {
		return v, err
	}
	if why := v.goneFromFile(of); why != "" {
		return v, refuseWith("R41", fmt.Sprintf("verification #%d no longer counts: %s", v.ID, why),
			"A check counts only through what is on file: start a new one.")
	}
	result := string(v.State)
	if err := v.moveTo(VerifyUsed, t.now, v.Result); err != nil {
		return v, err
	}
	v.UsedFor, v.UsedSeat = action, actor.Seat
	if err := t.putVerification(v); err != nil {
		return v, err
	}
	req.VerifyMethod, req.VerifyResult = string(v.Method), result
	desc := v.Describe()
	if req.VerifiedBy == "" {
		req.VerifiedBy = desc
	} else {
		req.VerifiedBy = desc + "; " + req.VerifiedBy
	}
	return v, nil
}

// seatRefusal: a check vouches only for the operator who made it (R41),
// and locally an operator's name is typed, not proven (R35): the same name
// at another seat (OS account and machine) is, as far as the desk can
// tell, someone else, who neither reads the check's code back nor uses it.
// Over serve and on a demo the seat is empty, and the name is the key.
func (v Verification) seatRefusal(actor Actor) error {
	if v.Seat == actor.Seat {
		return nil
	}
	return refuseWith("R41", fmt.Sprintf("verification #%d was started by %s from %s; this is %s: a check vouches only for the operator who made it, and locally a name is typed, not proven",
		v.ID, v.Operator, seatWords(v.Seat), seatWords(actor.Seat)),
		"Start your own check of the caller (V in the console, or `latchkey verify start`).")
}

// seatWords names a seat for a refusal.
func seatWords(seat string) string {
	if seat == "" {
		return "no local seat (over serve, where the operator is their key, or on a demo)"
	}
	return seat
}
