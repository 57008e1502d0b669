// Package sim acts as the practices' users (R40): people who log in, mistype
// until they lock themselves out, forget passwords, click setup links, enrol
// a second factor and answer its codes, practice admins who unlock colleagues
// and send resets to legacy users, owners who ask for licenses. It acts only
// through accounts.Service and reads links and codes from the outbox —
// exactly what a real user could do — and never as an operator. While it
// acts it checks the rules that must hold whatever anyone does, and reports
// any violation.
package sim

import (
	"fmt"
	"maps"
	mrand "math/rand/v2"
	"slices"
	"strings"
	"time"

	"latchkey/accounts"
)

// Kind names one habit of the practices' users.
type Kind string

const (
	KindLogin       Kind = "login"          // log in with the right password (and code)
	KindMistype     Kind = "mistype"        // wrong passwords, sometimes until locked
	KindForgot      Kind = "forgot"         // "Forgot your password?" and the reset link
	KindSetup       Kind = "setup"          // a new hire clicks their setup link
	KindEnrol       Kind = "enrol"          // set up a second factor
	KindAdminUnlock Kind = "admin-unlock"   // a practice admin unlocks a colleague
	KindLegacyReset Kind = "legacy-reset"   // a practice admin sends a reset to a legacy user
	KindLicenses    Kind = "licenses"       // an owner asks for more licenses
	KindProbe       Kind = "probe-inactive" // an inactive user tries to log in (must fail)
)

// Mix is how often each habit happens, by weight.
type Mix map[Kind]int

// DefaultMix: most people log in fine.
func DefaultMix() Mix {
	return Mix{KindLogin: 55, KindMistype: 12, KindForgot: 6, KindSetup: 8, KindEnrol: 6,
		KindAdminUnlock: 1, KindLegacyReset: 3, KindLicenses: 2, KindProbe: 6}
}

// Options shape a simulator.
type Options struct {
	Seed int64
	Mix  Mix // nil: DefaultMix
	// PoolSize is how many users the simulator keeps in mind at once.
	PoolSize int
	// Callers adds calls to the desk (R41-R43): real users and impostors
	// asking for an MFA clear, with the simulator playing the desk's two
	// operators too. Off by default: otherwise it never acts as an operator.
	Callers bool
}

// Summary is what a run did and found.
type Summary struct {
	Actions    map[Kind]int   `json:"actions"`
	Outcomes   map[string]int `json:"outcomes"`
	Lockouts   int            `json:"lockouts"`
	Resets     int            `json:"resets"`
	Enrolments int            `json:"enrolments"`
	Violations []string       `json:"violations"`
	Steps      int            `json:"steps"`
	Simulated  time.Duration  `json:"simulated"`
}

// Total is the number of actions taken.
func (s Summary) Total() int {
	n := 0
	for _, v := range s.Actions {
		n += v
	}
	return n
}

// Simulator acts as the users of one database.
type Simulator struct {
	svc       *accounts.Service
	rng       *mrand.Rand
	kinds     []Kind
	weights   []int
	total     int
	poolSize  int
	pool      []string          // logins the simulator keeps in mind
	passwords map[string]string // passwords the simulator chose for users
	sum       Summary
	nextPW    int
	callers   bool
	calls     callLog
}

// New returns a simulator over svc. It is not safe for concurrent use: run
// one at a time (the service it drives is).
func New(svc *accounts.Service, opts Options) *Simulator {
	mix := opts.Mix
	if mix == nil {
		mix = DefaultMix()
	}
	if opts.Callers {
		mix = maps.Clone(mix)
		if mix[KindCaller] == 0 {
			mix[KindCaller] = 4
		}
	} else {
		delete(mix, KindCaller)
	}
	if opts.PoolSize <= 0 {
		opts.PoolSize = 3000
	}
	s := &Simulator{svc: svc, rng: mrand.New(mrand.NewPCG(uint64(opts.Seed), 0x5e1f)), poolSize: opts.PoolSize, callers: opts.Callers,
		passwords: map[string]string{},
		sum:       Summary{Actions: map[Kind]int{}, Outcomes: map[string]int{}}}
	for _, k := range slices.Sorted(maps.Keys(mix)) {
		if w := mix[k]; w > 0 {
			s.kinds, s.weights, s.total = append(s.kinds, k), append(s.weights, w), s.total+w
		}
	}
	return s
}

// Summary is what the simulator has done so far.
func (s *Simulator) Summary() Summary {
	out := s.sum
	out.Actions = maps.Clone(s.sum.Actions)
	out.Outcomes = maps.Clone(s.sum.Outcomes)
	out.Violations = slices.Clone(s.sum.Violations)
	return out
}

func (s *Simulator) pick() Kind {
	n := s.rng.IntN(s.total)
	for i, w := range s.weights {
		if n < w {
			return s.kinds[i]
		}
		n -= w
	}
	return s.kinds[len(s.kinds)-1]
}

// Step takes one action, chosen by the mix, and returns its kind and outcome.
func (s *Simulator) Step() (Kind, string) {
	if len(s.pool) == 0 || s.sum.Steps%500 == 0 {
		if err := s.refreshPool(); err != nil {
			s.violation("reading users: %v", err)
		}
	}
	s.sum.Steps++
	k := s.pick()
	var outcome string
	switch k {
	case KindLogin:
		outcome = s.login()
	case KindMistype:
		outcome = s.mistype()
	case KindForgot:
		outcome = s.forgot()
	case KindSetup:
		outcome = s.setup()
	case KindEnrol:
		outcome = s.enrol()
	case KindAdminUnlock:
		outcome = s.adminUnlock()
	case KindLegacyReset:
		outcome = s.legacyReset()
	case KindLicenses:
		outcome = s.licenses()
	case KindProbe:
		outcome = s.probeInactive()
	case KindCaller:
		outcome = s.caller()
	}
	s.sum.Actions[k]++
	s.sum.Outcomes[string(k)+": "+outcome]++
	return k, outcome
}

func (s *Simulator) violation(format string, args ...any) {
	v := fmt.Sprintf(format, args...)
	if len(s.sum.Violations) < 100 {
		s.sum.Violations = append(s.sum.Violations, v)
	}
}

// outcomeOf names an error for the summary: the rule, or a short class.
func outcomeOf(err error) string {
	if err == nil {
		return "ok"
	}
	if r := accounts.RuleOf(err); r != "" {
		return "refused " + r
	}
	switch {
	case err == accounts.ErrBadCredentials:
		return "wrong credentials"
	case accounts.IsNotFound(err):
		return "not found"
	}
	if strings.Contains(err.Error(), "field") {
		return "bad input"
	}
	return "error"
}
