//go:build !unix

package screen

// watchResize: no SIGWINCH here; the size read at start stays.
func watchResize(func()) (stop func()) { return func() {} }
