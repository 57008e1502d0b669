package serve

import (
	"fmt"
	"io"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/ssh"
	"charm.land/wish/v2"
	bm "charm.land/wish/v2/bubbletea"
	"github.com/charmbracelet/colorprofile"

	"latchkey/accounts"
	"latchkey/tui/screen"
)

// console runs one operator's console in a session with a terminal, until
// they quit, go idle, leave, or the server stops.
func (s *Server) console(sess ssh.Session, actor accounts.Actor, op Operator, from string) {
	pty, winch, _ := sess.Pty()
	s.log.Info("console opened", "operator", op.Name, "read_only", op.ReadOnly, "key", op.Fingerprint, "from", from)
	s.record(actor, accounts.ActSessionOpened, fmt.Sprintf("console over SSH from %s, key %s", from, op.Fingerprint))
	start := time.Now()

	in := &activity{r: sess}
	in.touch()
	opts := append(bm.MakeOptions(sess), tea.WithInput(in), // keys count as activity
		// The server's signals are the server's: on SIGTERM it tells every
		// console why it ends (shutdown). A console that caught the signal
		// itself could end first, before the server says it is stopping,
		// and its operator would see the session end with no reason given.
		tea.WithoutSignalHandler())
	var p *tea.Program
	var scr *screen.Screen
	if fps, ticker := screen.TickerFPS(); ticker {
		p = tea.NewProgram(s.opts.Console(actor), append(opts, tea.WithFPS(fps))...)
	} else {
		// Frames go out the moment they change (tui/screen), not on a
		// ticker: no session wakes the server 120 times a second while its
		// operator reads. The pty is emulated, so line feeds are written
		// as \r\n.
		env := append(sess.Environ(), "TERM="+pty.Term)
		p, scr = screen.NewProgram(s.opts.Console(actor), screen.Config{
			Out: sess, Env: env, Profile: colorprofile.Env(env), MapNewline: true,
			Width: pty.Window.Width, Height: pty.Window.Height, Title: "Latchkey", Mouse: true,
			QueryModes: screen.QueryModes(env),
		}, opts...)
	}
	s.mu.Lock()
	s.consoles[p] = struct{}{}
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.consoles, p)
		s.mu.Unlock()
	}()

	var idle atomic.Bool
	done := make(chan struct{})
	go func() { // window sizes follow; idle sessions end; a gone client ends
		every := min(s.opts.IdleTimeout/4, 15*time.Second)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-sess.Context().Done():
				p.Quit()
				return
			case w := <-winch:
				p.Send(tea.WindowSizeMsg{Width: w.Width, Height: w.Height})
			case <-t.C:
				if time.Since(in.last()) >= s.opts.IdleTimeout {
					idle.Store(true)
					p.Quit()
					return
				}
			}
		}
	}()
	_, err := p.Run()
	close(done)
	p.Kill() // restore the terminal if the console ended abnormally
	if scr != nil {
		_ = scr.Close() // leave the alternate screen before the goodbye below; a gone client's error is moot
	}
	switch {
	case idle.Load():
		wish.Printf(sess, "\r\nlatchkey: no keys for %s: this session has ended. Connect again to carry on.\r\n", s.opts.IdleTimeout)
	case s.stopping.Load():
		wish.Printf(sess, "\r\nlatchkey: the desk server is stopping; your session has ended. Nothing you finished was lost.\r\n")
	case err != nil && !isQuit(err):
		wish.Printf(sess, "\r\nlatchkey: the console stopped: %v\r\n", err)
	}
	why := "quit"
	if idle.Load() {
		why = "idle"
	} else if s.stopping.Load() {
		why = "server stopping"
	}
	s.log.Info("console closed", "operator", op.Name, "from", from, "after", time.Since(start).Round(time.Second), "why", why)
	s.record(actor, accounts.ActSessionClosed, fmt.Sprintf("console from %s closed (%s)", from, why))
	_ = sess.Exit(0)
}

func isQuit(err error) bool { return err == tea.ErrProgramKilled || err == tea.ErrInterrupted }

// record appends a session event; failing to is logged, never fatal.
func (s *Server) record(actor accounts.Actor, action, detail string) {
	if err := s.svc.RecordSession(actor, action, detail); err != nil {
		s.log.Error("cannot record the session", "action", action, "err", err)
	}
}

// activity is a session's input that remembers when the last key came.
type activity struct {
	r    io.Reader
	when atomic.Int64
}

func (a *activity) Read(p []byte) (int, error) {
	n, err := a.r.Read(p)
	if n > 0 {
		a.touch()
	}
	return n, err
}

func (a *activity) touch()          { a.when.Store(time.Now().UnixNano()) }
func (a *activity) last() time.Time { return time.Unix(0, a.when.Load()) }
