package accounts

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"latchkey/store"
)

func decode[T any](v []byte) (T, error) {
	var out T
	err := json.Unmarshal(v, &out)
	return out, err
}

// NewUser is what the desk enters to add a user.
type NewUser struct {
	PracticeID   uint64
	Name         string
	Kind         Kind
	Roles        Roles
	Email        string // login email
	EmailConfirm string // the login email typed again (R4)
	Username     string // legacy users only (R8)
	ContactEmail string // a legacy user's email on file, for resets (R17)
	// lastLogin is a seeded user's last login (demo seeding only,
	// seedtimes.go): the record is written once with it. It is no event of
	// the trail (see seedtimes.go).
	lastLogin time.Time
}

// CreateUser adds a pending user to a practice (R1, R3, R4, R9). It takes a
// free license; the practice's owner, champion or an admin must have asked
// (through the desk, proven by their passed caller check, R41), except for
// a practice's very first user, its owner, set up at onboarding.
func (s *Service) CreateUser(actor Actor, nu NewUser, req Request) (User, error) {
	var u User
	err := s.act(actor, ActUserCreated, nil, req, func(t *txn) error {
		var err error
		u, err = t.createUser(actor, nu, req, StatusPending, Credential{})
		return err
	})
	return u, err
}

// AddUser adds a pending user and sends their account-setup email (R4) in
// one transaction: either both land, or neither does and the refusal is
// audited. A legacy user (a username, no login email) gets no email.
func (s *Service) AddUser(actor Actor, nu NewUser, req Request) (User, Message, error) {
	var u User
	var msg Message
	err := s.act(actor, ActUserCreated, nil, req, func(t *txn) error {
		var err error
		if u, err = t.createUser(actor, nu, req, StatusPending, Credential{}); err != nil || u.Legacy() {
			return err
		}
		u, msg, err = t.sendVerification(actor, u.ID, "", "", req)
		return err
	})
	return u, msg, err
}

func (t *txn) createUser(actor Actor, nu NewUser, req Request, status Status, cred Credential) (User, error) {
	var err error
	if nu.Name, err = checkName("name", nu.Name); err != nil {
		return User{}, err
	}
	nu.Email = strings.TrimSpace(nu.Email)
	nu.Username = strings.TrimSpace(nu.Username)
	if nu.Kind != KindProvider && nu.Kind != KindStaff {
		return User{}, badField("kind", "must be provider or staff")
	}
	if nu.Username != "" && nu.Email != "" {
		return User{}, badField("email", "a legacy user logs in with a username: put their address in the contact email (R8)")
	}
	if nu.ContactEmail != "" {
		if err := checkContactEmail("contact_email", nu.ContactEmail); err != nil {
			return User{}, err
		}
	}
	if nu.Username == "" {
		if err := checkLoginEmail(nu.Email); err != nil {
			return User{}, err
		}
		if normalizeLogin(nu.EmailConfirm) != normalizeLogin(nu.Email) {
			return User{}, badField("email_confirm", "the two login emails do not match (R4)")
		}
	}
	p, err := t.practice(nu.PracticeID)
	if err != nil {
		return User{}, err
	}
	login := nu.Email
	if nu.Username != "" {
		login = nu.Username
	}
	if taken, err := loginTaken(t.tx, login); err != nil {
		return User{}, err
	} else if taken {
		return User{}, refuse("R9", "login "+login+" is already in use: login emails are unique across the whole system")
	}
	if err := t.checkAdder(actor, p, &req, nu.Roles, ActUserCreated); err != nil {
		return User{}, err
	}
	if status != StatusInactive && p.AtCapacity() {
		return User{}, noLicense(p)
	}
	id, err := t.tx.NextSeq(bUsers)
	if err != nil {
		return User{}, err
	}
	u := User{ID: id, PracticeID: p.ID, Name: nu.Name, Kind: nu.Kind, Roles: nu.Roles, Status: status,
		Email: nu.Email, Username: nu.Username, ContactEmail: strings.TrimSpace(nu.ContactEmail), Password: cred, CreatedAt: t.now,
		LastLoginAt: nu.lastLogin, EmailVerified: status == StatusActive && nu.Email != ""}
	if err := t.putUser(nil, u); err != nil {
		return User{}, err
	}
	if status != StatusInactive {
		old := p
		p.InUse++
		if err := t.putPractice(&old, p); err != nil {
			return User{}, err
		}
	}
	return u, t.audit(actor, ActUserCreated, &u, req, OutcomeOK, string(nu.Kind)+", roles "+nu.Roles.String())
}

// checkAdder: a user is added (or reactivated) at the request of an owner,
// champion or admin of the practice (R3) — recorded — except the first user
// of a new practice, its owner, whom onboarding sets up. A practice admin
// acting themselves is their own requester.
//
// An owner or an admin is added (or brought back, or their setup email sent
// to a new address) at an owner's request only (R19: giving the role is a
// change of permissions), and through the desk with that owner's passed
// caller check, consumed here as action (R41; provenOwnerRequest). Through
// the desk anyone is added, brought back or has their setup email sent to a
// new address only at the requester's request proven the same way (R3,
// R41; unprovenAdd): a name typed is anyone's.
func (t *txn) checkAdder(actor Actor, p Practice, req *Request, roles Roles, action string) error {
	if p.InUse == 0 && !t.practiceHasUsers(p.ID) {
		if actor.Kind != ActorOperator && actor.Kind != ActorSystem {
			return refuseWith("R3", p.Name+" has no users yet: its first user, its owner, is set up by the desk at onboarding",
				"Ask the support desk to onboard the practice.")
		}
		if !roles.Owner {
			return refuseWith("R2", p.Name+" has no users yet: its first user is its owner, set up at onboarding",
				"Add the practice's owner first (roles owner, and admin if they administer it).")
		}
		return nil
	}
	if actor.Kind == ActorAdmin {
		if err := t.isAdminOf(actor, p.ID, "R3"); err != nil {
			return err
		}
		return t.adminMayMoveOwnership(actor, User{}, roles)
	}
	if err := t.actorAsRequester(actor, req); err != nil {
		return err
	}
	r, err := t.checkAsker(askAdd, p, req.Requester, nil, "owners, champions or admins",
		req.Requester+" is not an owner, champion or admin of "+p.Name+": only they may have users added")
	if err == nil && roles.Owner && !r.Roles.Owner {
		// An owner is the practice's financial decision maker (R2): only an
		// owner makes someone one, added or promoted (R19).
		err = refuseWith("R19", req.Requester+" is not an owner of "+p.Name+": only an owner may have an owner added",
			"Ask an owner of the practice, or add the person without the owner role.")
	}
	if err == nil && roles.Admin && !r.Roles.Owner && actor.Kind != ActorAdmin {
		// The admin role is a permission (R19): an owner's to give.
		err = refuseWith("R19", req.Requester+" is not an owner of "+p.Name+": the admin role is given at an owner's request (permissions, R19)",
			"Ask an owner of the practice, or add the person without the admin role.")
	}
	if err == nil && actor.Kind == ActorOperator && (roles.Owner || roles.Admin) {
		err = t.provenOwnerRequest(actor, r, req, action)
	} else if err == nil && actor.Kind == ActorOperator && roles.Champion {
		// A champion asks for anyone's inactivation, an owner's or
		// admin's too (R20): the role is given on a proven request (R41).
		err = t.provenRequest(actor, r, req, action, refuseWith("R3",
			fmt.Sprintf("a champion (who asks for inactivations, an owner's or admin's too, R20) is added or brought back only at %s's request proven, not typed: a passed caller check of them (R41) goes with it", r.Login()),
			"Verify the person who asks (V on them in the console, or `latchkey verify start "+r.Login()+"`), then act with that check (--verification ID); or leave the champion role out."))
	} else if err == nil && actor.Kind == ActorOperator {
		// Bringing someone back gives them their account again, with the
		// password they left with; adding someone, or sending a pending
		// user's setup email to a new address, gives an account at the
		// practice to whoever reads the address given (R3, R41): a fired
		// employee, or anyone, calling as the champion is the attack, so
		// the request is proven.
		err = t.provenRequest(actor, r, req, action, unprovenAdd(r, action))
	}
	return err
}

// unprovenAdd is the refusal of a desk add, reactivation or setup redirect
// on a typed request (R3, R41): the account it gives goes to someone at
// the word of an owner, champion or admin, so that word is proven by a
// passed caller check of them (provenRequest).
func unprovenAdd(asker User, action string) *RuleError {
	what := "a user is brought back (they log in again with the password they left with)"
	switch action {
	case ActUserCreated:
		what = "a user is added (their setup link goes to the address given)"
	case ActVerificationSent:
		what = "a setup email goes to a new address (whoever reads it owns the account)"
	}
	return refuseWith("R3", fmt.Sprintf("through the desk %s only at %s's request proven, not typed: a passed caller check of them (R41) goes with it; a name said on the phone is anyone's", what, asker.Login()),
		"Verify the person who asks (V on them in the console, or `latchkey verify start "+asker.Login()+"`: a code to what is on file, their app, or an owner's or admin's approval), then act with that check (--verification ID).")
}

// provenOwnerRequest: through the desk, giving the owner or admin role needs
// the asking owner's request proven, not typed (R19, R41).
func (t *txn) provenOwnerRequest(actor Actor, owner User, req *Request, action string) error {
	return t.provenRequest(actor, owner, req, action, refuseWith("R19",
		fmt.Sprintf("giving or taking the owner or admin role needs %s's request proven, not typed: a passed caller check of them (R41) goes with it", owner.Login()),
		"Verify the owner who asks (V on them in the console, or `latchkey verify start "+owner.Login()+"`: a code to what is on file, their app, or another owner's or admin's approval), then make the change with that check (--verification ID)."))
}

// provenRequest: a request the desk takes for a privileged change (R19,
// R20) is proven, not typed: a passed caller check of the asker that
// counts, not through a phone or app enrolled this week (newFactorRefusal),
// consumed with the action (R41). Without one it is refused as unproven.
// One transaction consumes one check: a replace that both takes a leaver's
// role away and gives a newcomer one uses the same check for both.
func (t *txn) provenRequest(actor Actor, asker User, req *Request, action string, unproven *RuleError) error {
	if req.Verification == 0 {
		return unproven
	}
	if t.proven.ID == req.Verification && t.proven.UserID == asker.ID {
		return nil
	}
	v, err := t.useVerification(actor, action, req, true, asker.ID)
	if err != nil {
		return err
	}
	if err := t.newFactorRefusal(v); err != nil {
		return err
	}
	t.proven = v
	return nil
}

// practiceHasUsers reports whether the practice has any user (of any
// status): known without a scan for a practice this transaction created.
func (t *txn) practiceHasUsers(practiceID uint64) bool {
	if has, ok := t.fresh[practiceID]; ok {
		return has
	}
	return practiceHasUsers(t.tx, practiceID)
}

func practiceHasUsers(tx *store.Tx, practiceID uint64) bool {
	has := false
	_ = tx.Scan(ixPracticeUsers, store.U64(practiceID), nil, false, func(_, _ []byte) (bool, error) {
		has = true
		return false, nil
	})
	return has
}

// User reads one user by id.
func (s *Service) User(id uint64) (User, error) {
	var u User
	err := s.db.View(func(tx *store.Tx) error {
		var err error
		u, err = getUser(tx, id)
		return err
	})
	return u, err
}

// UserByLogin reads one user by login email or username (any case).
func (s *Service) UserByLogin(login string) (User, error) {
	var u User
	err := s.db.View(func(tx *store.Tx) error {
		var err error
		u, err = userByLogin(tx, login)
		return err
	})
	return u, err
}

// UserRow is a user with their practice's name, as the panes show them.
type UserRow struct {
	User
	PracticeName string
	Rank         int // with a search: RankExact, RankName or RankOther (search.go)
}

// UserQuery selects users: in id order, or with a search ranked (an exact
// login first, then users found by their name, then the rest), each rank in
// id order.
type UserQuery struct {
	PracticeID uint64 // only this practice's users
	Status     Status // only this status
	LockedOnly bool   // only locked accounts
	// Search: words that each start a word of the name, the login email
	// (either side of the @), the username or the practice's name, in any
	// order, folding case and accents.
	Search    string
	After     uint64 // paging: the id of the last row of the page before
	AfterRank int    // paging: its rank (searches only)
	Limit     int    // 0 = 200
	// Budget bounds how many records a Status filter reads to test their
	// status (0: no bound): no index carries a user's status, so "inactive"
	// over a million users could read them all for a page. A page the
	// budget cuts short says where the next one goes on (UsersPage).
	Budget int
}

// Users lists users a page at a time from indexes: a practice's users from
// the practice index, a search from the word index (search.go), locked
// users from the lockouts index, never by decoding every user (but see
// Budget).
func (s *Service) Users(q UserQuery) ([]UserRow, error) {
	p, err := s.UsersPage(q)
	return p.Rows, err
}

// searchUsers is a page of a user search: the user whose login the query is
// (rank 0), then the ranks of search.go, after (q.AfterRank, q.After); the
// page kept when it asks what the last search asked (searchpage.go). cut is
// where a page cut by q.Budget goes on (zero: not cut).
func searchUsers(tx *store.Tx, q UserQuery, terms []string, table *practiceTable, lists *wordLists) (hits []Hit, cut Hit, err error) {
	version, versioned := tx.Version()
	if !versioned || lists == nil {
		return findUsers(tx, q, terms, table, lists)
	}
	asked := pageAsked(q, terms)
	if hits, cut, ok := lists.page.get(version, asked); ok {
		return hits, cut, nil
	}
	hits, cut, err = findUsers(tx, q, terms, table, lists)
	if err == nil {
		lists.page.keep(version, asked, hits, cut)
	}
	return hits, cut, err
}

// findUsers searches for a page of users (searchUsers). A status is tested
// on the record of each match (no index carries it), within q.Budget; a
// lock by the lockouts index.
func findUsers(tx *store.Tx, q UserQuery, terms []string, table *practiceTable, lists *wordLists) ([]Hit, Hit, error) {
	var locked map[uint64]bool
	if q.LockedOnly {
		ids, err := lockedIDs(tx)
		if err != nil {
			return nil, Hit{}, err
		}
		locked = make(map[uint64]bool, len(ids))
		for _, id := range ids {
			locked[id] = true
		}
	}
	pass := func(u User) bool {
		return (q.Status == "" || u.Status == q.Status) && (!q.LockedOnly || u.Locked()) &&
			(q.PracticeID == 0 || u.PracticeID == q.PracticeID)
	}
	var hits []Hit
	var cut Hit
	sq := searchQuery{terms: terms, scope: q.PracticeID, after: Hit{Rank: q.AfterRank, ID: q.After}, limit: q.Limit, table: table, lists: lists}
	if lists != nil {
		sq.docs = &lists.docs
	}
	if exact, err := userByLogin(tx, q.Search); err == nil {
		sq.exact = exact.ID
		if h := (Hit{Rank: RankExact, ID: exact.ID}); pass(exact) && h.after(sq.after) {
			hits = append(hits, h)
		}
	} else if !IsNotFound(err) {
		return nil, cut, err
	}
	if q.Status != "" || q.LockedOnly {
		budget := statusBudget{q: q}
		sq.accept = func(id uint64) (bool, error) {
			if q.LockedOnly && !locked[id] {
				return false, nil
			}
			return budget.status(tx, id)
		}
		if q.Status != "" {
			sq.budget = q.Budget
		}
	}
	sq.limit -= len(hits)
	more, stop, err := userSpace.find(tx, sq)
	if err == nil && stop.ID != 0 && len(hits)+len(more) < q.Limit {
		cut = stop
	}
	return append(hits, more...), cut, err
}
