package accounts

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"

	"latchkey/store/storetest"
)

// The many-process tests (R1, R44): the test binary runs itself as helper
// processes that share one PostgreSQL database with the parent, each racing
// with goroutines of its own. A helper is the test binary started with
// helperEnv set; TestMain hands it to helperProcess before any test runs.

const (
	helperEnv   = "LATCHKEY_TEST_HELPER"
	helperProcs = 4
	helperGos   = 16
)

// helperJob is what the parent asks of every helper goroutine: take the
// practice's last license with a new user, use the one setup link, sweep.
type helperJob struct {
	URL      string `json:"url"`
	Now      int64  `json:"now"` // the shared fake time, unix ns
	Proc     int    `json:"proc"`
	Practice uint64 `json:"practice"`
	// Asks is the proven request (R3, R41) of each goroutine of each
	// helper, at proc*helperGos+g: a check is used once, by its operator.
	Asks []Request `json:"asks"`
	Link string    `json:"link"`
}

// racerName is the operator of goroutine g of helper proc.
func racerName(proc, g int) string { return fmt.Sprintf("op%d.%d", proc, g) }

// helperResult is one helper's outcomes, "ok" or the refusing rule.
type helperResult struct {
	Create []string `json:"create"`
	Link   []string `json:"link"`
	Lifted int      `json:"lifted"`
	Err    string   `json:"err,omitempty"`
}

func outcome(err error) string {
	if err == nil {
		return "ok"
	}
	if r := RuleOf(err); r != "" {
		return r
	}
	return "error: " + err.Error()
}

// helperProcess runs in a child: it opens the database, says "ready",
// waits for "go" on stdin (so all helpers start together), races, and
// prints its result as JSON.
func helperProcess() int {
	var job helperJob
	if err := json.Unmarshal([]byte(os.Getenv(helperEnv)), &job); err != nil {
		fmt.Println(`{"err":"bad job"}`)
		return 1
	}
	s, err := Open(job.URL, NewFakeClock(time.Unix(0, job.Now).UTC()), cheapConfig())
	if err != nil {
		_ = json.NewEncoder(os.Stdout).Encode(helperResult{Err: err.Error()})
		return 1
	}
	defer s.Close()
	fmt.Println("ready")
	if _, err := bufio.NewReader(os.Stdin).ReadString('\n'); err != nil {
		return 1
	}
	res := helperResult{Create: make([]string, helperGos), Link: make([]string, helperGos)}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for g := range helperGos {
		wg.Go(func() {
			email := fmt.Sprintf("racer.p%dg%d@example.org", job.Proc, g)
			_, err := s.CreateUser(Operator(racerName(job.Proc, g)), NewUser{PracticeID: job.Practice,
				Name: fmt.Sprintf("Racer %d %d", job.Proc, g), Kind: KindStaff, Email: email, EmailConfirm: email},
				job.Asks[job.Proc*helperGos+g])
			res.Create[g] = outcome(err)
			_, err = s.UseLink(job.Link, goodPassword)
			res.Link[g] = outcome(err)
			n, err := s.Sweep()
			mu.Lock()
			res.Lifted += n
			if err != nil {
				res.Err = err.Error()
			}
			mu.Unlock()
		})
	}
	wg.Wait()
	_ = json.NewEncoder(os.Stdout).Encode(res)
	return 0
}

// R1, R44: four processes of sixteen goroutines each share one PostgreSQL
// database. They race for a practice's last license (exactly one wins), for
// one setup link (used exactly once), and sweep locks whose time is up
// (each lift recorded exactly once).
func TestRulesHoldAcrossProcesses(t *testing.T) {
	url := storetest.PostgresURL(t)
	clock := NewFakeClock(testEpoch)
	s, err := Open(url, clock, cheapConfig())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	p, owner, _ := practiceWith(t, s, "Riverside Family Medicine", 2)
	q, qOwner, _ := practiceWith(t, s, "Lakeside Pediatrics", 3)
	hire := newHire(t, s, q, qOwner, "hire@example.org")
	if _, _, err := s.SendVerification(Operator("op"), hire.ID, "", "", Request{}); err != nil {
		t.Fatal(err)
	}
	link := linkIn(t, s, hire.Email)
	r, rOwner, _ := practiceWith(t, s, "Hillside Cardiology", 12)
	var locked []User
	for i := range 10 {
		u := activeUser(t, s, r.ID, fmt.Sprintf("Locked Person%d", i), Roles{}, rOwner.Email)
		if err := failLogins(t, s, u.Email, s.cfg.MaxFailures); err == nil {
			t.Fatal("no lock")
		}
		locked = append(locked, u)
	}
	clock.Advance(s.cfg.LockDuration + time.Minute) // every lock is due
	all := helperProcs * helperGos
	// One license left; in use at the end: the owner, the champions, the winner.
	asks := provenAskers(t, s, p, owner, all, 1, func(k int) string { return racerName(k/helperGos, k%helperGos) })
	full := 1 + all + 1

	results := runHelpers(t, helperJob{URL: url, Now: clock.Now().UnixNano(), Practice: p.ID,
		Asks: asks, Link: link})
	counts := map[string]map[string]int{"create": {}, "link": {}}
	lifted := 0
	for _, res := range results {
		if res.Err != "" {
			t.Errorf("helper: %s", res.Err)
		}
		for _, o := range res.Create {
			counts["create"][o]++
		}
		for _, o := range res.Link {
			counts["link"][o]++
		}
		lifted += res.Lifted
	}
	if counts["create"]["ok"] != 1 || counts["create"]["R1"] != all-1 {
		t.Errorf("last license: %v, want 1 ok and %d refused R1", counts["create"], all-1)
	}
	if counts["link"]["ok"] != 1 {
		t.Errorf("one link used %d times: %v", counts["link"]["ok"], counts["link"])
	}
	if got, _ := s.Practice(p.ID); got.InUse != full || got.Purchased != full {
		t.Errorf("practice %+v", got)
	}
	liftEvents := map[uint64]int{}
	for _, e := range events(t, s) {
		if e.Action == ActLockLifted {
			liftEvents[e.TargetID]++
		}
	}
	for _, u := range locked {
		if liftEvents[u.ID] != 1 {
			t.Errorf("%s: lift recorded %d times", u.Email, liftEvents[u.ID])
		}
	}
	if st, _ := s.Stats(); st.Locked != 0 {
		t.Errorf("%d still counted locked", st.Locked)
	}
	if lifted > len(locked) {
		t.Errorf("sweeps report %d lifts of %d locks", lifted, len(locked))
	}
	if err := s.Check(); err != nil {
		t.Fatal(err)
	}
}

// runHelpers starts the helper processes, lets them go together, and
// collects their results.
func runHelpers(t *testing.T, job helperJob) []helperResult {
	t.Helper()
	type proc struct {
		cmd *exec.Cmd
		in  io.WriteCloser
		out *bufio.Reader
	}
	var procs []proc
	for i := range helperProcs {
		job.Proc = i
		raw, _ := json.Marshal(job)
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), helperEnv+"="+string(raw))
		cmd.Stderr = os.Stderr
		in, err := cmd.StdinPipe()
		if err != nil {
			t.Fatal(err)
		}
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
		procs = append(procs, proc{cmd: cmd, in: in, out: bufio.NewReader(out)})
	}
	for i, p := range procs {
		line, err := p.out.ReadString('\n')
		if err != nil || line != "ready\n" {
			t.Fatalf("helper %d did not get ready: %q %v", i, line, err)
		}
	}
	for _, p := range procs {
		_, _ = io.WriteString(p.in, "go\n")
	}
	var results []helperResult
	for i, p := range procs {
		var res helperResult
		if err := json.NewDecoder(p.out).Decode(&res); err != nil {
			t.Fatalf("helper %d: %v", i, err)
		}
		results = append(results, res)
		if err := p.cmd.Wait(); err != nil {
			t.Errorf("helper %d: %v", i, err)
		}
	}
	return results
}

// R44, R35: a change committed by one process reaches another's change
// feed within a second, through LISTEN/NOTIFY, so its consoles redraw.
func TestChangeFeedAcrossProcesses(t *testing.T) {
	url := storetest.PostgresURL(t)
	clock := NewFakeClock(testEpoch)
	a, err := Open(url, clock, cheapConfig())
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := Open(url, clock, cheapConfig())
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	before := b.ChangeSeq()
	if _, err := a.CreatePractice(Operator("op"), "Northside Dental", 3); err != nil {
		t.Fatal(err)
	}
	want := a.ChangeSeq()
	if want <= before {
		t.Fatalf("the writer's own feed did not move: %d -> %d", before, want)
	}
	deadline := time.Now().Add(time.Second)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for b.ChangeSeq() < want {
		if time.Now().After(deadline) {
			t.Fatalf("the other process's feed is at %d a second later, want %d", b.ChangeSeq(), want)
		}
		<-tick.C
	}
}
