//go:build unix

package cli

import "syscall"

// umask sets the process's file-creation mask and returns the old one, so a
// socket is never, even for a moment, open to others.
func umask(mask int) int { return syscall.Umask(mask) }
