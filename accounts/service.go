// Package accounts holds the rules of SPEC.md. Every action is one Service
// method that runs one write transaction of the store: the change, its audit event
// (and, later, its outbox message) land together or not at all. Refusals are
// *RuleError values naming the rule.
package accounts

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"latchkey/internal/atomicfile"
	"latchkey/store"
)

// Config holds the configurable numbers of SPEC.md; DefaultConfig is what ships.
type Config struct {
	MaxFailures  int           // consecutive failed logins that lock an account (R11)
	LockDuration time.Duration // how long a lock lasts before it lifts by itself (R12)
	Hash         HashParams    // argon2id cost (R15)
	// SetupLinkMaxAge is the optional maximum age of an account-setup link
	// (R5); zero, the default, means no expiry.
	SetupLinkMaxAge time.Duration
	// ResetLinkTTL is how long a password-reset link works (R16).
	ResetLinkTTL time.Duration
	// ForgotEvery is how often "Forgot your password?" may email one
	// address (R16); zero means DefaultForgotEvery, 5 minutes.
	ForgotEvery time.Duration
	// CodeSendLimit one-time code messages (SMS or email) go to one user
	// per CodeSendWindow at most (R23); zero means the defaults, 5 per 15
	// minutes (codesendlimit.go).
	CodeSendLimit  int
	CodeSendWindow time.Duration
	// PortalForceChange makes a patient change a reset password at the next
	// login (R28).
	PortalForceChange bool
	// KeyFile holds the key TOTP secrets are sealed with, from which the
	// key one-time codes are hashed under is derived (R37); empty means
	// $LATCHKEY_KEY_FILE, else the user's config directory.
	KeyFile string
	// Preparing, when set, is told before New starts a one-time preparation
	// of an older file that takes seconds at a million users (moving its
	// users into shards), so a front end can say why it waits.
	Preparing func(what string)
}

// DefaultConfig is the configuration that ships.
func DefaultConfig() Config {
	return Config{MaxFailures: 5, LockDuration: 60 * time.Minute, Hash: DefaultHashParams,
		ResetLinkTTL: 60 * time.Minute, ForgotEvery: DefaultForgotEvery, PortalForceChange: true,
		CodeSendLimit: DefaultCodeSendLimit, CodeSendWindow: DefaultCodeSendWindow}
}

// Service is the account subsystem over one database file.
type Service struct {
	db    *store.DB
	clock Clock
	cfg   Config

	demo   atomic.Pointer[demoInfo] // nil for a database that is not a demo
	keys   secrets                  // the TOTP sealing key, loaded on first use (R37)
	forgot forgotHint               // when the oldest forgot-password window ends (forgotsweep.go)

	changes   atomic.Uint64 // the change feed: the newest committed audit event (changes.go)
	wake      waker         // closes a channel for the consoles waiting on the feed
	presence  presence      // who has which user open (presence.go)
	searches  atomic.Uint64 // searches run, for handing their mapped pages back (searchpages.go)
	userTable userTable     // each user's practice, for the search (searchtable.go)
	wordLists wordLists     // word lists kept between searches (searchcache.go)
	// legacyEvents: the file keeps the events of its schema 1 or 2 days in
	// ix_audit_user (userevents.go).
	legacyEvents bool

	clockMu sync.Mutex // demo-clock advances land one at a time, in order
	dummy   struct {
		once sync.Once
		hash string
	}
}

// Stats are running totals kept in the same transaction as every change, so
// headers and the licenses pane never count records.
type Stats struct {
	Practices int `json:"practices"`
	Users     int `json:"users"`
	Pending   int `json:"pending"`
	Active    int `json:"active"`
	Inactive  int `json:"inactive"`
	Purchased int `json:"purchased"`
	InUse     int `json:"in_use"`
	Locked    int `json:"locked"`
	AtCap     int `json:"at_capacity"`
}

// New returns a Service over an open database, preparing its schema.
func New(db *store.DB, clock Clock, cfg Config) (*Service, error) {
	if err := db.EnsureSchema(schemaVersion, migrations); err != nil {
		return nil, err
	}
	if err := splitUsers(db, cfg.Preparing); err != nil {
		return nil, fmt.Errorf("database %s: moving users into shards (schema 5): %w", db.Name(), err)
	}
	legacy, err := hasLegacyEvents(db)
	if err != nil {
		return nil, err
	}
	s := &Service{db: db, clock: clock, cfg: cfg, legacyEvents: legacy}
	if err := s.loadDemo(); err != nil {
		return nil, err
	}
	if _, err := s.refreshForgotHint(s.Now()); err != nil {
		return nil, err
	}
	s.follow()
	if err := s.loadChangeSeq(); err != nil {
		return nil, err
	}
	return s, nil
}

// Open opens the database file at path and returns its Service.
func Open(path string, clock Clock, cfg Config) (*Service, error) {
	db, err := store.Open(path, store.Options{})
	if err != nil {
		return nil, err
	}
	s, err := New(db, clock, cfg)
	if err != nil {
		_ = db.Close()
		return nil, err
	}
	return s, nil
}

// Close closes the database file.
func (s *Service) Close() error { return s.db.Close() }

// Where names the database for messages: a file's path, or a PostgreSQL
// URL without its password (R44).
func (s *Service) Where() string { return s.db.Name() }

// Engine is the kind of database the service runs on (R44).
func (s *Service) Engine() store.Engine { return s.db.Engine() }

// BackupFile writes a consistent copy of the database to a new bbolt file
// at path, owner-only (R36); a PostgreSQL database is copied into a bbolt
// file record by record, from one committed state. The copy is written to a
// temporary file beside path and linked under its name only once complete
// and synced, so a killed backup never leaves a truncated file there.
func (s *Service) BackupFile(path string) (int64, error) {
	var n int64
	err := atomicfile.WriteNew(path, func(tmp string) error {
		var err error
		n, err = s.db.BackupFile(tmp, auditChain)
		return err
	})
	return n, err
}

// Config is the service's configuration.
func (s *Service) Config() Config { return s.cfg }

// Now is the service's time: the clock, plus the demo offset in a demo database (R39).
func (s *Service) Now() time.Time {
	now := s.clock.Now()
	if d := s.demo.Load(); d != nil {
		now = now.Add(d.Offset)
	}
	return now
}

// txn is one write transaction of an action: the store transaction and the
// time the action happens at.
type txn struct {
	tx  *store.Tx
	now time.Time
	s   *Service

	swept int // locks lifted as the transaction began
	// forgotPruned: the forgot-password throttle was pruned, and
	// forgotNext is when its oldest window left ends (forgotsweep.go).
	forgotPruned bool
	forgotNext   time.Time
	lastSeq      uint64 // the newest audit event this transaction appended
	st           *Stats // running totals, read once and written once per transaction
	stDirty      bool

	// Records this transaction decoded that a long transaction (a demo's
	// batch of practices) asks for again and again: a practice as of its
	// last write here, and requesters by login until their record is
	// written. See practice and requester in records.go.
	practices    map[uint64]Practice
	held         heldPractice // a practice whose writes the seeding holds (holdPractice)
	lastUser     User         // the user putUser wrote last (see user)
	requesters   map[string]User
	requesterIDs map[uint64]bool // the ids in requesters (putUser looks here first)
	// fresh holds the practices this transaction created, each with
	// whether it has added a user to it since: a practice created here has
	// no other users, so the check for a first user needs no scan (which,
	// in a bulk load, would wait for every write sent to be applied).
	fresh map[uint64]bool
	// redirectApproved is the user whose setup email a second operator's
	// approval is sending to a new address now (R42, setupredirect.go).
	redirectApproved uint64
	// proven is the caller check this transaction consumed as an asker's
	// proven request (provenRequest): a replace's two halves share it.
	proven Verification
}

// update runs fn as one write transaction at the service's time. Locks whose
// time is up are lifted first (R12), so no action ever sees a stale lock.
func (s *Service) update(fn func(t *txn) error) error {
	return s.updateAt(s.Now(), fn)
}

func (s *Service) updateAt(now time.Time, fn func(t *txn) error) error {
	var last *txn // the attempt that committed (an engine may retry fn)
	scan := s.forgotScanWanted(now)
	err := s.db.Update(func(tx *store.Tx) error {
		t := &txn{tx: tx, now: now, s: s}
		last = t
		var err error
		if t.swept, err = t.sweepDue(); err != nil {
			return err
		}
		if err := fn(t); err != nil {
			return err
		}
		// After fn, so a forgot-password request still finds its own
		// ended window (and its count) before it goes (R16); only when a
		// window may have ended (forgotsweep.go), so other writes do not
		// read the throttle's index for nothing.
		if scan {
			if t.forgotNext, err = t.pruneForgot(); err != nil {
				return err
			}
			t.forgotPruned = true
			// Ended windows of code sends go on the same round (R23,
			// codesendlimit.go), so other writes read no index for them.
			if err := t.pruneCodeSends(); err != nil {
				return err
			}
		}
		return t.flush()
	})
	if err == nil && last != nil && last.forgotPruned {
		s.forgotPruned(last.forgotNext, now)
	}
	if err == nil && last != nil && last.lastSeq > 0 {
		s.published(last.lastSeq)
	}
	return err
}

// act runs an action by actor on a target. If a rule refuses it, nothing of
// the action lands, and the refusal itself is audited in its own transaction,
// so attempts the desk turned down stay on record. target may hold only the
// user's id, for fn to fill in as it reads the user (one read, inside the
// transaction); a refusal reads the rest.
func (s *Service) act(actor Actor, action string, target *User, req Request, fn func(t *txn) error) error {
	if err := checkRequest(actor, action, &req); err != nil {
		return err // free text that cannot be recorded: nothing happens
	}
	err := s.update(func(t *txn) error {
		if actor.ReadOnly {
			// Refused before any rule is weighed; appending an event would
			// refuse it anyway (audit.go), whatever path a write takes.
			return readOnlyRefusal(actor.Name)
		}
		if err := t.checkFresh(target, req.Version); err != nil {
			return err // the form was opened on an older record (R35)
		}
		if err := fn(t); err != nil {
			return err
		}
		return checkReasonGiven(actor, action, req)
	})
	if err != nil {
		if target != nil && target.ID != 0 && target.PracticeID == 0 {
			// Only the id was given (the action reads its user inside the
			// transaction, and was refused before): the refusal's event
			// names the user as they are.
			u, uerr := s.User(target.ID)
			if uerr != nil {
				u = User{}
			}
			*target = u
		}
		return s.recordRefusal(refusalEvent(actor, action, target, req), err)
	}
	return nil
}

func (t *txn) stats() (Stats, error) {
	if t.st != nil {
		return *t.st, nil
	}
	var st Stats
	raw, err := t.tx.GetRaw(store.MetaBucket, keyStats)
	switch {
	case errors.Is(err, store.ErrNotFound):
		err = nil
	case err == nil:
		st, err = decodeStats(raw) // by hand: statsjson.go
	}
	t.st = &st
	return st, err
}

func (t *txn) changeStats(fn func(*Stats)) error {
	if _, err := t.stats(); err != nil {
		return err
	}
	fn(t.st)
	t.stDirty = true
	return nil
}

// flush writes what the transaction kept in memory (the totals).
func (t *txn) flush() error {
	if err := t.releasePractice(); err != nil {
		return err
	}
	if !t.stDirty {
		return nil
	}
	return store.Put(t.tx, store.MetaBucket, keyStats, *t.st)
}

// Stats returns the running totals.
func (s *Service) Stats() (Stats, error) {
	var st Stats
	err := s.db.View(func(tx *store.Tx) error {
		var err error
		st, err = (&txn{tx: tx}).stats()
		return err
	})
	return st, err
}

// Check verifies the database (a file page by page) and the whole audit
// chain (R29, R36).
// The running totals and each practice's licenses in use are recomputed
// from the records (R1, R44).
func (s *Service) Check() error { return s.CheckProgress(nil) }

// CheckProgress is Check, telling progress (if not nil) how far it has come
// as it goes: for a progress bar on a terminal.
func (s *Service) CheckProgress(progress func(store.Progress)) error {
	ctx := context.Background()
	if progress != nil {
		ctx = store.WithProgress(ctx, progress)
	}
	return s.describeBreak(s.db.CheckWith(ctx, verifyRecords, auditChain))
}

// dummyHash is a real hash of nothing in particular: logins for unknown names
// verify against it, so they cost what a real login costs and timing tells
// nothing about who has an account.
func (s *Service) dummyHash() string {
	s.dummy.once.Do(func() { s.dummy.hash = hashPassword("latchkey-no-such-user", s.cfg.Hash) })
	return s.dummy.hash
}
