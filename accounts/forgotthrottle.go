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
//
// What the throttle remembers is itself kept from copies of the file
// (backups, `latchkey copy`, pg_dump). An entry is keyed by an HMAC of the
// normalised address under the throttle key, derived from the R37 key file
// outside the database under its own label (mfa.ThrottleKey): a copy alone
// cannot confirm a candidate address against the entries, nor so name the
// unknown-login marker of the request at the entry's time (R29, R30), while
// every machine holding the desk's key file keys an address alike, so the
// desk throttles as one. And an entry leaves the file when its window ends:
// write transactions prune ended windows (updateAt) and so does the sweeper
// (Sweep), which the console runs when one ends (SweepDue), so no entry
// outlives its window by more than forgotRescan (forgotsweep.go).

const (
	bForgot      store.Bucket = "forgot_throttle" // forgotKeyVersion|HMAC(throttle key, normalized address) -> forgotWindow
	ixForgotTime store.Bucket = "ix_forgot_time"  // window start (unix ns)|entry key: oldest first, for pruning
)

// forgotKeyVersion starts every keyed entry's key, so entries written before
// entries were keyed (the plain sha256 of the address, 32 bytes, which any
// copy could test guesses against) are told apart by their length. They are
// dropped at the first write after the upgrade (pruneForgot), whether or not
// their window has ended: they are throttle state only, so at most one
// window of suppression is lost for the addresses they held (a request
// within it may send one more email), and the unkeyed hashes leave the file
// (copies made before keep them; nothing here can help that). Being older
// than any keyed entry, they are the first the prune meets; one an older
// binary wrote since (a desk upgrading machine by machine) goes when the
// prune reaches it, at the latest when its window ends.
const forgotKeyVersion = 2

// forgotKeyLen is the length of a keyed entry's key.
const forgotKeyLen = 1 + sha256.Size

// forgotPruneBatch bounds the ended windows one transaction drops, so a
// flood of made-up addresses never makes one write slow; Sweep repeats.
const forgotPruneBatch = 64

// DefaultForgotEvery is the shipped throttle of "Forgot your password?".
const DefaultForgotEvery = 5 * time.Minute

// forgotWindow is one address's current window: when the answered request
// came, and how many requests were held back since.
type forgotWindow struct {
	Since      time.Time `json:"since"`
	Suppressed int       `json:"suppressed,omitempty"`
}

// forgotKeylessDetail is the held-back event's detail on a machine without
// the database's key file: no path, no key id, nothing about the address.
const forgotKeylessDetail = "held back, no email: this machine does not hold the database's key file, which keys the throttle of \"Forgot your password?\" (R37, R16)"

func (s *Service) forgotEvery() time.Duration {
	if s.cfg.ForgotEvery > 0 {
		return s.cfg.ForgotEvery
	}
	return DefaultForgotEvery
}

// forgotThrottle records a request for the address typed. It answers
// whether the request is held back, the rule that held it back, and the
// detail for its audit event: the running count of a flood, or how many
// were held back before this one. Ended windows are pruned after it, in
// the same transaction (updateAt), held back or not, whenever one may have
// ended.
//
// A machine without the database's key file (none, another, unusable)
// holds back every request, known address or not, sends nothing, writes no
// entry, and says so in the event naming R37; the caller gets the same
// answer as ever. Every other choice breaks a rule: an entry under anything
// the database holds, or an unkeyed hash, is what a copy could test guesses
// against (R29, R30); an entry under a key of that machine's own (made up,
// or kept in memory) lines up with no other machine's, so each machine
// without the key, and each restart of one, could send one more email for
// the same address within the window (R16); refusing the caller would be
// an error where the answer must never vary. Holding back keeps R16 (at
// most one email per window: none), tells the caller nothing, and fails
// safe: the user asks again where the key file is, and `latchkey check`
// on that machine warns, naming R37, that its key file is missing.
func (t *txn) forgotThrottle(typed string) (held bool, rule, detail string, err error) {
	every := t.s.forgotEvery()
	sealer, err := t.deskKey()
	if err != nil {
		return false, "", "", err
	}
	if sealer == nil {
		return true, "R37", forgotKeylessDetail, nil
	}
	key := append([]byte{forgotKeyVersion}, sealer.ThrottleKey().Entry(normalizeLogin(typed))...)
	w, err := store.Get[forgotWindow](t.tx, bForgot, key)
	found := err == nil
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return false, "", "", err
	}
	if found && t.now.Before(w.Since.Add(every)) {
		w.Suppressed++
		if err := store.Put(t.tx, bForgot, key, w); err != nil {
			return false, "", "", err
		}
		return true, "R16", fmt.Sprintf("throttled: %d requests for this address within %s; no email (one per %s)",
			w.Suppressed+1, every, every), nil
	}
	if found {
		// Its window ended and no write has pruned it yet.
		if err := t.tx.Delete(ixForgotTime, forgotTimeKey(w.Since, key)); err != nil {
			return false, "", "", err
		}
		if w.Suppressed > 0 {
			detail = fmt.Sprintf("; %d throttled in the window before", w.Suppressed)
		}
	}
	nw := forgotWindow{Since: t.now}
	if err := store.Put(t.tx, bForgot, key, nw); err != nil {
		return false, "", "", err
	}
	return false, "", detail, t.tx.PutRaw(ixForgotTime, forgotTimeKey(t.now, key), nil)
}

func forgotTimeKey(at time.Time, key []byte) []byte {
	return store.Key(store.U64(uint64(at.UnixNano())), key)
}

// forgotEnded says whether the oldest entry of the index is due to go: its
// window ended at or before now, or it is from before entries were keyed.
func forgotEnded(k []byte, now time.Time, every time.Duration) bool {
	return len(k) != 8+forgotKeyLen || store.ParseU64(k[:8]) <= uint64(now.Add(-every).UnixNano())
}

// pruneForgot drops up to forgotPruneBatch entries whose window has ended,
// oldest first, with any entry from before entries were keyed
// (forgotKeyVersion), and returns when the oldest window left ends (zero:
// none; now: more to drop). It runs in write transactions (updateAt)
// whenever the service's hint says a window may have ended, so a held-back
// request, a flood of made-up addresses or any unrelated write clears what
// ended: no address is remembered past its window. It needs no key, so a
// machine without the key file prunes too.
func (t *txn) pruneForgot() (time.Time, error) {
	every := t.s.forgotEvery()
	var done [][]byte
	var next time.Time
	err := t.tx.Scan(ixForgotTime, nil, nil, false, func(k, _ []byte) (bool, error) {
		if !forgotEnded(k, t.now, every) {
			next = forgotEnd(k, t.now, every)
			return false, nil
		}
		if len(done) == forgotPruneBatch {
			next = t.now // more ended than one write drops
			return false, nil
		}
		done = append(done, append([]byte(nil), k...))
		return true, nil
	})
	if err != nil {
		return time.Time{}, err
	}
	for _, k := range done {
		if err := t.tx.Delete(ixForgotTime, k); err != nil {
			return time.Time{}, err
		}
		if len(k) > 8 {
			if err := t.tx.Delete(bForgot, k[8:]); err != nil {
				return time.Time{}, err
			}
		}
	}
	return next, nil
}
