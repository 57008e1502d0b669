package accounts

import (
	"errors"

	"latchkey/mfa"
	"latchkey/store"
)

// How the audit trail names a login that matches no account (R29). What
// was typed is never stored: it may be a password typed into the login
// field, and the trail is append-only and kept for years. The trail holds
// one of three forms, all starting "unknown login":
//
//	unknown login #<12 hex>           before v2: an HMAC under a secret kept
//	                                  in the database itself (meta
//	                                  unknown_login_key), so any copy of the
//	                                  file could test candidate texts. These
//	                                  events stay as they are (events are
//	                                  never edited).
//	unknown login v2 #<12 hex>        HMAC-SHA-256 of the normalised text under
//	                                  the marker key, derived from the R37 key
//	                                  file outside the database (mfa.MarkerKey):
//	                                  a copy of the database alone cannot test
//	                                  a guess; every machine of the desk holds
//	                                  the same key file, so the same text gives
//	                                  the same marker and repeated attempts
//	                                  line up.
//	unknown login v2 (withheld, R37)  this machine does not hold the
//	                                  database's key file (or cannot use it).
//
// The v2 markers do not line up with the older ones: a new key, by design.
const (
	unknownLoginPrefix   = "unknown login v2 #"
	unknownLoginWithheld = "unknown login v2 (withheld, R37)"
	// withheldDetail goes into the event's detail with the withheld
	// marker: no path, no key id, nothing about the typed text.
	withheldDetail = "what was typed is withheld: this machine does not hold the database's key file (R37)"
	droppedDetail  = "the database's own unknown-login key, which earlier markers were made with, was dropped"
)

// oldUnknownLoginKey is where databases before v2 kept their marker secret.
// Keeping it helps nobody: no new marker is made with it, nothing reads the
// old markers back, and whoever holds a copy of the file could use it to test
// guesses against the old markers still in the trail. It is dropped at the
// first unknown login after the upgrade (the old events stay), so copies made
// from then on no longer carry it; copies made before still do, which no
// change here can help.
var oldUnknownLoginKey = []byte("unknown_login_key")

// unknownLogin is the marker for a login typed that matches no account, and
// a note for the event's detail ("" when there is nothing to say).
//
// Like a one-time code (codekey.go), the marker needs the key file: a fresh
// database on a fresh machine may create it here; once the database has
// recorded a key, a machine without it, or with another, never makes one.
// But a failed login must be audited whatever the machine (R29): it cannot be
// refused or lost for want of a key. So there the marker is withheld, with
// no hash at all: a hash under anything the database holds, or an unkeyed
// one, is exactly what a copy could test guesses against; a hash under
// another machine's own key would never line up with the desk's markers
// and look like a different text. Repeated attempts on that machine do not
// line up; `latchkey check` there warns, naming R37, that the key is
// missing.
func (t *txn) unknownLogin(typed string) (marker, note string, err error) {
	dropped, err := t.dropOldUnknownLoginKey()
	if err != nil {
		return "", "", err
	}
	if dropped {
		note = droppedDetail
	}
	key, err := t.markerKey()
	if err != nil {
		return "", "", err
	}
	if key == nil {
		return unknownLoginWithheld, joinDetail(withheldDetail, note), nil
	}
	return unknownLoginPrefix + key.Mark(normalizeLogin(typed)), note, nil
}

// markerKey loads the marker key as codeKey loads the code key (issuing):
// nil, with no error, when this machine has no usable key file that is the
// database's. Only the database's own errors come back as errors (the
// transaction must fail or be retried on them).
func (t *txn) markerKey() (*mfa.MarkerKey, error) {
	sealer, err := t.deskKey()
	if sealer == nil || err != nil {
		return nil, err
	}
	return sealer.MarkerKey(), nil
}

// deskKey loads the key file for a key derived from it that must not stop
// the action when this machine lacks it (the unknown-login marker, the
// forgot-password throttle): as for issuing a code, a fresh database may
// create the key file and records its id; nil, with no error, when this
// machine has no usable key file that is the database's.
func (t *txn) deskKey() (*mfa.Sealer, error) {
	recorded, err := recordedKeyID(t.tx)
	if err != nil {
		return nil, err
	}
	sealer, err := t.s.keyFor(recorded, true)
	if err == nil {
		err = keyMatches(recorded, sealer)
	}
	if err != nil {
		return nil, nil // a missing, unusable or other key file: withheld
	}
	if recorded == nil {
		if err := t.tx.PutRaw(store.MetaBucket, keySealKey, []byte(sealer.KeyID())); err != nil {
			return nil, err
		}
	}
	return sealer, nil
}

// dropOldUnknownLoginKey deletes the pre-v2 marker secret, if the database
// still holds it, and says whether it did.
func (t *txn) dropOldUnknownLoginKey() (bool, error) {
	_, err := t.tx.GetRaw(store.MetaBucket, oldUnknownLoginKey)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return true, t.tx.Delete(store.MetaBucket, oldUnknownLoginKey)
}

// joinDetail joins the parts of an event's detail that are not empty.
func joinDetail(parts ...string) string {
	out := ""
	for _, p := range parts {
		switch {
		case p == "":
		case out == "":
			out = p
		default:
			out += "; " + p
		}
	}
	return out
}
