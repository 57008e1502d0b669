package accounts

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"latchkey/store"
)

// CopyOptions shape CopyDatabase.
type CopyOptions struct {
	// Replace overwrites a target that already holds data.
	Replace bool
	// Progress, if set, is told how many records have landed.
	Progress func(done, total int)
}

// CopyResult is what a copy moved.
type CopyResult struct {
	From, To string // as messages name them (no passwords)
	Records  int
	Events   uint64
}

// CopyDatabase copies a whole Latchkey database between engines or within
// one (R44): every record, sequence and the audit chain, read from one
// committed state of from. The target must be empty unless opts.Replace. At
// the end the target is checked (in Copy) as `latchkey check` would — its structure,
// the audit chain, and the running totals against the records — and must
// hold as many events as the source. A copy that fails leaves no half a
// database behind: a new file is removed, a PostgreSQL target emptied.
func CopyDatabase(from, to string, opts CopyOptions) (CopyResult, error) {
	var res CopyResult
	if store.KindOf(from) == store.Bolt {
		if _, err := os.Stat(from); errors.Is(err, fs.ErrNotExist) {
			return res, fmt.Errorf("database %s does not exist", from)
		}
	}
	if from == to {
		return res, fmt.Errorf("--from and --to are the same database")
	}
	src, err := store.Open(from, store.Options{ReadOnly: store.KindOf(from) == store.Bolt})
	if err != nil {
		return res, err
	}
	defer src.Close()
	res.From = src.Name()
	var version int
	if err := src.View(func(tx *store.Tx) error {
		var err error
		version, err = store.SchemaVersion(tx)
		res.Events = auditChain.Len(tx)
		return err
	}); err != nil {
		return res, err
	}
	if version == 0 {
		return res, fmt.Errorf("database %s holds no Latchkey data: nothing to copy", res.From)
	}
	newFile := false
	if store.KindOf(to) == store.Bolt {
		_, err := os.Stat(to)
		newFile = errors.Is(err, fs.ErrNotExist)
	}
	dst, err := store.Open(to, store.Options{NoSync: store.KindOf(to) == store.Bolt})
	if err != nil {
		return res, err
	}
	res.To = dst.Name()
	undo := func() {
		_ = dst.Close()
		if newFile {
			_ = os.Remove(to)
		}
	}
	progress := func(done, total int) {
		res.Records = done
		if opts.Progress != nil {
			opts.Progress(done, total)
		}
	}
	err = store.Copy(context.Background(), src, dst, store.CopyOptions{Replace: opts.Replace, Progress: progress,
		Chains: []store.Chain{auditChain}, Verify: verifyRecords})
	if err != nil {
		if !errors.Is(err, store.ErrNotEmpty) {
			if newFile {
				undo()
				return res, err
			}
			err = errors.Join(err, dst.Wipe())
		}
		_ = dst.Close()
		return res, err
	}
	if err := dst.Sync(); err != nil {
		undo()
		return res, err
	}
	var events uint64
	_ = dst.View(func(tx *store.Tx) error { events = auditChain.Len(tx); return nil })
	if cerr := dst.Close(); cerr != nil {
		return res, cerr
	}
	if events != res.Events {
		return res, fmt.Errorf("the copy in %s holds %d audit events, the source %d", res.To, events, res.Events)
	}
	return res, nil
}
