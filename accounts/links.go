package accounts

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strings"
	"time"

	"latchkey/store"
)

const (
	bLinks     store.Bucket = "links"        // id -> Link
	ixLinkHash store.Bucket = "ix_link_hash" // sha256(token) -> id
)

// LinkPurpose is what using a link does.
type LinkPurpose string

const (
	LinkSetup       LinkPurpose = "setup"        // verify the login email, choose a password (R4)
	LinkEmailChange LinkPurpose = "email-change" // verify a new login email (R7)
	LinkReset       LinkPurpose = "reset"        // choose a new password (R16, R17)
)

// LinkState is where a single-use link is in its life.
type LinkState string

const (
	LinkLive       LinkState = "live"
	LinkUsed       LinkState = "used"
	LinkSuperseded LinkState = "superseded" // a newer link replaced it (R5, R6); a reset link, a password change too (R16)
	LinkVoided     LinkState = "voided"     // the user was made inactive (R5)
	LinkExpired    LinkState = "expired"    // past its maximum age, if one is set
	LinkRevoked    LinkState = "revoked"    // the address it went to is no longer the login email (R7)
)

// linkTransitions: a link is issued live and ends exactly once.
var linkTransitions = map[LinkState][]LinkState{
	"":       {LinkLive},
	LinkLive: {LinkUsed, LinkSuperseded, LinkVoided, LinkExpired, LinkRevoked},
}

// Link is a single-use link as stored: only the hash of its token.
type Link struct {
	ID        uint64      `json:"id"`
	Purpose   LinkPurpose `json:"purpose"`
	UserID    uint64      `json:"user_id"`
	Email     string      `json:"email"` // the address it was sent to and verifies
	Hash      []byte      `json:"hash"`  // sha256 of the token; the token itself is never stored
	State     LinkState   `json:"state"`
	IssuedAt  time.Time   `json:"issued_at"`
	ExpiresAt time.Time   `json:"expires_at,omitzero"` // zero: no maximum age
	EndedAt   time.Time   `json:"ended_at,omitzero"`
}

// stateAt is the link as it stands at now: a live link past its expiry reads
// as expired even before anything records it.
func (l Link) stateAt(now time.Time) Link {
	if l.State == LinkLive && !l.ExpiresAt.IsZero() && !now.Before(l.ExpiresAt) {
		l.State, l.EndedAt = LinkExpired, l.ExpiresAt
	}
	return l
}

func linkTransition(from, to LinkState) error {
	if !allowed(linkTransitions, from, to) {
		return &TransitionError{Machine: "link", From: string(from), To: string(to)}
	}
	return nil
}

// LinkBase is where links in messages point; the token follows it.
const LinkBase = "https://app.latchkey.example/l/"

// tokenBytes is the entropy of a link token: 256 bits from crypto/rand.
const tokenBytes = 32

func newToken() string {
	b := make([]byte, tokenBytes)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func tokenHash(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// TokenFromLink accepts a whole link or just its token.
func TokenFromLink(link string) string {
	link = strings.TrimSpace(link)
	if i := strings.LastIndexByte(link, '/'); i >= 0 {
		link = link[i+1:]
	}
	if i := strings.IndexAny(link, "?#"); i >= 0 {
		link = link[:i]
	}
	return link
}

func getLink(tx *store.Tx, id uint64) (Link, error) {
	l, err := store.Get[Link](tx, bLinks, store.U64(id))
	if errors.Is(err, store.ErrNotFound) {
		return l, &NotFoundError{What: "link", Key: itoa(int(id))}
	}
	return l, err
}

// issueLink creates a live link and returns it with its token (which only
// the message to its recipient will carry).
func (t *txn) issueLink(purpose LinkPurpose, u User, email string, maxAge time.Duration) (Link, string, error) {
	id, err := t.tx.NextSeq(bLinks)
	if err != nil {
		return Link{}, "", err
	}
	token := newToken()
	l := Link{ID: id, Purpose: purpose, UserID: u.ID, Email: email, Hash: tokenHash(token),
		State: LinkLive, IssuedAt: t.now}
	if maxAge > 0 {
		l.ExpiresAt = t.now.Add(maxAge)
	}
	if err := linkTransition("", LinkLive); err != nil {
		return Link{}, "", err
	}
	if err := store.Put(t.tx, bLinks, store.U64(id), l); err != nil {
		return Link{}, "", err
	}
	return l, token, t.tx.PutRaw(ixLinkHash, l.Hash, store.U64(id))
}

// endLink ends a live link (used, superseded, voided or expired). A link
// that already ended stays as it is.
func (t *txn) endLink(id uint64, to LinkState) error {
	if id == 0 {
		return nil
	}
	l, err := getLink(t.tx, id)
	if err != nil {
		return err
	}
	if l.State != LinkLive {
		return nil
	}
	if err := linkTransition(l.State, to); err != nil {
		return err
	}
	l.State, l.EndedAt = to, t.now
	return store.Put(t.tx, bLinks, store.U64(id), l)
}

// linkByToken finds the link a token belongs to, as it stands now.
func (t *txn) linkByToken(token string) (Link, error) {
	raw, err := t.tx.GetRaw(ixLinkHash, tokenHash(TokenFromLink(token)))
	if errors.Is(err, store.ErrNotFound) {
		return Link{}, refuse("R5", "this link is not valid")
	}
	if err != nil {
		return Link{}, err
	}
	l, err := getLink(t.tx, store.ParseU64(raw))
	return l.stateAt(t.now), err
}

// liveLink checks that l can still be used, naming the rule that ended it.
func liveLink(l Link) error {
	switch l.State {
	case LinkLive:
		return nil
	case LinkUsed:
		return refuse("R5", "this link was already used: links work once")
	case LinkSuperseded:
		if l.Purpose == LinkReset {
			return refuseWith("R5", "this reset link no longer works: a newer one was sent, or the password was changed since",
				"Use the link in the most recent email, or \"Forgot your password?\" again.")
		}
		return refuseWith("R5", "this link was replaced by a newer one", "Use the link in the most recent email.")
	case LinkVoided:
		return refuse("R5", "this link no longer works: the account was made inactive")
	case LinkRevoked:
		return refuseWith("R7", "this link no longer works: it went to an address that is no longer the account's login email",
			"Use \"Forgot your password?\" with the current login email.")
	case LinkExpired:
		if l.Purpose == LinkReset {
			return refuseWith("R16", "this reset link has expired: reset links work for 60 minutes", "Use \"Forgot your password?\" again for a new one.")
		}
		return refuseWith("R5", "this link has expired", "Ask for a new one.")
	}
	return refuse("R5", "this link is not valid")
}
