//go:build unix

package screen

import (
	"os"
	"os/signal"
	"syscall"
)

// watchResize calls changed on every SIGWINCH until the returned stop.
func watchResize(changed func()) (stop func()) {
	sig := make(chan os.Signal, 1)
	done := make(chan struct{})
	signal.Notify(sig, syscall.SIGWINCH)
	go func() {
		for {
			select {
			case <-sig:
				changed()
			case <-done:
				return
			}
		}
	}()
	return func() { signal.Stop(sig); close(done) }
}
