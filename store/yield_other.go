//go:build !linux

package store

// yieldThread does nothing where a thread's priority is not set.
func yieldThread() {}
