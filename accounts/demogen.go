package accounts

import (
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"strconv"
	"strings"
	"time"

	"latchkey/mfa"
)

// The demo's generator (seed.go): believable practices, people, logins
// and lockouts from a seeded source, planned a practice at a time.

// demoGen makes believable practices and people from a seeded generator.
type demoGen struct {
	sealer *mfa.Sealer
	rng    *mrand.Rand
	intl   *mrand.Rand // a stream of its own, so the rest of a seed's demo stays as it was
	when   timeline    // the ages of the events (seedtimes.go), a stream of its own too
	// given counts the emails and usernames given out on each base (an
	// email's local part and domain, a username's letters), keyed by the
	// base's 64-bit FNV-1a hash: the n-th on a base gets the base itself,
	// then base2, base3... — the first not given out, found without trying
	// each (bases hold no digits, so a numbered variant is never another
	// base). A million-user demo keeps them all, and a map of strings
	// would be most of the heap the collector scans at every cycle. (Two
	// bases with one hash, about one chance in twenty million, would only
	// make the second one a numbered variant.)
	given  givenTable
	users  int      // seeded so far
	active []uint64 // ids of active seeded users, candidates for lockouts
}

// nameHash is the 64-bit FNV-1a hash of a and b run together.
func nameHash(a, b string) uint64 {
	const offset, prime = 14695981039346656037, 1099511628211
	h := uint64(offset)
	for i := 0; i < len(a); i++ {
		h = (h ^ uint64(a[i])) * prime
	}
	for i := 0; i < len(b); i++ {
		h = (h ^ uint64(b[i])) * prime
	}
	return h
}

// next is how many were given out on a base before this one (and counts
// this one).
func (g *demoGen) next(h uint64) uint32 { return g.given.next(h) }

// givenTable counts per 64-bit hash, in one table (open addressing, at
// most three quarters full): a count is found and raised in one probe of
// one slot, where a map took two look-ups, each a miss in the processor's
// cache at a million bases.
type givenTable struct {
	slots []givenSlot
	n     int
}

type givenSlot struct {
	hash  uint64
	count uint32 // given out so far; 0: an empty slot
}

func newGivenTable(expect int) givenTable {
	size := 1024
	for size*3 < expect*4 {
		size <<= 1
	}
	return givenTable{slots: make([]givenSlot, size)}
}

// next is how many were given out on hash h before, and counts one more.
func (t *givenTable) next(h uint64) uint32 {
	if 4*(t.n+1) > 3*len(t.slots) {
		t.grow()
	}
	mask := uint64(len(t.slots) - 1)
	for i := (h * 0x9e3779b97f4a7c15) >> 20 & mask; ; i = (i + 1) & mask {
		sl := &t.slots[i]
		if sl.count == 0 {
			sl.hash, sl.count = h, 1
			t.n++
			return 0
		}
		if sl.hash == h {
			sl.count++
			return sl.count - 1
		}
	}
}

func (t *givenTable) grow() {
	old := t.slots
	t.slots = make([]givenSlot, max(1024, 2*len(old)))
	mask := uint64(len(t.slots) - 1)
	for _, sl := range old {
		if sl.count == 0 {
			continue
		}
		i := (sl.hash * 0x9e3779b97f4a7c15) >> 20 & mask
		for t.slots[i].count != 0 {
			i = (i + 1) & mask
		}
		t.slots[i] = sl
	}
}

// login is the login of the i-th active seeded user.
func (g *demoGen) login(s *Service, i int) (string, error) {
	u, err := s.User(g.active[i])
	return u.Login(), err
}

func (g *demoGen) pick(list []string) string { return list[g.rng.IntN(len(list))] }

// practiceName draws a practice's name. Practice names are unique (case
// and spaces aside: CreatePractice refuses a taken one), and the forms,
// places and specialties make only a few thousand, so a name drawn again
// is a branch of its own town: "Summit Cardiology Clinic of Dayton", the
// n-th repeat the n-th town (then "of Dayton 2"...). The base names hold
// no " of ", so a branch is never another practice's base name.
func (g *demoGen) practiceName() string {
	name := fmt.Sprintf(g.pick(demoPracticeForms), g.pick(demoPlaces), g.pick(demoSpecialties))
	n := int(g.next(nameHash("practice\x00", name)))
	if n == 0 {
		return name
	}
	town := demoBranchTowns[(n-1)%len(demoBranchTowns)]
	if round := (n-1)/len(demoBranchTowns) + 1; round > 1 {
		town += " " + strconv.Itoa(round)
	}
	return name + " of " + town
}

// personName is a first and a last name; about one person in twenty has a
// name with accents or letters of other Latin alphabets (Łukasiewicz, Núñez),
// which search finds folded ("lukas", "nunez").
func (g *demoGen) personName() string {
	first, last := g.pick(demoFirstNames), g.pick(demoLastNames)
	if g.intl.IntN(25) == 0 {
		last = demoIntlLastNames[g.intl.IntN(len(demoIntlLastNames))]
	}
	if g.intl.IntN(40) == 0 {
		first = demoIntlFirstNames[g.intl.IntN(len(demoIntlFirstNames))]
	}
	return first + " " + last
}

// A demo's practices are planned ahead of the transactions that make them:
// a goroutine of its own (plan) draws every name, address, role and status
// from the seeded generators, in the very order the practice is made, and
// the seeding (apply) makes what the plan says through the Service's code.
// The draws never depend on what the Service answers (a practice's users
// are all counted in use; a leaver is drawn before any check), so a seed
// makes the same demo as when each draw was made in place.

// practicePlan is one practice as drawn.
type practicePlan struct {
	name             string
	purchased, inUse int
	required         bool // MFA required of everyone (R24)
	domain           string
	users            []userPlan
	patients         []patientPlan
	licenses         int // licenses asked for (0: no request)
	leavers          []leaverPlan
	// Ages (how long before the build's clock, seedtimes.go): onboarded,
	// and the license request's.
	onboarded, asked time.Duration
}

// leaverPlan is a user hired and since inactivated (R20), with the ages of
// their hiring, last login and leaving.
type leaverPlan struct {
	nu                 NewUser
	hired, login, left time.Duration
}

type userPlan struct {
	nu      NewUser // all but the practice
	status  Status
	cred    Credential
	mfa     MFAMethod
	phone   int // MFASMS: the demo number's digits
	invites int // a pending user's setup emails sent
	// Ages (seedtimes.go): created; the factor enrolled (0: none); the
	// last login (0: none, a pending user); the second setup email.
	created, enrolled, login, invited time.Duration
}

type patientPlan struct {
	name, login, email string
	created            time.Duration // age
}

// plan draws the next practice.
func (g *demoGen) plan() *practicePlan {
	pl := &practicePlan{name: g.practiceName()}
	// About a hundred licenses a practice on average, a few small ones, some
	// full to the last seat.
	pl.purchased = 30 + g.rng.IntN(231)
	if g.rng.IntN(6) == 0 {
		pl.purchased = 3 + g.rng.IntN(10)
	}
	pl.inUse = pl.purchased
	if g.rng.IntN(100) >= 18 { // about 18% at capacity
		pl.inUse = pl.purchased - 1 - g.rng.IntN(max(1, pl.purchased/5))
	}
	pl.required = g.rng.IntN(12) == 0 // some practices require MFA of everyone (R24)
	pl.domain = strings.ToLower(strings.Join(tokenize(pl.name), "")) + ".com"
	pl.users = make([]userPlan, 0, pl.inUse)
	for i := range pl.inUse {
		nu := NewUser{Name: g.personName(), Kind: KindStaff}
		switch {
		case i == 0: // the owner: a provider, an owner and an admin at once
			nu.Kind, nu.Roles = KindProvider, Roles{Owner: true, Admin: true}
		case i == 1:
			nu.Roles = Roles{Champion: true, Admin: g.rng.IntN(2) == 0}
		case i == 2 && pl.inUse > 10:
			nu.Kind, nu.Roles = KindProvider, Roles{Owner: true}
		default:
			if g.rng.IntN(10) < 3 {
				nu.Kind = KindProvider
			}
			nu.Roles.Admin = g.rng.IntN(25) == 0
		}
		up := userPlan{status: StatusActive, cred: Credential{Demo: true}}
		if i > 1 {
			switch r := g.rng.IntN(100); {
			case r < 6:
				up.status, up.cred = StatusPending, Credential{}
			case r < 9 && pl.purchased > 5:
				nu.Username = g.username(nu.Name) // a legacy user (R8)
				nu.ContactEmail = g.email(nu.Name, g.pick(demoMailDomains))
			}
		}
		if nu.Username == "" {
			nu.Email = g.email(nu.Name, pl.domain)
			nu.EmailConfirm = nu.Email
		}
		if up.status == StatusActive && nu.Username == "" {
			if up.mfa = g.pickMFA(pl.required); up.mfa == MFASMS {
				// A number R21 accepts that is no real subscriber's.
				up.phone = g.rng.IntN(700)*100 + g.rng.IntN(100)
			}
		}
		if up.status == StatusPending {
			// New hires waiting on their setup email; some were sent it twice.
			up.invites = 1 + g.rng.IntN(2)
		}
		up.nu = nu
		pl.users = append(pl.users, up)
	}
	g.planTimes(pl)
	// Patients with portal accounts (R27, R28).
	for range 3 + g.rng.IntN(8) {
		name := g.personName()
		login := g.username(name) + fmt.Sprint(1940+g.rng.IntN(70))
		pl.patients = append(pl.patients, patientPlan{name: name, login: login, email: g.email(name, g.pick(demoMailDomains)),
			created: g.when.patient(pl.onboarded)})
	}
	// Full practices often have an open request for more licenses (R2).
	// Every user above is in use: the practice is full if inUse is all.
	if atCap, free := pl.inUse >= pl.purchased, pl.purchased-pl.inUse; atCap && g.rng.IntN(3) != 0 || free <= 3 && g.rng.IntN(3) == 0 {
		pl.licenses = 5 + 5*g.rng.IntN(4)
		pl.asked = g.when.licenseRequest()
	}
	// Leavers: inactive, their licenses free again.
	for range g.rng.IntN(4) {
		nu := NewUser{Name: g.personName(), Kind: KindStaff}
		nu.Email = g.email(nu.Name, pl.domain)
		nu.EmailConfirm = nu.Email
		lp := leaverPlan{nu: nu}
		lp.hired, lp.login, lp.left = g.when.leaver(pl.onboarded)
		pl.leavers = append(pl.leavers, lp)
	}
	return pl
}

// planTimes draws when the practice was onboarded and when each of its
// users was created, enrolled their factor and last logged in.
func (g *demoGen) planTimes(pl *practicePlan) {
	pl.onboarded = g.when.practice()
	for i := range pl.users {
		up := &pl.users[i]
		if up.status == StatusPending {
			up.created, up.invited = g.when.invited(up.invites)
			continue
		}
		up.created = g.when.hired(i, pl.onboarded)
		if up.mfa != MFANone {
			up.enrolled = g.when.enrolled(up.created)
		}
		up.login = g.when.lastLogin(up.created, up.enrolled)
	}
}

// seedHoldsPractice: apply holds a practice's writes while it adds its
// users (a test builds a demo both ways and compares every bucket).
var seedHoldsPractice = true

// apply makes the practice pl plans, each step stamped with its time (the
// build's clock less the step's age, seedtimes.go).
func (g *demoGen) apply(t *txn, pl *practicePlan) error {
	now := t.now
	defer func() { t.now = now }()
	at := func(age time.Duration) { t.now = now.Add(-age) }
	at(pl.onboarded)
	p, err := t.createPractice(seedActor, pl.name, pl.purchased)
	if err != nil {
		return err
	}
	if pl.required {
		old := p
		p.MFARequired = true
		if err := t.putPractice(&old, p); err != nil {
			return err
		}
		if err := t.appendEvent(Event{ActorKind: seedActor.Kind, Actor: seedActor.Name, Action: ActMFARequired,
			Target: p.Name, PracticeID: p.ID, Outcome: OutcomeOK, Detail: "MFA required: on (demo)"}); err != nil {
			return err
		}
	}
	owner := ""
	// The users are added with the practice's writes held (holdPractice):
	// its record and fullness entry are written once for the run, not at
	// each user's license; released before anything that reads the
	// practice from the store (a setup email, the license request, the
	// leavers, the patients).
	if seedHoldsPractice {
		if err := t.holdPractice(p.ID); err != nil {
			return err
		}
	}
	for i := range pl.users {
		up := &pl.users[i]
		nu := up.nu
		nu.PracticeID = p.ID
		req := Request{Requester: owner, Reason: "demo: hired"}
		if i == 0 {
			req = Request{Reason: "demo: practice onboarding"}
		}
		at(up.created)
		if up.login > 0 {
			nu.lastLogin = now.Add(-up.login)
		}
		u, err := t.createUser(seedActor, nu, req, up.status, up.cred)
		if err != nil {
			return fmt.Errorf("seeding %s: %w", pl.name, err)
		}
		g.users++
		if i == 0 {
			owner = u.Login()
		}
		if up.status == StatusActive && i > 1 {
			g.active = append(g.active, u.ID)
		}
		if up.mfa != MFANone {
			at(up.enrolled)
			if u, err = g.seedMFA(t, u, up.mfa, up.phone); err != nil {
				return err
			}
		}
		if up.invites > 0 {
			if err := t.releasePractice(); err != nil {
				return err
			}
		}
		for n := range up.invites {
			if n > 0 {
				at(up.invited)
			}
			if _, _, err := t.sendVerification(seedActor, u.ID, "", "", Request{Requester: owner, Reason: "demo: new hire"}); err != nil {
				return err
			}
		}
		if up.invites > 0 && seedHoldsPractice {
			if err := t.holdPractice(p.ID); err != nil {
				return err
			}
		}
	}
	if err := t.releasePractice(); err != nil {
		return err
	}
	for _, pp := range pl.patients {
		at(pp.created)
		if _, err := t.createPatient(seedActor, p.ID, pp.name, pp.login, pp.email, Credential{}); err != nil {
			return err
		}
	}
	if pl.licenses > 0 {
		at(pl.asked)
		cur, err := getPractice(t.tx, p.ID)
		if err != nil {
			return err
		}
		if _, err := t.requestLicenses(seedActor, cur, pl.licenses, Request{Requester: owner, Reason: "demo: hiring"}); err != nil {
			return err
		}
	}
	// Every leaver held a license while everyone here now held theirs
	// (their times overlap): no more leavers than licenses free now (R1 at
	// every moment of the history, not only at its end).
	for _, lp := range pl.leavers[:min(len(pl.leavers), max(0, pl.purchased-pl.inUse))] {
		lp.nu.PracticeID = p.ID
		if err := g.leaver(t, lp, owner, at); err != nil {
			return err
		}
	}
	return nil
}

// leaver is a user who was hired and has since left: created, logged in
// for the last time, then inactivated (R20), so the license is free and the
// history stays.
func (g *demoGen) leaver(t *txn, lp leaverPlan, owner string, at func(time.Duration)) error {
	at(lp.hired)
	lp.nu.lastLogin = t.now.Add(lp.hired - lp.login)
	u, err := t.createUser(seedActor, lp.nu, Request{Requester: owner, Reason: "demo: hired"}, StatusActive, Credential{Demo: true})
	if err != nil {
		return err
	}
	at(lp.left)
	return t.inactivate(seedActor, u, Request{Requester: owner, Reason: "demo: left the practice"})
}

func (g *demoGen) email(name, practiceDomain string) string {
	parts := strings.Fields(fold(name))
	first, last := parts[0], parts[len(parts)-1]
	var local string
	switch g.rng.IntN(4) {
	case 0:
		local = first + "." + last
	case 1:
		local = first[:1] + last
	case 2:
		local = first + last[:1]
	default:
		local = first + "_" + last
	}
	domain := practiceDomain
	if g.rng.IntN(3) == 0 {
		domain = g.pick(demoMailDomains)
	}
	if n := g.next(nameHash(local+"@", domain)); n > 0 {
		return local + strconv.Itoa(int(n)+1) + "@" + domain
	}
	return local + "@" + domain
}

func (g *demoGen) username(name string) string {
	parts := strings.Fields(fold(name))
	base := parts[0][:1] + parts[len(parts)-1]
	if n := g.next(nameHash(base, "")); n > 0 {
		return base + strconv.Itoa(int(n)+1)
	}
	return base
}

// lockouts locks 10 to 20 accounts by real failed logins, back-dated so each
// lock began at a different time in the last hour and the countdowns differ.
func (g *demoGen) lockouts(s *Service, now time.Time) error {
	n := min(10+g.rng.IntN(11), len(g.active))
	if n == 0 {
		return nil
	}
	perm := g.rng.Perm(len(g.active))
	span := s.cfg.LockDuration - 4*time.Minute
	for i := range n {
		login, err := g.login(s, perm[i])
		if err != nil {
			return err
		}
		// Lock i began (i+1)/(n+1) of the way back through the last hour.
		lockedAt := now.Add(-span * time.Duration(n-i) / time.Duration(n+1)).Truncate(time.Second)
		for try := s.cfg.MaxFailures - 1; try >= 0; try-- {
			at := lockedAt.Add(-time.Duration(try) * 40 * time.Second)
			_, err := s.loginAt(at, login, "wrong password "+fmt.Sprint(try), "")
			if err != nil && !errors.Is(err, ErrBadCredentials) && RuleOf(err) != "R11" {
				return err
			}
		}
	}
	// A few users mistyped once since and are not locked: after the last
	// lock began, in the order of the chain, none after now (R29).
	last := now.Add(-span / time.Duration(n+1)).Truncate(time.Second)
	typos := min(n+8, len(g.active)) - n
	for k := range typos {
		login, err := g.login(s, perm[n+k])
		if err != nil {
			return err
		}
		at := last.Add(now.Sub(last) * time.Duration(k+1) / time.Duration(typos+1)).Truncate(time.Second)
		if _, err := s.loginAt(at, login, "typo", ""); err != nil && !errors.Is(err, ErrBadCredentials) {
			return err
		}
	}
	return nil
}
