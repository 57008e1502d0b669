package accounts

import (
	"errors"
	"fmt"
	"time"

	"latchkey/store"
)

// Every right-password login without a code, every step-up and every SMS
// or email enrolment sends a one-time code (R23). Without a limit anyone
// holding a user's password could flood the user's phone with texts (and
// run up the desk's SMS bill), and an enrolment could text any number again
// and again. So a user is sent at most Config.CodeSendLimit code messages
// per Config.CodeSendWindow (5 per 15 minutes by default), counted together
// whatever the flow or destination. A send over the limit issues no new
// code and sends nothing: the live code, if any, still works. The user, who
// has just given the right password, is told so, naming R23; the held-back
// send is audited (with the running count of held-back sends), so a flood
// shows. A wrong password never reaches the limit (it is answered as ever,
// R11), so the limit says nothing about who has an account.
//
// Codes an operator sends to check a caller (R41) are not counted: they
// have their own guard (guessingRefusal) and must not be blocked by
// someone flooding the user's logins.
//
// A window is kept under the user's id in a small bucket of its own, off
// the users' records, and leaves the file when it ends: every write
// transaction prunes ended windows (updateAt), like the forgot-password
// throttle's (R16).

const (
	bCodeSends     store.Bucket = "code_sends"        // userID -> codeSendWindow
	ixCodeSendTime store.Bucket = "ix_code_send_time" // window start (unix ns)|userID: oldest first, for pruning
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
// "login", "confirming changing the sign-in method"). Under the limit it
// returns nil, nil and the caller sends. Over it, it audits the held-back
// send and returns the refusal naming R23: the caller then issues no code,
// sends nothing, writes nothing more, lets the transaction commit (so the
// count and its event land) and answers with the refusal.
func (t *txn) codeSend(actor Actor, u User, what string) (refusal, err error) {
	limit, every := t.s.codeSendLimit()
	key := store.U64(u.ID)
	w, err := store.Get[codeSendWindow](t.tx, bCodeSends, key)
	found := err == nil
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	ends := w.Since.Add(every)
	if found && t.now.Before(ends) {
		if w.Sent < limit {
			w.Sent++
			return nil, store.Put(t.tx, bCodeSends, key, w)
		}
		w.Held++
		if err := store.Put(t.tx, bCodeSends, key, w); err != nil {
			return nil, err
		}
		if err := t.audit(actor, ActCodeHeld, &u, Request{}, refusedOutcome("R23"),
			fmt.Sprintf("held back, no code sent for %s: %d codes sent since %s (at most %d per %s); %d held back in this window",
				what, w.Sent, w.Since.UTC().Format("15:04:05 MST"), limit, every, w.Held)); err != nil {
			return nil, err
		}
		return refuseWith("R23", fmt.Sprintf("no new code was sent: %d codes were sent in the last %s, the most allowed", w.Sent, every),
			"Enter the last code sent, if it is still valid (codes work 5 minutes), or ask for a new one after "+
				ends.UTC().Format("15:04 MST")+"."), nil
	}
	if found {
		// Its window ended and no write has pruned it yet.
		if err := t.tx.Delete(ixCodeSendTime, store.Key(store.U64(uint64(w.Since.UnixNano())), key)); err != nil {
			return nil, err
		}
	}
	if err := store.Put(t.tx, bCodeSends, key, codeSendWindow{Since: t.now, Sent: 1}); err != nil {
		return nil, err
	}
	return nil, t.tx.PutRaw(ixCodeSendTime, store.Key(store.U64(uint64(t.now.UnixNano())), key), nil)
}

// pruneCodeSends drops up to codeSendPruneBatch windows that have ended,
// oldest first. It runs in every write transaction (updateAt).
func (t *txn) pruneCodeSends() error {
	_, every := t.s.codeSendLimit()
	cut := uint64(t.now.Add(-every).UnixNano())
	var done [][]byte
	err := t.tx.Scan(ixCodeSendTime, nil, nil, false, func(k, _ []byte) (bool, error) {
		if len(k) == 16 && store.ParseU64(k[:8]) > cut {
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
		if len(k) == 16 {
			if err := t.tx.Delete(bCodeSends, k[8:]); err != nil {
				return err
			}
		}
	}
	return nil
}
