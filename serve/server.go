// Package serve is the desk as a shared place (R35): `latchkey serve` serves
// the console over SSH to many operators at once from one database, and runs
// the command line for SSH sessions without a terminal. Only public keys on
// the operators file get in; each session acts as its key's operator, through
// the one *accounts.Service this process holds, so the rules — R1's license
// count above all — hold across every session.
package serve

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/log/v2"
	"charm.land/ssh"
	"charm.land/wish/v2"
	gossh "golang.org/x/crypto/ssh"

	"latchkey/accounts"
	"latchkey/internal/plural"
)

// Defaults of `latchkey serve`.
const (
	DefaultListen      = "127.0.0.1:23234"
	DefaultMaxSessions = 64
	DefaultIdleTimeout = 30 * time.Minute
)

// CommandFunc runs one command line for a session without a terminal, as
// operator, and returns its exit code. The cli package provides it (its
// command tree over a lent service), so serve never imports cli.
type CommandFunc func(ctx context.Context, operator accounts.Actor, args []string, stdin io.Reader, stdout, stderr io.Writer) int

// ConsoleFunc builds the console for a session with a terminal, acting as
// operator.
type ConsoleFunc func(operator accounts.Actor) tea.Model

// Options configure a server.
type Options struct {
	Listen      string        // address to listen on (DefaultListen)
	Operators   string        // the operators file (authorized_keys lines naming operators)
	HostKey     string        // the host key file, created owner-only on first start
	MaxSessions int           // sessions at once (DefaultMaxSessions)
	IdleTimeout time.Duration // a console with no keys for this long ends (DefaultIdleTimeout)
	Logger      *log.Logger   // connects, refusals, disconnects (default: stderr)
	Commands    CommandFunc   // required
	Console     ConsoleFunc   // required
}

// Server serves one desk over SSH.
type Server struct {
	svc  *accounts.Service
	opts Options
	ops  *operators
	log  *log.Logger
	ssh  *ssh.Server
	ln   net.Listener

	open     atomic.Int64   // sessions now
	sessions sync.WaitGroup // every session in progress
	stopping atomic.Bool

	mu       sync.Mutex
	consoles map[*tea.Program]struct{} // told to end when the server stops
}

// New prepares a server over svc: it reads the operators file, creates the
// host key if there is none, and listens. Serve runs it.
func New(svc *accounts.Service, opts Options) (*Server, error) {
	if opts.Commands == nil || opts.Console == nil {
		return nil, errors.New("serve: Commands and Console are required")
	}
	if opts.Listen == "" {
		opts.Listen = DefaultListen
	}
	if opts.MaxSessions <= 0 {
		opts.MaxSessions = DefaultMaxSessions
	}
	if opts.IdleTimeout <= 0 {
		opts.IdleTimeout = DefaultIdleTimeout
	}
	if opts.Logger == nil {
		opts.Logger = log.NewWithOptions(io.Discard, log.Options{})
	}
	s := &Server{svc: svc, opts: opts, log: opts.Logger, consoles: map[*tea.Program]struct{}{}}
	var err error
	if s.ops, err = newOperators(opts.Operators, s.log.Warn); err != nil {
		return nil, fmt.Errorf("operators file %s: %w", opts.Operators, err)
	}
	if err := ensureHostKey(opts.HostKey); err != nil {
		return nil, err
	}
	s.ssh, err = wish.NewServer(
		wish.WithHostKeyPath(opts.HostKey),
		wish.WithPublicKeyAuth(s.authorize),
		ssh.EmulatePty(),
		wish.WithMiddleware(s.handle),
	)
	if err != nil {
		return nil, err
	}
	s.ssh.ConnectionFailedCallback = func(c net.Conn, err error) {
		s.log.Info("connection refused", "from", c.RemoteAddr().String(), "why", err)
	}
	if s.ln, err = net.Listen("tcp", opts.Listen); err != nil {
		return nil, err
	}
	return s, nil
}

// Addr is where the server listens.
func (s *Server) Addr() net.Addr { return s.ln.Addr() }

// Serve answers connections until ctx ends, then stops cleanly: it tells
// every console, lets commands and actions in flight finish (up to grace),
// and returns. The caller closes the database afterwards.
func (s *Server) Serve(ctx context.Context, grace time.Duration) error {
	s.log.Info("serving the desk", "addr", s.Addr().String(), "operators", s.opts.Operators)
	errc := make(chan error, 1)
	go func() { errc <- s.ssh.Serve(s.ln) }()
	select {
	case err := <-errc:
		if errors.Is(err, ssh.ErrServerClosed) {
			return nil
		}
		return err
	case <-ctx.Done():
	}
	s.shutdown(grace)
	return nil
}

// shutdown stops taking sessions, ends every console with a message, waits
// for the rest to finish (commands run to their end), and closes what is left.
func (s *Server) shutdown(grace time.Duration) {
	s.log.Info("stopping: telling every session", "sessions", s.open.Load())
	s.stopping.Store(true)
	_ = s.ln.Close()
	s.mu.Lock()
	for p := range s.consoles {
		p.Quit()
	}
	s.mu.Unlock()
	done := make(chan struct{})
	go func() { s.sessions.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(grace):
		s.log.Warn("sessions still running after the grace period: closing them", "grace", grace)
	}
	_ = s.ssh.Close()
	s.log.Info("stopped")
}

// authorize lets in the keys on the operators file, and nobody else.
func (s *Server) authorize(ctx ssh.Context, key ssh.PublicKey) bool {
	if _, ok := s.ops.lookup(key); !ok {
		s.log.Warn("unknown key refused", "user", ctx.User(), "from", ctx.RemoteAddr().String(),
			"key", gossh.FingerprintSHA256(key))
		return false
	}
	return true
}

// handle is every session: a console with a terminal, a command without.
func (s *Server) handle(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		defer next(sess)
		op, ok := s.ops.lookup(sess.PublicKey())
		if !ok { // removed from the file since it authenticated
			wish.Fatalln(sess, "latchkey: your key is no longer on the desk's operators list")
			return
		}
		if s.stopping.Load() {
			wish.Fatalln(sess, "latchkey: the desk server is stopping; try again in a moment")
			return
		}
		if n := s.open.Add(1); n > int64(s.opts.MaxSessions) {
			s.open.Add(-1)
			s.log.Warn("session refused: the desk is full", "operator", op.Name, "max", s.opts.MaxSessions)
			wish.Fatalf(sess, "latchkey: the desk is full (%s); try again later\n", plural.Count(s.opts.MaxSessions, "session"))
			return
		}
		s.sessions.Add(1)
		defer func() { s.open.Add(-1); s.sessions.Done() }()

		actor := accounts.Operator(op.Name)
		if op.ReadOnly {
			actor = accounts.ReadOnlyOperator(op.Name)
		}
		from := sess.RemoteAddr().String()
		if _, _, tty := sess.Pty(); tty {
			s.console(sess, actor, op, from)
			return
		}
		s.command(sess, actor, op, from)
	}
}

// command runs one command line as the key's operator.
func (s *Server) command(sess ssh.Session, actor accounts.Actor, op Operator, from string) {
	args := sess.Command()
	name := commandName(args)
	s.log.Info("command", "operator", op.Name, "key", op.Fingerprint, "from", from, "command", name)
	if err := s.svc.RecordSession(actor, accounts.ActSessionCommand,
		fmt.Sprintf("%s over SSH from %s, key %s", name, from, op.Fingerprint)); err != nil {
		s.log.Error("cannot record the session", "err", err)
	}
	code := s.opts.Commands(sess.Context(), actor, args, sess, sess, sess.Stderr())
	_ = sess.Exit(code)
}

// commandName is the command path of args — at most two words, no flags,
// no values (a link or a password may be among them) — for the log and the
// audit.
func commandName(args []string) string {
	name := ""
	for i, a := range args {
		if i == 2 || a == "" || a[0] == '-' || len(a) > 24 {
			break
		}
		if name != "" {
			name += " "
		}
		name += a
	}
	if name == "" {
		return "(none)"
	}
	return name
}
