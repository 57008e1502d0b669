package accounts

import (
	"errors"
	"fmt"
	"time"

	"latchkey/internal/plural"
	"latchkey/store"
)

// Every right-password login without a code, every step-up and every SMS
// or email enrolment sends a one-time code (R23). Without a limit anyone
// holding a user's password could flood the user's phone with texts (and
// run up the desk's SMS bill), and an enrolment could text any number again
// and again. So a user is sent at most Config.CodeSendLimit code messages
// per Config.CodeSendWindow (5 per 15 minutes by default), counted together
// whatever the flow or destination, and an enrolment's number or address
// is sent no more than that either, whichever users ask. A send over the limit issues no new
// code and sends nothing: the live code, if any, still works. The user, who
// has just given the right password, is told so, naming R23; the held-back
// send is audited (with the running count of held-back sends), so a flood
// shows. A wrong password never reaches the limit (it is answered as ever,
// R11), so the limit says nothing about who has an account.
//
// Codes an operator sends to check a caller (R41) are counted too, with the
// phone or email on file as their destination: otherwise a lying caller who
// asks for check after check would have the desk flood the user's phone.
// Over the limit the desk is told so (R23) and pointed to the checks that
// send the user nothing (the app's code read back, an owner's or admin's
// approval); the window ends, and with it the hold, so a legitimate check
// by code waits at most CodeSendWindow. (guessingRefusal, R41, guards the
// codes read back, not the sends.)
//
// A window is kept under the user's id (a destination's under an HMAC of it,
// keyed from the key file like the forgot-password throttle's entries) in
// a small bucket of its own, off
// the users' records, and leaves the file soon after it ends: every code
// send prunes ended windows, and so do the writes that prune the
// forgot-password throttle's (updateAt; the console's Sweep runs one at
// least about once a minute, forgotsweep.go), so other writes pay nothing.

const (
	bCodeSends     store.Bucket = "code_sends"        // userID, or 'd'|HMAC(throttle key, destination) -> codeSendWindow
	ixCodeSendTime store.Bucket = "ix_code_send_time" // window start (unix ns)|entry key: oldest first, for pruning
)

// Shipped limit of code messages per user (R23).
const (
	DefaultCodeSendLimit  = 5
	DefaultCodeSendWindow = 15 * time.Minute
)

// codeSendPruneBatch bounds the ended windows one transaction drops.
const codeSendPruneBatch = 64

// ActCodeHeld is a code send held back by the limit (R23).
const ActCodeHeld = "mfa.code_held_back"

// codeSendWindow is one user's current window: when its first code went,
// how many went, and how many were held back since.
type codeSendWindow struct {
	Since time.Time `json:"since"`
	Sent  int       `json:"sent"`
	Held  int       `json:"held,omitempty"`
}

func (s *Service) codeSendLimit() (int, time.Duration) {
	n, every := s.cfg.CodeSendLimit, s.cfg.CodeSendWindow
	if n <= 0 {
		n = DefaultCodeSendLimit
	}
	if every <= 0 {
		every = DefaultCodeSendWindow
	}
	return n, every
}

// codeSend counts a code message about to go to u for what (a few words:
// "a login", "setting up sms"). dest, for an enrolment, is the number or
// address typed: it is counted as well, across all users, so no set of
// accounts can text one number more than the limit either. Under the limit
// it returns nil, nil and the caller sends. Over it, it audits the
// held-back send and returns the refusal naming R23: the caller then issues
// no code, sends nothing, writes nothing more, lets the transaction commit
// (so the count and its event land) and answers with the refusal.
func (t *txn) codeSend(actor Actor, u User, what, dest string) (refusal, err error) {
	return t.codeSendOr(actor, u, what, dest, func(ends time.Time) string {
		return "Enter the last code sent, if it is still valid (codes work 5 minutes), or ask for a new one after " +
			ends.UTC().Format("15:04 MST") + "."
	})
}

// codeSendOr is codeSend with the refusal's guidance made by guidance from
// the time the window ends: a user is told one thing, the desk another.
func (t *txn) codeSendOr(actor Actor, u User, what, dest string, guidance func(ends time.Time) string) (refusal, err error) {
	limit, every := t.s.codeSendLimit()
	if err := t.pruneCodeSends(); err != nil {
		return nil, err
	}
	keys := [][]byte{store.U64(u.ID)}
	if dest != "" {
		// Keyed like the forgot-password throttle's entries, so a copy of
		// the file cannot confirm a number (R30). Without the key no code
		// can be issued anyway (newCode refuses, R37): nothing to count.
		sealer, err := t.deskKey()
		if err != nil {
			return nil, err
		}
		if sealer != nil {
			keys = append(keys, append([]byte{codeSendDestTag}, sealer.ThrottleKey().Entry("code destination:"+dest)...))
		}
	}
	windows := make([]codeSendWindow, len(keys))
	live := make([]bool, len(keys))
	for i, key := range keys {
		w, err := store.Get[codeSendWindow](t.tx, bCodeSends, key)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
		windows[i], live[i] = w, err == nil && t.now.Before(w.Since.Add(every))
	}
	for i, w := range windows {
		if !live[i] || w.Sent < limit {
			continue
		}
		w.Held++
		if err := store.Put(t.tx, bCodeSends, keys[i], w); err != nil {
			return nil, err
		}
		whose, who := "", "to "+u.Login()
		if i > 0 {
			whose, who = " to this destination", "to this destination, by any user"
		}
		ends := w.Since.Add(every)
		if err := t.audit(actor, ActCodeHeld, &u, Request{}, refusedOutcome("R23"),
			fmt.Sprintf("held back, no code sent for %s: %d codes sent %s since %s (at most %d per %s); %d held back in this window",
				what, w.Sent, who, w.Since.UTC().Format("15:04:05 MST"), limit, spanWords(every), w.Held)); err != nil {
			return nil, err
		}
		return refuseWith("R23", fmt.Sprintf("no new code was sent: %d codes were sent%s in the last %s, the most allowed", w.Sent, whose, spanWords(every)),
			guidance(ends)), nil
	}
	for i, w := range windows {
		if live[i] {
			w.Sent++
		} else {
			if !w.Since.IsZero() {
				// Its window ended and no write has pruned it yet.
				if err := t.tx.Delete(ixCodeSendTime, codeSendTimeKey(w.Since, keys[i])); err != nil {
					return nil, err
				}
			}
			w = codeSendWindow{Since: t.now, Sent: 1}
			if err := t.tx.PutRaw(ixCodeSendTime, codeSendTimeKey(t.now, keys[i]), nil); err != nil {
				return nil, err
			}
		}
		if err := store.Put(t.tx, bCodeSends, keys[i], w); err != nil {
			return nil, err
		}
	}
	return nil, nil
}

// codeSendDestTag starts a destination's key (a user's is its 8-byte id).
const codeSendDestTag = 'd'

func codeSendTimeKey(at time.Time, key []byte) []byte {
	return store.Key(store.U64(uint64(at.UnixNano())), key)
}

// pruneCodeSends drops up to codeSendPruneBatch windows that have ended,
// oldest first: at every code send and with the forgot-password prune.
func (t *txn) pruneCodeSends() error {
	_, every := t.s.codeSendLimit()
	cut := uint64(t.now.Add(-every).UnixNano())
	var done [][]byte
	err := t.tx.Scan(ixCodeSendTime, nil, nil, false, func(k, _ []byte) (bool, error) {
		if len(k) > 8 && store.ParseU64(k[:8]) > cut {
			return false, nil
		}
		done = append(done, append([]byte(nil), k...))
		return len(done) < codeSendPruneBatch, nil
	})
	if err != nil {
		return err
	}
	for _, k := range done {
		if err := t.tx.Delete(ixCodeSendTime, k); err != nil {
			return err
		}
		if len(k) > 8 {
			if err := t.tx.Delete(bCodeSends, k[8:]); err != nil {
				return err
			}
		}
	}
	return nil
}

// codeSendsHeldUntil is when u's window of code sends ends, if it is full
// now (else zero): the desk's offer of a code check says so before the
// operator picks it (R23, R41).
func (s *Service) codeSendsHeldUntil(tx *store.Tx, u User, now time.Time) time.Time {
	limit, every := s.codeSendLimit()
	w, err := store.Get[codeSendWindow](tx, bCodeSends, store.U64(u.ID))
	if err != nil || w.Sent < limit || !now.Before(w.Since.Add(every)) {
		return time.Time{}
	}
	return w.Since.Add(every)
}

// spanWords is a window as an operator says it: "15 minutes", "1 hour"
// (a whole number of them), else Go's form ("90s").
func spanWords(d time.Duration) string {
	switch {
	case d > 0 && d%time.Hour == 0:
		return plural.Count(int(d/time.Hour), "hour")
	case d > 0 && d%time.Minute == 0:
		return plural.Count(int(d/time.Minute), "minute")
	}
	return d.String()
}
