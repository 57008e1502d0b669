package store

import (
	"encoding/hex"
	"fmt"
)

// R29: a checkpoint anchors a chain outside its file. A hash chain alone
// proves only that the log is consistent with itself: whoever holds the
// file can rewrite an event and re-hash everything after it (a consistent
// rewrite), or cut the newest events off and fix the head. A checkpoint
// taken earlier, signed and kept elsewhere, records the head then and a
// short mark of every event up to it; a log that no longer extends it is
// caught, and the first event that differs is named.
//
// This file uses only the chain's public reading functions (Len, Scan), so
// it does not depend on how entries are stored.

// markLen is how many bytes of each entry's hash a checkpoint keeps: enough
// that a rewritten event matches its old mark by chance once in 4 billion,
// small enough that a million events make a 4 MB checkpoint.
const markLen = 4

// ChainCheckpoint is a chain's head at one moment and the first markLen
// bytes of every entry's hash up to it.
type ChainCheckpoint struct {
	Seq   uint64 `json:"seq"`
	Hash  string `json:"hash"`
	Marks []byte `json:"marks"`
}

// Checkpoint reads the chain's head and the marks of all its entries. The
// caller verifies the chain first: a checkpoint of a broken chain anchors
// nothing.
func (c Chain) Checkpoint(tx *Tx) (ChainCheckpoint, error) {
	var cp ChainCheckpoint
	cp.Marks = make([]byte, 0, markLen*int(min(c.Len(tx), 1<<24)))
	err := c.Scan(tx, 0, false, func(e Entry) (bool, error) {
		m, err := mark(e)
		if err != nil {
			return false, err
		}
		cp.Seq, cp.Hash = e.Seq, e.Hash
		cp.Marks = append(cp.Marks, m...)
		return true, nil
	})
	return cp, err
}

// Extends reports whether the chain still extends cp: it holds cp.Seq
// entries or more, every entry up to cp.Seq carries the mark cp recorded,
// and entry cp.Seq has cp's hash. Otherwise it returns a *ChainError naming
// the first entry that differs, or the first one missing.
func (c Chain) Extends(tx *Tx, cp ChainCheckpoint) error {
	if uint64(len(cp.Marks)) != cp.Seq*markLen {
		return fmt.Errorf("the checkpoint is damaged: %d marks for %d events", len(cp.Marks)/markLen, cp.Seq)
	}
	var n uint64
	var bad *ChainError
	var head Entry
	err := c.Scan(tx, 0, false, func(e Entry) (bool, error) {
		if e.Seq > cp.Seq {
			return false, nil
		}
		n = e.Seq
		m, err := mark(e)
		if err != nil {
			return false, err
		}
		if e.Seq == 0 || string(m) != string(cp.Marks[(e.Seq-1)*markLen:e.Seq*markLen]) {
			bad = &ChainError{Seq: e.Seq, Reason: "differs from the checkpoint: history was rewritten after it was taken"}
			return false, nil
		}
		head = e
		return true, nil
	})
	switch {
	case err != nil:
		return err
	case bad != nil:
		return bad
	case n < cp.Seq:
		return &ChainError{Seq: n + 1, Reason: fmt.Sprintf("is missing: the log ends at event %d but the checkpoint holds %d (events were cut off)", n, cp.Seq)}
	case cp.Seq > 0 && head.Hash != cp.Hash:
		return &ChainError{Seq: cp.Seq, Reason: "differs from the checkpoint's head: history was rewritten after it was taken"}
	}
	return nil
}

func mark(e Entry) ([]byte, error) {
	if len(e.Hash) < 2*markLen {
		return nil, &ChainError{Seq: e.Seq, Reason: "entry has no hash"}
	}
	m, err := hex.DecodeString(e.Hash[:2*markLen])
	if err != nil {
		return nil, &ChainError{Seq: e.Seq, Reason: "entry's hash is not hex"}
	}
	return m, nil
}
