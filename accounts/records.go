package accounts

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"

	"latchkey/store"
)

// getUser reads a user by id.
func getUser(tx *store.Tx, id uint64) (User, error) {
	raw, err := tx.GetRaw(usersBucketOf(id), store.U64(id))
	if errors.Is(err, store.ErrNotFound) {
		return User{}, &NotFoundError{What: "user", Key: "#" + strconv.FormatUint(id, 10)}
	}
	if err != nil {
		return User{}, err
	}
	u, err := decodeUser(raw) // by hand: userjson.go
	if err != nil {
		return u, fmt.Errorf("store: record %s/%x: %w", usersBucketOf(id), store.U64(id), err)
	}
	return u, nil
}

// userByLogin reads a user by login email or username (case-insensitive).
func userByLogin(tx *store.Tx, login string) (User, error) {
	raw, err := tx.GetRaw(ixLogin, []byte(normalizeLogin(login)))
	if errors.Is(err, store.ErrNotFound) {
		return User{}, &NotFoundError{What: "user", Key: login}
	}
	if err != nil {
		return User{}, err
	}
	return getUser(tx, store.ParseU64(raw))
}

// loginTaken reports whether a login email or username is in use (R9).
func loginTaken(tx *store.Tx, login string) (bool, error) {
	_, err := tx.GetRaw(ixLogin, []byte(normalizeLogin(login)))
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// practice is getPractice, remembered for the rest of the transaction
// (putPractice keeps the remembered one current). Practice holds no
// pointers, so the copy handed out shares nothing with it.
func (t *txn) practice(id uint64) (Practice, error) {
	if p, ok := t.practices[id]; ok {
		return p, nil
	}
	p, err := getPractice(t.tx, id)
	if err == nil {
		if t.practices == nil {
			t.practices = map[uint64]Practice{}
		}
		t.practices[id] = p
	}
	return p, err
}

// user is getUser, answered without decoding when it is the user this
// transaction wrote last and their record holds nothing shared (no MFA
// secret, code or enrolment: a plain value, so the copy handed out shares
// nothing with it). A new user's setup email reads the user just created.
func (t *txn) user(id uint64) (User, error) {
	if u := t.lastUser; u.ID == id && id != 0 && u.MFA.Secret == nil && u.MFA.UsedSteps == nil &&
		u.MFA.Challenge == nil && u.MFA.Pending == nil {
		return u, nil
	}
	return getUser(t.tx, id)
}

// requester is userByLogin for the practice person who asked for an action,
// remembered until putUser writes that person's record.
func (t *txn) requester(login string) (User, error) {
	if u, ok := t.requesters[login]; ok {
		return u, nil
	}
	u, err := userByLogin(t.tx, login)
	if err == nil {
		if t.requesters == nil {
			t.requesters, t.requesterIDs = map[string]User{}, map[uint64]bool{}
		}
		t.requesters[login] = u
		t.requesterIDs[u.ID] = true
	}
	return u, err
}

func getPractice(tx *store.Tx, id uint64) (Practice, error) {
	p, err := store.Get[Practice](tx, bPractices, store.U64(id))
	if errors.Is(err, store.ErrNotFound) {
		return p, &NotFoundError{What: "practice", Key: strconv.FormatUint(id, 10)}
	}
	return p, err
}

func lockoutKey(u User) []byte {
	return u64Pair(uint64(u.LockedUntil.UnixNano()), u.ID)
}

func practiceUserKey(u User) []byte { return u64Pair(u.PracticeID, u.ID) }

// u64Pair is store.Key(store.U64(a), store.U64(b)) in one allocation, not
// three: a demo build makes one or two such keys for each of a million
// users (their practice's entry, their events').
func u64Pair(a, b uint64) []byte {
	k := make([]byte, 16)
	binary.BigEndian.PutUint64(k, a)
	binary.BigEndian.PutUint64(k[8:], b)
	return k
}

// putUser writes u and keeps every index and total that depends on it in step.
// old is the record before the change (nil for a new user).
func (t *txn) putUser(old *User, u User) error {
	tx := t.tx
	if old != nil && old.PracticeID != u.PracticeID {
		// No change moves a user (a replacement is a new user), and the
		// search's practice table (searchtable.go) relies on it.
		return fmt.Errorf("accounts: user %d cannot move from practice %d to %d", u.ID, old.PracticeID, u.PracticeID)
	}
	if old != nil {
		if old.Status != u.Status {
			if err := statusTransition(old.Status, u.Status); err != nil {
				return err
			}
		}
		if err := mfaTransition(old.MFA.State(), u.MFA.State()); err != nil {
			return err
		}
		if old.LockState() != u.LockState() {
			if err := lockTransition(old.LockState(), u.LockState()); err != nil {
				return err
			}
		}
		if err := t.unindexUser(*old, u); err != nil {
			return err
		}
	} else if err := statusTransition("", u.Status); err != nil {
		return err
	}
	if err := putUserRecord(tx, u); err != nil {
		return err
	}
	t.lastUser = u
	if t.requesterIDs[u.ID] { // remembered as a requester: forget them
		for login, r := range t.requesters {
			if r.ID == u.ID {
				delete(t.requesters, login)
			}
		}
		delete(t.requesterIDs, u.ID)
	}
	if err := t.indexUser(old, u); err != nil {
		return err
	}
	return t.changeStats(func(st *Stats) {
		if old == nil {
			st.Users++
		} else {
			countStatus(st, old.Status, -1)
			if old.Locked() {
				st.Locked--
			}
		}
		countStatus(st, u.Status, +1)
		if u.Locked() {
			st.Locked++
		}
	})
}

func countStatus(st *Stats, s Status, d int) {
	switch s {
	case StatusPending:
		st.Pending += d
	case StatusActive:
		st.Active += d
	case StatusInactive:
		st.Inactive += d
	}
}

// unindexUser removes the index entries of old that u no longer has.
func (t *txn) unindexUser(old, u User) error {
	tx := t.tx
	if old.Login() != u.Login() {
		if err := tx.Delete(ixLogin, []byte(normalizeLogin(old.Login()))); err != nil {
			return err
		}
	}
	if old.Locked() && !old.LockedUntil.Equal(u.LockedUntil) {
		if err := tx.Delete(ixLockouts, lockoutKey(old)); err != nil {
			return err
		}
	}
	if old.PracticeID != u.PracticeID {
		if err := tx.Delete(ixPracticeUsers, practiceUserKey(old)); err != nil {
			return err
		}
	}
	return nil
}

// indexUser adds the index entries u needs that old (if any) did not have.
func (t *txn) indexUser(old *User, u User) error {
	tx := t.tx
	if old == nil || old.Login() != u.Login() {
		if err := tx.PutRaw(ixLogin, []byte(normalizeLogin(u.Login())), store.U64(u.ID)); err != nil {
			return err
		}
	}
	if u.Locked() && (old == nil || !old.LockedUntil.Equal(u.LockedUntil)) {
		if err := tx.PutRaw(ixLockouts, lockoutKey(u), nil); err != nil {
			return err
		}
	}
	if old == nil || old.PracticeID != u.PracticeID {
		if err := tx.PutRaw(ixPracticeUsers, practiceUserKey(u), nil); err != nil {
			return err
		}
		if _, ok := t.fresh[u.PracticeID]; ok {
			t.fresh[u.PracticeID] = true
		}
	}
	if old != nil && old.PracticeID == u.PracticeID && old.Name == u.Name && old.Email == u.Email && old.Username == u.Username {
		return nil // what userDoc reads is unchanged: so are the doc and words
	}
	var oldDoc *searchDoc
	if old != nil {
		d := userDoc(*old)
		oldDoc = &d
	}
	return userSpace.index(tx, u.ID, oldDoc, userDoc(u))
}

// putPractice writes p and keeps the fullness index and totals in step.
func (t *txn) putPractice(old *Practice, p Practice) error {
	if p.InUse > p.Purchased {
		// R1 is checked before every change; reaching here is a bug, and the
		// whole transaction is abandoned rather than land a broken count.
		return refuse("R1", "licenses in use would exceed licenses purchased")
	}
	if h := &t.held; h.id != 0 && h.id == p.ID {
		if old != nil && old.Name == p.Name && t.practices != nil {
			// Held (holdPractice): remembered, written once when released.
			if !h.dirty {
				h.old, h.dirty = *old, true
			}
			h.cur = p
			t.practices[p.ID] = p
			return t.changeStats(practiceStats(old, p))
		}
		if err := t.releasePractice(); err != nil { // stored as it is now: old
			return err
		}
	}
	if err := t.writePractice(old, p); err != nil {
		return err
	}
	return t.changeStats(practiceStats(old, p))
}

// writePractice writes p's record and its index entries in place of old's.
func (t *txn) writePractice(old *Practice, p Practice) error {
	tx := t.tx
	if old != nil {
		if err := tx.Delete(ixFullness, fullnessKey(*old)); err != nil {
			return err
		}
		if old.Name != p.Name {
			for _, tok := range nameWords(old.Name) {
				if err := tx.Delete(ixPracticeName, searchKey(tok, old.ID)); err != nil {
					return err
				}
			}
		}
	}
	if old == nil || old.Name != p.Name {
		for _, tok := range nameWords(p.Name) {
			if err := tx.PutRaw(ixPracticeName, searchKey(tok, p.ID), nil); err != nil {
				return err
			}
		}
	}
	if err := tx.PutRaw(ixFullness, fullnessKey(p), nil); err != nil {
		return err
	}
	if err := putPracticeRecord(tx, p); err != nil {
		return err
	}
	if t.practices != nil {
		t.practices[p.ID] = p
	}
	return nil
}

// practiceStats moves the totals from old (nil: a new practice) to p.
func practiceStats(old *Practice, p Practice) func(st *Stats) {
	return func(st *Stats) {
		if old == nil {
			st.Practices++
		} else {
			st.Purchased -= old.Purchased
			st.InUse -= old.InUse
			if old.AtCapacity() {
				st.AtCap--
			}
		}
		st.Purchased += p.Purchased
		st.InUse += p.InUse
		if p.AtCapacity() {
			st.AtCap++
		}
	}
}

// heldPractice is a practice whose record and fullness entry a demo's
// seeding writes once for a run of users added to it, not once for each
// (holdPractice): at 10,000 practices, 1.1 million writes of a record and
// two of an index entry that the next user's replaced. Its totals move at
// each change as ever, and the transaction reads it as it is now
// (txn.practice); nothing in the run reads it from the store.
type heldPractice struct {
	id       uint64 // 0: none held
	old, cur Practice
	dirty    bool // changed since held: old is as stored, cur as it is now
}

// holdPractice holds practice id's writes by putPractice until
// releasePractice (or the next holdPractice) writes the net change: the
// same record and index entries as writing each change, for the seeding's
// runs of createUser, where nothing reads the practice but through
// txn.practice.
func (t *txn) holdPractice(id uint64) error {
	if err := t.releasePractice(); err != nil {
		return err
	}
	t.held.id = id
	return nil
}

// releasePractice writes the held practice as it is now, if it changed.
func (t *txn) releasePractice() error {
	h := t.held
	t.held = heldPractice{}
	if h.id == 0 || !h.dirty {
		return nil
	}
	return t.writePractice(&h.old, h.cur)
}

// fullnessKey orders practices fullest first (share of licenses in use,
// descending), then by id.
func fullnessKey(p Practice) []byte {
	const scale = 1_000_000
	share := uint64(scale)
	if p.Purchased > 0 {
		share = uint64(p.InUse) * scale / uint64(p.Purchased)
	}
	return u64Pair(scale-share, p.ID)
}

// searchKey is an entry of a token index: token, a zero byte, the id.
func searchKey(token string, id uint64) []byte {
	return store.Key([]byte(token), []byte{0}, store.U64(id))
}

// userDoc is what a user is searched by: the words of their name; of their
// login email, both sides of the @; of their username. (The words of their
// practice's name count too, through the practice index.)
func userDoc(u User) searchDoc {
	return searchDoc{practice: u.PracticeID, name: nameWords(u.Name), other: userLoginWords(u)}
}

// userLoginWords are the words of a user's login email (both sides of the
// @, as it is shown: an international domain as typed, bücher.example, not
// its ASCII form's "xn", "bcher", "kva") and username: their runs of
// letters and digits, never run together as a name's parts are, so
// "williams" does not find william.schmidt@… (files written before this
// kept them run together: see matcher.rank).
func userLoginWords(u User) []string {
	// Most users have one of the two (tokenize's words have no repeats).
	switch {
	case u.Username == "":
		return tokenize(u.Email)
	case u.Email == "":
		return tokenize(u.Username)
	}
	return dedupe(append(tokenize(u.Email), tokenize(u.Username)...))
}

// practiceNames reads each practice's name once within one transaction,
// for listings that show the practice beside each of many rows.
type practiceNames map[uint64]string

func (n practiceNames) of(tx *store.Tx, id uint64) (string, error) {
	if name, ok := n[id]; ok {
		return name, nil
	}
	p, err := getPractice(tx, id)
	if err != nil {
		return "", err
	}
	n[id] = p.Name
	return p.Name, nil
}
