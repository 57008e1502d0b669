package e2e

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// What an idle operator costs a served desk (R35, issue 11's targets: under
// 5 MB and under 1% of a core per session): the real `latchkey serve`, 50
// consoles open over SSH on the demo, nobody typing. Memory is the server's
// resident set grown per session; CPU is the server's user+system time over
// a quiet window, per session. Run with -benchtime=1x:
//
//	go test ./e2e -run XXX -bench IdleSSHSessions -benchtime=1x
func BenchmarkIdleSSHSessions(b *testing.B) {
	const sessions, window = 50, 10 * time.Second
	bin, db := setUp(b)
	dir := b.TempDir()
	k := sshKey(b, dir, "alice")
	ops := filepath.Join(dir, "operators")
	if err := os.WriteFile(ops, []byte(k.line("")), 0o600); err != nil {
		b.Fatal(err)
	}
	srv, addr := startServe(b, bin, db, ops, filepath.Join(dir, "host_ed25519"))
	pid := srv.Process.Pid
	data, err := os.ReadFile(k.path)
	if err != nil {
		b.Fatal(err)
	}
	signer, err := gossh.ParsePrivateKey(data)
	if err != nil {
		b.Fatal(err)
	}
	rss0 := rssKB(b, pid)

	var drawn sync.WaitGroup
	for range sessions {
		c, err := gossh.Dial("tcp", addr, &gossh.ClientConfig{User: "alice", Auth: []gossh.AuthMethod{gossh.PublicKeys(signer)},
			HostKeyCallback: gossh.InsecureIgnoreHostKey()})
		if err != nil {
			b.Fatal(err)
		}
		defer c.Close()
		s, err := c.NewSession()
		if err != nil {
			b.Fatal(err)
		}
		if err := s.RequestPty("xterm-256color", 40, 140, gossh.TerminalModes{}); err != nil {
			b.Fatal(err)
		}
		drawn.Add(1)
		s.Stdout = &firstFrame{mark: "Latchkey", done: drawn.Done}
		if err := s.Shell(); err != nil {
			b.Fatal(err)
		}
	}
	drawn.Wait()
	<-time.After(2 * time.Second) // let the first loads settle
	rss1 := rssKB(b, pid)
	cpu0, t0 := cpuTicks(b, pid), time.Now()
	<-time.After(window)
	cpu1, took := cpuTicks(b, pid), time.Since(t0)

	hz := 100.0 // USER_HZ on Linux
	cpuPct := float64(cpu1-cpu0) / hz / took.Seconds() * 100
	b.ReportMetric(float64(rss1-rss0)/1024/sessions, "MB/session")
	b.ReportMetric(cpuPct/sessions, "%CPU/session")
	b.ReportMetric(float64(rss1)/1024, "MB-total")
}

// firstFrame calls done once the session's output has shown mark.
type firstFrame struct {
	mark string
	done func()
	seen atomic.Bool
	buf  bytes.Buffer
}

func (f *firstFrame) Write(p []byte) (int, error) {
	if !f.seen.Load() {
		f.buf.Write(p)
		if strings.Contains(f.buf.String(), f.mark) {
			f.seen.Store(true)
			f.buf = bytes.Buffer{}
			f.done()
		}
	}
	return len(p), nil
}

func rssKB(tb testing.TB, pid int) int64 {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		tb.Skip("no /proc: ", err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			n, _ := strconv.ParseInt(f[1], 10, 64)
			return n
		}
	}
	tb.Skip("no VmRSS")
	return 0
}

// cpuTicks is the process's user+system time in clock ticks.
func cpuTicks(tb testing.TB, pid int) int64 {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		tb.Skip("no /proc: ", err)
	}
	s := string(data)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:]) // after "pid (comm) "
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return utime + stime
}
