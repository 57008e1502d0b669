package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sync"
	"time"

	"latchkey/accounts"
	"latchkey/store"
)

// bbolt lets one process hold a database file. So that every subcommand
// still works while a console, `latchkey serve` or a simulator holds it
// (R35, R36), the holder listens on a Unix socket beside the file —
// owner-only, like the file, so only the same OS user reaches it — and runs
// the caller's command line itself, over the service it holds, as the
// caller's operator. The caller relays what the command prints and exits
// with its code. A file held by another user's process still fails "in use"
// within a second: their socket refuses us.

// deskSocket is where the holder of path listens.
func deskSocket(path string) string { return path + ".sock" }

// deskRequest is one command line for the holder to run.
type deskRequest struct {
	Args     []string `json:"args"`
	Operator string   `json:"operator"`
	ReadOnly bool     `json:"read_only,omitempty"`
	Dir      string   `json:"dir,omitempty"` // the caller's working directory
}

// deskFrame is one piece of the answer: output, error output, or the exit code.
type deskFrame struct {
	Out  []byte `json:"o,omitempty"`
	Err  []byte `json:"e,omitempty"`
	Exit *int   `json:"x,omitempty"`
}

// listenLocal runs local callers' commands over svc until stop is called;
// stop waits for the commands in flight. A socket left behind by a process
// that died is replaced.
func (a *app) listenLocal(svc *accounts.Service) (stop func(), err error) {
	if store.KindOf(svc.Where()) != store.Bolt {
		// Only a file has one holder; a shared database is opened by anyone.
		return nil, fmt.Errorf("%s is not a file", svc.Where())
	}
	sock := deskSocket(svc.Where())
	if c, err := net.DialTimeout("unix", sock, 200*time.Millisecond); err == nil {
		_ = c.Close()
		return nil, fmt.Errorf("another process answers for %s", svc.Where())
	}
	_ = os.Remove(sock)
	old := umask(0o177)
	ln, err := net.Listen("unix", sock)
	umask(old)
	if err != nil {
		return nil, err
	}
	if err := os.Chmod(sock, 0o600); err != nil {
		_ = ln.Close()
		return nil, err
	}
	var running sync.WaitGroup
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			running.Add(1)
			go func() { defer running.Done(); answerLocal(svc, c) }()
		}
	}()
	return func() {
		_ = ln.Close()
		_ = os.Remove(sock)
		running.Wait() // actions in flight finish before the file closes
	}, nil
}

// answerLocal runs one caller's command line.
func answerLocal(svc *accounts.Service, c net.Conn) {
	defer c.Close()
	br := bufio.NewReader(c)
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	line, err := br.ReadBytes('\n')
	var req deskRequest
	if err == nil {
		err = json.Unmarshal(line, &req)
	}
	fw := &frameWriter{enc: json.NewEncoder(c)}
	if err != nil || req.Operator == "" {
		_, _ = fw.stream(false).Write([]byte("latchkey: bad request on the desk's socket\n"))
		fw.exit(ExitFailure)
		return
	}
	_ = c.SetReadDeadline(time.Time{})
	// The caller hanging up (Ctrl-C) cancels the command.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { _, _ = io.Copy(io.Discard, br); cancel() }()

	op := accounts.Operator(req.Operator)
	if req.ReadOnly {
		op = accounts.ReadOnlyOperator(req.Operator)
	}
	// The socket is the owner's only: its caller runs as this OS account,
	// on this machine, so their seat is this process's (R42).
	h := Host{Service: svc, Operator: seated(op, svc), Dir: req.Dir, Via: "through the open desk"}
	code := NewHosted(IO{In: eofReader{}, Out: fw.stream(true), Err: fw.stream(false)}, h).RunContext(ctx, req.Args)
	fw.exit(code)
}

// frameWriter writes the answer's frames, one at a time.
type frameWriter struct {
	mu  sync.Mutex
	enc *json.Encoder
}

type frameStream struct {
	fw  *frameWriter
	out bool
}

func (fw *frameWriter) stream(out bool) io.Writer { return frameStream{fw, out} }

func (s frameStream) Write(p []byte) (int, error) {
	f := deskFrame{Err: p}
	if s.out {
		f = deskFrame{Out: p}
	}
	s.fw.mu.Lock()
	defer s.fw.mu.Unlock()
	if err := s.fw.enc.Encode(f); err != nil {
		return 0, err
	}
	return len(p), nil
}

func (fw *frameWriter) exit(code int) {
	fw.mu.Lock()
	defer fw.mu.Unlock()
	_ = fw.enc.Encode(deskFrame{Exit: &code})
}

type eofReader struct{}

func (eofReader) Read([]byte) (int, error) { return 0, io.EOF }

// deskAnswers tells whether a process of ours holds the file named by --db.
func (a *app) deskAnswers() bool {
	path, err := a.dbPath()
	if err != nil {
		return false
	}
	c, err := net.DialTimeout("unix", deskSocket(path), 200*time.Millisecond)
	if err != nil {
		return false
	}
	_ = c.Close()
	return true
}

// errNoHolder: nobody answers on the file's socket (none, or another user's).
var errNoHolder = errors.New("no running latchkey of yours answers for this file")

// forwarded is a command line the holder of the file ran; its code is the
// exit code, its output already relayed.
type forwarded struct{ code int }

func (f forwarded) Error() string { return fmt.Sprintf("run by the open desk (exit %d)", f.code) }

// forward runs the whole command line through the process holding path, as
// this caller's operator, relaying its output.
func (a *app) forward(path string, actor accounts.Actor) error {
	c, err := net.DialTimeout("unix", deskSocket(path), time.Second)
	if err != nil {
		return errNoHolder
	}
	defer c.Close()
	dir, _ := os.Getwd()
	req := deskRequest{Args: a.args, Operator: actor.Name, ReadOnly: actor.ReadOnly, Dir: dir}
	if err := json.NewEncoder(c).Encode(req); err != nil {
		return errNoHolder
	}
	dec := json.NewDecoder(bufio.NewReader(c))
	for {
		var f deskFrame
		if err := dec.Decode(&f); err != nil {
			return fmt.Errorf("the open desk holding %s stopped answering: %w", path, err)
		}
		switch {
		case f.Exit != nil:
			return forwarded{*f.Exit}
		case f.Out != nil:
			_, _ = a.io.Out.Write(f.Out)
		case f.Err != nil:
			_, _ = a.io.Err.Write(f.Err)
		}
	}
}
