package store

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// keepMappedSmall, while a long pass reads a whole file through bbolt's
// memory map (check), asks the kernel every tick to take the file's pages
// out of this process (MADV_DONTNEED on a read-only shared mapping: they stay
// in the page cache and come back on the next read), so the process's
// resident memory stays near what one tick touches instead of growing to the
// size of the file. Every release runs through guard, which must keep the
// mapping in place meanwhile (inside a bbolt transaction: bbolt remaps only
// in a commit, and not while a read transaction is open), so that the range
// released is always the file's and never memory mapped at the same address
// after a remap. The tick is short
// because a pass reads fast: at 100 ms a check of a 1.8 GB file held 630 MB
// of it; at 20 ms, 230 MB — and up to 470 MB once a check ran three passes
// side by side on a busy machine; at 10 ms, 240-380 MB there. It returns
// the function that stops it.
func keepMappedSmall(path string, guard func(release func())) (stop func()) {
	// Asked every tick (a read of /proc/self/status), released only past
	// keepResident: a release takes the guard's lock and walks the whole
	// mapping, which a bulk load would otherwise wait for 50 times a second.
	abs := mappedPath(path)
	drop := func() {
		if fileResident() > keepResident {
			guard(func() { dropMapped(abs) })
		}
	}
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				drop()
				return
			case <-tick.C:
				drop()
			}
		}
	}()
	return func() { close(done); <-finished }
}

// mappedPath is path as /proc/self/maps names it: absolute, links resolved.
func mappedPath(path string) string {
	abs, err := filepath.Abs(path)
	if err == nil {
		if real, err := filepath.EvalSymlinks(abs); err == nil {
			abs = real
		}
	}
	return abs
}

// dropMapped releases this process's mapped pages of the file at path.
func dropMapped(path string) {
	f, err := os.Open("/proc/self/maps")
	if err != nil {
		return
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasSuffix(line, " "+path) {
			continue
		}
		span, _, _ := strings.Cut(line, " ")
		from, to, ok := strings.Cut(span, "-")
		start, err1 := strconv.ParseUint(from, 16, 64)
		end, err2 := strconv.ParseUint(to, 16, 64)
		if !ok || err1 != nil || err2 != nil || end <= start {
			continue
		}
		_, _, _ = syscall.Syscall(syscall.SYS_MADVISE, uintptr(start), uintptr(end-start), syscall.MADV_DONTNEED)
	}
}

// fileResident is how many bytes of shared pages this process has resident
// (mapped files, chiefly the database), or 0 when the kernel does not say:
// the third field of /proc/self/statm, in pages (cheaper to read than
// /proc/self/status, which a check reads a hundred times a second).
func fileResident() int64 {
	var buf [128]byte
	f, err := os.Open("/proc/self/statm")
	if err != nil {
		return 0
	}
	n, _ := f.Read(buf[:])
	_ = f.Close()
	fields := strings.Fields(string(buf[:n]))
	if len(fields) < 3 {
		return 0
	}
	pages, err := strconv.ParseInt(fields[2], 10, 64)
	if err != nil {
		return 0
	}
	return pages * int64(os.Getpagesize())
}
