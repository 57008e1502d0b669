package store

import (
	"runtime"
	"syscall"
)

// yieldThread puts the calling goroutine on an operating-system thread of
// its own, for as long as it lives, and lowers that thread's priority (nice
// 5 more): a bulk load's helpers (the writer, the sorter) then take what the
// code that makes the records leaves of the machine, instead of taking
// turns with it. Once the goroutine ends, Go ends the thread with it (it is
// never unlocked), so no thread of lower priority is left for other work.
// The load runs with one processor more than there are cores (bulkProcs),
// so that the helpers have processors of their own and the kernel, which
// knows the priorities, shares the cores.
func yieldThread() {
	runtime.LockOSThread()
	tid := syscall.Gettid()
	prio, err := syscall.Getpriority(syscall.PRIO_PROCESS, tid)
	if err != nil {
		return
	}
	nice := 20 - prio // the system call answers 20 - nice
	_ = syscall.Setpriority(syscall.PRIO_PROCESS, tid, min(nice+5, 19))
}
