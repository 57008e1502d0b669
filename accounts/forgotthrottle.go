package accounts

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"time"

	"latchkey/store"
)

// Anyone can type an address into "Forgot your password?", so anyone could
// fill a user's mailbox with reset emails (and bury a real one among them).
// At most one request per address is answered with an email per
// Config.ForgotEvery (5 minutes by default); the others are answered the
// same to the caller, send nothing, and are counted in the audit so a flood
// shows (R16). Known and unknown addresses are throttled alike, so the
// throttle tells nothing about who has an account.

const (
	bForgot      store.Bucket = "forgot_throttle" // sha256(normalized address) -> forgotWindow
	ixForgotTime store.Bucket = "ix_forgot_time"  // window start (unix ns)|sha256: oldest first, for pruning
)

// DefaultForgotEvery is the shipped throttle of "Forgot your password?".
const DefaultForgotEvery = 5 * time.Minute

// forgotWindow is one address's current window: when the answered request
// came, and how many requests were held back since.
type forgotWindow struct {
	Since      time.Time `json:"since"`
	Suppressed int       `json:"suppressed,omitempty"`
}

func (s *Service) forgotEvery() time.Duration {
	if s.cfg.ForgotEvery > 0 {
		return s.cfg.ForgotEvery
	}
	return DefaultForgotEvery
}

// forgotThrottle records a request for the address typed. It answers
// whether the request is held back, and the detail for its audit event: the
// running count of a flood, or how many were held back before this one.
func (t *txn) forgotThrottle(typed string) (held bool, detail string, err error) {
	every := t.s.forgotEvery()
	h := sha256.Sum256([]byte(normalizeLogin(typed)))
	key := h[:]
	w, err := store.Get[forgotWindow](t.tx, bForgot, key)
	found := err == nil
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return false, "", err
	}
	if found && t.now.Before(w.Since.Add(every)) {
		w.Suppressed++
		if err := store.Put(t.tx, bForgot, key, w); err != nil {
			return false, "", err
		}
		return true, fmt.Sprintf("throttled: %d requests for this address within %s; no email (one per %s)",
			w.Suppressed+1, every, every), nil
	}
	if found {
		if err := t.tx.Delete(ixForgotTime, forgotTimeKey(w.Since, key)); err != nil {
			return false, "", err
		}
		if w.Suppressed > 0 {
			detail = fmt.Sprintf("; %d throttled in the window before", w.Suppressed)
		}
	}
	if err := t.pruneForgot(every); err != nil {
		return false, "", err
	}
	nw := forgotWindow{Since: t.now}
	if err := store.Put(t.tx, bForgot, key, nw); err != nil {
		return false, "", err
	}
	return false, detail, t.tx.PutRaw(ixForgotTime, forgotTimeKey(t.now, key), nil)
}

func forgotTimeKey(at time.Time, key []byte) []byte {
	return store.Key(store.U64(uint64(at.UnixNano())), key)
}

// pruneForgot drops a few windows that have ended, oldest first, so that a
// flood of made-up addresses does not grow the file for ever.
func (t *txn) pruneForgot(every time.Duration) error {
	cutoff := uint64(t.now.Add(-every).UnixNano())
	var done [][]byte
	err := t.tx.Scan(ixForgotTime, nil, nil, false, func(k, _ []byte) (bool, error) {
		if len(k) < 8 || store.ParseU64(k[:8]) > cutoff {
			return false, nil
		}
		done = append(done, append([]byte(nil), k...))
		return len(done) < 64, nil
	})
	if err != nil {
		return err
	}
	for _, k := range done {
		if err := t.tx.Delete(ixForgotTime, k); err != nil {
			return err
		}
		if err := t.tx.Delete(bForgot, k[8:]); err != nil {
			return err
		}
	}
	return nil
}
