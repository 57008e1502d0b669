package accounts

// R29: the audit trail proves itself against a checkpoint kept outside the
// file. `latchkey audit checkpoint` signs the chain's head (and a short mark
// of every event up to it) with an Ed25519 key that lives beside the R37
// sealing key, never in the database; `latchkey check --checkpoint FILE`
// proves the log still extends it. Someone who can write the database file
// can re-hash a rewritten history into a consistent chain, but cannot sign a
// new checkpoint without the key, nor make the old one fit.

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"latchkey/mfa"
	"latchkey/store"
)

// CheckpointVersion is the format of a checkpoint file.
const CheckpointVersion = 1

// Checkpoint is a signed anchor of the audit chain.
type Checkpoint struct {
	Version  int       `json:"version"`
	Database string    `json:"database"` // where it was taken, for people; not checked
	Time     time.Time `json:"time"`
	store.ChainCheckpoint
	KeyID     string `json:"key_id"`     // the first bytes of the public key's hash
	PublicKey []byte `json:"public_key"` // Ed25519
	Signature []byte `json:"signature"`
}

// signedBytes is what the signature covers: the format, the head, the time
// and a hash of the marks.
func (c Checkpoint) signedBytes() []byte {
	b := []byte("latchkey audit checkpoint v1\x00")
	b = binary.BigEndian.AppendUint64(b, c.Seq)
	b = append(b, c.Hash...)
	b = append(b, 0)
	b = append(b, c.Time.UTC().Format(time.RFC3339Nano)...)
	b = append(b, 0)
	sum := sha256.Sum256(c.Marks)
	return append(b, sum[:]...)
}

// SigningKeyPath is the file of the checkpoint signing key: beside the R37
// key file, named audit-signing.key.
func (s *Service) SigningKeyPath() (string, error) {
	path := s.cfg.KeyFile
	if path == "" {
		var err error
		if path, err = mfa.DefaultKeyPath(); err != nil {
			return "", err
		}
	}
	return filepath.Join(filepath.Dir(path), "audit-signing.key"), nil
}

func (s *Service) signingKey(create bool) (ed25519.PrivateKey, error) {
	path, err := s.SigningKeyPath()
	if err != nil {
		return nil, err
	}
	load := mfa.LoadKeyBytes
	if create {
		load = mfa.LoadOrCreateKeyBytes
	}
	seed, err := load(path)
	if err != nil {
		return nil, err
	}
	return ed25519.NewKeyFromSeed(seed), nil
}

func keyID(pub []byte) string {
	h := sha256.Sum256(pub)
	return hex.EncodeToString(h[:8])
}

// AuditCheckpoint verifies the audit chain and signs its head, creating the
// signing key on first use (R29). A broken chain is not signed.
func (s *Service) AuditCheckpoint() (Checkpoint, error) {
	key, err := s.signingKey(true)
	if err != nil {
		return Checkpoint{}, err
	}
	var cp Checkpoint
	err = s.db.View(func(tx *store.Tx) error {
		if _, err := auditChain.Verify(tx); err != nil {
			return describeBreak(tx, err)
		}
		var err error
		cp.ChainCheckpoint, err = auditChain.Checkpoint(tx)
		return err
	})
	if err != nil {
		return Checkpoint{}, err
	}
	pub := key.Public().(ed25519.PublicKey)
	cp.Version, cp.Database, cp.Time = CheckpointVersion, s.Where(), s.Now().UTC()
	cp.PublicKey, cp.KeyID = pub, keyID(pub)
	cp.Signature = ed25519.Sign(key, cp.signedBytes())
	return cp, nil
}

// VerifyCheckpoint proves that the audit trail still extends cp (R29): cp
// was signed by this desk's key, the chain verifies, it holds every event
// cp anchors, and each of them is the one cp saw. It returns the number of
// events, or an error naming the first event that differs or is missing,
// with its time, action and target where the file still has it.
func (s *Service) VerifyCheckpoint(cp Checkpoint) (uint64, error) {
	if cp.Version != CheckpointVersion {
		return 0, fmt.Errorf("checkpoint: version %d, this latchkey reads version %d", cp.Version, CheckpointVersion)
	}
	key, err := s.signingKey(false)
	if err != nil {
		return 0, fmt.Errorf("checkpoint: the signing key is needed to trust a checkpoint: %w", err)
	}
	pub := key.Public().(ed25519.PublicKey)
	if !pub.Equal(ed25519.PublicKey(cp.PublicKey)) {
		return 0, fmt.Errorf("checkpoint: signed by key %s, not by this desk's key %s: it proves nothing here", keyID(cp.PublicKey), keyID(pub))
	}
	if !ed25519.Verify(pub, cp.signedBytes(), cp.Signature) {
		return 0, errors.New("checkpoint: the signature does not match its contents: the checkpoint file was altered")
	}
	var n uint64
	err = s.db.View(func(tx *store.Tx) error {
		var err error
		if n, err = auditChain.Verify(tx); err != nil {
			return describeBreak(tx, err)
		}
		if err := auditChain.Extends(tx, cp.ChainCheckpoint); err != nil {
			return describeBreak(tx, err)
		}
		return nil
	})
	return n, err
}

// AuditBreak is a chain that does not verify, or no longer extends a
// checkpoint (R29): the event's number and, where the file still holds it,
// its time, action and target.
type AuditBreak struct {
	Seq    uint64
	Time   time.Time // zero when the event is gone or unreadable
	Action string
	Target string
	Reason string
	err    *store.ChainError
}

func (e *AuditBreak) Error() string {
	what := fmt.Sprintf("event %d", e.Seq)
	if !e.Time.IsZero() {
		what += fmt.Sprintf(" (%s, %s", e.Time.UTC().Format("2006-01-02 15:04:05 UTC"), e.Action)
		if e.Target != "" {
			what += " on " + excerpt(e.Target)
		}
		what += ")"
	}
	return "R29: audit chain broken at " + what + ": " + e.Reason
}

func (e *AuditBreak) Unwrap() error { return e.err }

// describeBreak turns a *store.ChainError into an *AuditBreak that says
// which event it is; other errors pass through.
func describeBreak(tx *store.Tx, err error) error {
	var ce *store.ChainError
	if !errors.As(err, &ce) {
		return err
	}
	b := &AuditBreak{Seq: ce.Seq, Reason: ce.Reason, err: ce}
	if en, gerr := auditChain.Get(tx, ce.Seq); gerr == nil {
		if ev, derr := decodeEvent(en); derr == nil {
			b.Time, b.Action, b.Target = ev.Time, ev.Action, ev.Target
		}
	}
	return b
}

// describeBreak is describeBreak in a read transaction of its own, for an
// error that came out of one that has ended.
func (s *Service) describeBreak(err error) error {
	var ce *store.ChainError
	if !errors.As(err, &ce) {
		return err
	}
	var out error = err
	_ = s.db.View(func(tx *store.Tx) error {
		out = describeBreak(tx, ce)
		return nil
	})
	return out
}
