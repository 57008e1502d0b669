package accounts

import (
	"bytes"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"latchkey/store"
)

// rewriteAudit rewrites the audit trail the way someone holding the file
// could: the events (edited by edit, or cut off after keep) appended again
// through the chain's own Append, so every hash and the head are consistent
// and the chain verifies. Only a checkpoint kept elsewhere tells.
func rewriteAudit(t *testing.T, s *Service, keep uint64, edit func(*Event)) {
	t.Helper()
	scratch := store.Chain{Entries: bAudit, Meta: ixFullness} // a head of its own, copied over at the end
	err := s.db.Update(func(tx *store.Tx) error {
		var evs []Event
		if err := auditChain.Scan(tx, 0, false, func(en store.Entry) (bool, error) {
			e, err := decodeEvent(en)
			evs = append(evs, e)
			return err == nil, err
		}); err != nil {
			return err
		}
		for i := range evs {
			if err := tx.Delete(auditBucketOf(tx, evs[i].Seq), store.U64(evs[i].Seq)); err != nil {
				return err
			}
		}
		for _, e := range evs {
			if e.Seq > keep {
				break
			}
			if edit != nil {
				edit(&e)
			}
			e.Seq = 0
			if _, err := scratch.Append(tx, e); err != nil {
				return err
			}
		}
		return tx.Scan(ixFullness, []byte("chain_head:"), nil, false, func(k, v []byte) (bool, error) {
			k, v = bytes.Clone(k), bytes.Clone(v)
			if err := tx.PutRaw(store.MetaBucket, k, v); err != nil {
				return false, err
			}
			return false, tx.Delete(ixFullness, k)
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.VerifyAudit(); err != nil {
		t.Fatalf("the rewrite is not consistent: %v", err)
	}
}

// auditBucketOf is the bucket that holds audit entry seq: the tail for the
// newest (store/chaintail.go), else the audit bucket.
func auditBucketOf(tx *store.Tx, seq uint64) store.Bucket {
	if _, err := tx.GetRaw(bAuditTail, store.U64(seq)); err == nil {
		return bAuditTail
	}
	return bAudit
}

func breakAt(t *testing.T, err error, seq uint64) *AuditBreak {
	t.Helper()
	var b *AuditBreak
	if !errors.As(err, &b) || b.Seq != seq {
		t.Fatalf("R29: want a break naming event %d, got %v", seq, err)
	}
	return b
}

// R29: a signed checkpoint proves the trail still extends it; a consistent
// rewrite of one event and a cut-off tail are caught, naming the first
// event that differs (with its time, action and target) or is missing.
func TestAuditCheckpoint(t *testing.T) {
	s, _ := newTestService(t)
	p, owner, _ := practiceWith(t, s, "Anchor Clinic", 10)
	for _, n := range []string{"Ada One", "Bo Two", "Cy Three"} {
		activeUser(t, s, p.ID, n, Roles{}, owner.Email)
	}
	_, _ = s.Login(owner.Email, "wrong password")
	cp, err := s.AuditCheckpoint()
	if err != nil {
		t.Fatal(err)
	}
	if cp.Seq < 3 || len(cp.Signature) == 0 || cp.KeyID == "" {
		t.Fatalf("checkpoint %+v", cp)
	}
	keyPath, _ := s.SigningKeyPath()
	if filepath.Base(keyPath) != "audit-signing.key" {
		t.Fatalf("signing key at %s", keyPath)
	}
	// More events later: the trail still extends the checkpoint.
	_, _ = s.Login(owner.Email, "wrong again")
	if _, err := s.VerifyCheckpoint(cp); err != nil {
		t.Fatalf("R29: a trail that grew does not extend its checkpoint: %v", err)
	}
	// An altered checkpoint is refused.
	forged := cp
	forged.Seq--
	forged.Marks = forged.Marks[:len(forged.Marks)-4]
	if _, err := s.VerifyCheckpoint(forged); err == nil || !strings.Contains(err.Error(), "signature") {
		t.Fatalf("R29: an altered checkpoint was accepted: %v", err)
	}

	// A consistent rewrite of event 2.
	rewriteAudit(t, s, ^uint64(0), func(e *Event) {
		if e.Seq == 2 {
			e.Actor = "someone else"
		}
	})
	_, err = s.VerifyCheckpoint(cp)
	b := breakAt(t, err, 2)
	if b.Action == "" || b.Time.IsZero() || !strings.Contains(err.Error(), "R29") || !strings.Contains(err.Error(), "rewritten") {
		t.Fatalf("R29: the break does not say what the event is: %v", err)
	}
}

// R29: cutting the newest events off (and fixing the head) is caught by the
// checkpoint, naming the first missing event.
func TestAuditCheckpointCutTail(t *testing.T) {
	s, clock := newTestService(t)
	_, owner, _ := practiceWith(t, s, "Anchor Clinic", 10)
	for range 3 {
		_, _ = s.Login(owner.Email, "wrong password")
	}
	cp, err := s.AuditCheckpoint()
	if err != nil {
		t.Fatal(err)
	}
	rewriteAudit(t, s, cp.Seq-2, nil)
	_, err = s.VerifyCheckpoint(cp)
	breakAt(t, err, cp.Seq-1)
	if !strings.Contains(err.Error(), "cut off") {
		t.Fatalf("R29: %v", err)
	}
	// New events appended after the cut do not hide it.
	clock.Advance(time.Minute)
	_, _ = s.Login(owner.Email, "wrong password")
	_, _ = s.Login(owner.Email, "wrong password")
	_, err = s.VerifyCheckpoint(cp)
	breakAt(t, err, cp.Seq-1)
}

// R29: a broken chain is reported with the event's number, time, action and
// target.
func TestAuditBreakNamesTheEvent(t *testing.T) {
	s, _ := newTestService(t)
	_, owner, _ := practiceWith(t, s, "Broken Clinic", 10)
	_, _ = s.Login(owner.Email, "wrong password")
	n, _ := s.AuditCount()
	err := s.db.Update(func(tx *store.Tx) error {
		b := auditBucketOf(tx, n)
		raw, err := tx.GetRaw(b, store.U64(n))
		if err != nil {
			return err
		}
		return tx.PutRaw(b, store.U64(n), bytes.Replace(raw, []byte("login.failed"), []byte("login.faile_"), 1))
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.VerifyAudit()
	b := breakAt(t, err, n)
	if b.Time.IsZero() || b.Action != "login.faile_" || b.Target != owner.Email {
		t.Fatalf("R29: the break does not name the event: %+v", b)
	}
	if err := s.Check(); err == nil || !strings.Contains(err.Error(), owner.Email) {
		t.Fatalf("R29: check does not name the event's target: %v", err)
	}
	// Repair, for the cleanup check.
	_ = s.db.Update(func(tx *store.Tx) error {
		b := auditBucketOf(tx, n)
		raw, _ := tx.GetRaw(b, store.U64(n))
		return tx.PutRaw(b, store.U64(n), bytes.Replace(raw, []byte("login.faile_"), []byte("login.failed"), 1))
	})
}
