//go:build linux

package store

import (
	"os"
	"sync/atomic"

	"golang.org/x/sys/unix"
)

// writeback starts the kernel writing the file's dirty pages to disk, in the
// background, without waiting for them (sync_file_range, SYNC_FILE_RANGE_WRITE).
// A bulk load writes gigabytes into the page cache with no sync until its
// last one (a new file is kept whole or not at all), and the kernel writes
// none of it back meanwhile (a build is shorter than its 30 s writeback
// delay): that last sync then waited for all of it, about half a second
// at 10,000 practices with both cores idle. Started as FinishBulk writes
// the indexes, and again at each of its progress ticks, the disk works
// while the cores do; the sync at the end finds little left. Durability is
// unchanged: only the final sync promises anything. At most one runs at a
// time (busy); a failure is ignored, as the final sync reports what matters.
type writeback struct {
	path string
	busy atomic.Bool
}

func (w *writeback) start() {
	if w == nil || !w.busy.CompareAndSwap(false, true) {
		return
	}
	go func() {
		defer w.busy.Store(false)
		f, err := os.Open(w.path)
		if err != nil {
			return
		}
		defer f.Close()
		_ = unix.SyncFileRange(int(f.Fd()), 0, 0, unix.SYNC_FILE_RANGE_WRITE)
	}()
}
