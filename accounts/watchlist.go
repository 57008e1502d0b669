package accounts

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"latchkey/store"
)

// The watch list (R43): a new factor enrolled within 24 hours of an MFA
// clear is what an attacker who talked the desk into the clear would do
// next, so it waits on the desk's watch list until an operator reviews it.

// WatchWindow is how soon after a clear an enrolment is watched (R43).
const WatchWindow = 24 * time.Hour

// Audit actions of the watch list.
const (
	ActWatchAdded    = "watch.added"
	ActWatchReviewed = "watch.reviewed"
)

const (
	bWatch      store.Bucket = "watch"         // id -> WatchEntry
	ixWatchOpen store.Bucket = "ix_watch_open" // userID|id, until reviewed
)

// WatchState is where a watch-list entry is.
type WatchState string

const (
	WatchOpen     WatchState = "open"
	WatchReviewed WatchState = "reviewed"
)

var watchTransitions = map[WatchState][]WatchState{
	"":        {WatchOpen},
	WatchOpen: {WatchReviewed},
}

func watchTransition(from, to WatchState) error {
	if !allowed(watchTransitions, from, to) {
		return &TransitionError{Machine: "watch list", From: string(from), To: string(to)}
	}
	return nil
}

// WatchEntry is a factor enrolled soon after a clear.
type WatchEntry struct {
	ID         uint64    `json:"id"`
	UserID     uint64    `json:"user_id"`
	Login      string    `json:"user"`
	Name       string    `json:"name"`
	PracticeID uint64    `json:"practice_id"`
	Method     MFAMethod `json:"method"`
	EnrolledAt time.Time `json:"enrolled_at"`
	ClearedAt  time.Time `json:"cleared_at"`
	ClearedBy  string    `json:"cleared_by"`
	ApprovedBy string    `json:"approved_by,omitempty"` // the second operator of a four-eyes clear (R42)
	// The seats (Actor.Seat) of the clear's operators, where known: a local
	// operator's name is typed, so the review is never from those seats.
	ClearedSeat  string     `json:"cleared_seat,omitempty"`
	ApprovedSeat string     `json:"approved_seat,omitempty"`
	State        WatchState `json:"state"`
	ReviewedBy   string     `json:"reviewed_by,omitempty"`
	ReviewedAt   time.Time  `json:"reviewed_at,omitzero"`
	Note         string     `json:"note,omitempty"`
}

// ClearedByWords names the operators of the clear: "dana", or "dana, approved
// by eli" under four eyes.
func (w WatchEntry) ClearedByWords() string {
	if w.ApprovedBy == "" {
		return w.ClearedBy
	}
	return w.ClearedBy + ", approved by " + w.ApprovedBy
}

func (w *WatchEntry) moveTo(to WatchState) error {
	if err := watchTransition(w.State, to); err != nil {
		return err
	}
	w.State = to
	return nil
}

func getWatch(tx *store.Tx, id uint64) (WatchEntry, error) {
	w, err := store.Get[WatchEntry](tx, bWatch, store.U64(id))
	if errors.Is(err, store.ErrNotFound) {
		return w, &NotFoundError{What: "watch-list entry", Key: "#" + itoa(int(id))}
	}
	return w, err
}

func (t *txn) putWatch(w WatchEntry) error {
	if err := store.Put(t.tx, bWatch, store.U64(w.ID), w); err != nil {
		return err
	}
	k := store.Key(store.U64(w.UserID), store.U64(w.ID))
	if w.State == WatchOpen {
		return t.tx.PutRaw(ixWatchOpen, k, nil)
	}
	return t.tx.Delete(ixWatchOpen, k)
}

// openWatchOf is the user's newest unreviewed entry, if any.
func openWatchOf(tx *store.Tx, userID uint64) (WatchEntry, bool, error) {
	var w WatchEntry
	found := false
	err := tx.Scan(ixWatchOpen, store.U64(userID), nil, true, func(k, _ []byte) (bool, error) {
		var err error
		w, err = getWatch(tx, store.ParseU64(k[8:]))
		found = err == nil
		return false, err
	})
	return w, found, err
}

// lastClear finds the newest MFA clear of u within WatchWindow of now.
func (t *txn) lastClear(u User) (Event, bool, error) {
	var found Event
	ok := false
	err := recentUserEvents(t.tx, t.s.legacyEvents, u.ID, t.now.Add(-WatchWindow), func(e Event) (bool, error) {
		if e.Action == ActMFACleared && e.Outcome == OutcomeOK {
			found, ok = e, true
			return false, nil
		}
		return true, nil
	})
	return found, ok, err
}

// watchNewFactor puts a just-enrolled factor of u on the watch list when
// MFA was cleared within the last 24 hours (R43). Called in the enrolment's
// own transaction.
func (t *txn) watchNewFactor(u User) error {
	clear, ok, err := t.lastClear(u)
	if err != nil || !ok {
		return err
	}
	id, err := t.tx.NextSeq(bWatch)
	if err != nil {
		return err
	}
	w := WatchEntry{ID: id, UserID: u.ID, Login: u.Login(), Name: u.Name, PracticeID: u.PracticeID, Method: u.MFA.Method,
		EnrolledAt: t.now, ClearedAt: clear.Time, ClearedBy: clear.Actor, ApprovedBy: clear.ApprovedBy}
	if w.ClearedSeat, w.ApprovedSeat, err = clearSeats(t.tx, clear); err != nil {
		return err
	}
	if err := w.moveTo(WatchOpen); err != nil {
		return err
	}
	if err := t.putWatch(w); err != nil {
		return err
	}
	return t.audit(System(), ActWatchAdded, &u, Request{}, OutcomeOK,
		fmt.Sprintf("watch #%d: %s enrolled %s after the MFA clear by %s (R43)", w.ID, w.Method, t.now.Sub(clear.Time).Truncate(time.Minute), clear.Actor))
}

// WatchList lists entries newest first: open ones, or all.
func (s *Service) WatchList(all bool, limit int) ([]WatchEntry, error) {
	if limit <= 0 {
		limit = 100
	}
	var out []WatchEntry
	err := s.db.View(func(tx *store.Tx) error {
		if !all {
			var err error
			out, err = openWatches(tx, limit)
			return err
		}
		return tx.Scan(bWatch, nil, nil, true, func(_, v []byte) (bool, error) {
			w, err := decode[WatchEntry](v)
			if err != nil {
				return false, err
			}
			if all || w.State == WatchOpen {
				out = append(out, w)
			}
			return len(out) < limit, nil
		})
	})
	return out, err
}

// openWatches are the unreviewed entries, newest first, read through the
// index of open entries: the reviewed ones, however many, are never read.
func openWatches(tx *store.Tx, limit int) ([]WatchEntry, error) {
	var ids []uint64
	err := tx.Scan(ixWatchOpen, nil, nil, false, func(k, _ []byte) (bool, error) {
		ids = append(ids, store.ParseU64(k[8:]))
		return true, nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(ids, func(a, b uint64) int { return cmp.Compare(b, a) })
	out := make([]WatchEntry, 0, min(len(ids), limit))
	for _, id := range ids[:min(len(ids), limit)] {
		w, err := getWatch(tx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, nil
}

// ReviewWatch is an operator having looked at a watched enrolment (R43):
// the note says what they found; the entry leaves the list.
func (s *Service) ReviewWatch(actor Actor, id uint64, note string) (WatchEntry, error) {
	note = strings.TrimSpace(note)
	if note == "" {
		return WatchEntry{}, badField("note", "say what the review found (R43)")
	}
	var target User
	_ = s.db.View(func(tx *store.Tx) error {
		if w, err := getWatch(tx, id); err == nil {
			target, _ = getUser(tx, w.UserID)
		}
		return nil
	})
	var out WatchEntry
	err := s.act(actor, ActWatchReviewed, &target, Request{Reason: note}, func(t *txn) error {
		if actor.Kind != ActorOperator {
			return refuse("R43", "only an operator reviews the watch list")
		}
		w, err := getWatch(t.tx, id)
		if err != nil {
			return err
		}
		if w.State != WatchOpen {
			return refuse("R43", fmt.Sprintf("watch #%d was already reviewed by %s", w.ID, w.ReviewedBy))
		}
		if err := reviewerRefusal(actor, w); err != nil {
			return err
		}
		if err := w.moveTo(WatchReviewed); err != nil {
			return err
		}
		w.ReviewedBy, w.ReviewedAt, w.Note = actor.Name, t.now, note
		if err := t.putWatch(w); err != nil {
			return err
		}
		u, err := getUser(t.tx, w.UserID)
		if err != nil {
			return err
		}
		out = w
		return t.audit(actor, ActWatchReviewed, &u, Request{Reason: note}, OutcomeOK, fmt.Sprintf("watch #%d reviewed", w.ID))
	})
	return out, err
}

// stateReviewWatch: an operator reviews a user's factor on the watch list
// (R43); a user with nothing on it has nothing to review.
func (t *txn) stateReviewWatch(actor Actor, u User) error {
	if actor.Kind != ActorOperator {
		return refuse("R43", "only an operator reviews the watch list")
	}
	w, ok, err := openWatchOf(t.tx, u.ID)
	if err != nil || !ok {
		if err == nil {
			err = refuse("R43", u.Login()+" has no factor on the watch list")
		}
		return err
	}
	return reviewerRefusal(actor, w)
}

// clearSeats are the seats the clear was made from: the operator who used
// the caller check (who asked, under four eyes) and the one who approved.
func clearSeats(tx *store.Tx, clear Event) (cleared, approved string, err error) {
	if clear.Verification != 0 {
		v, err := getVerification(tx, clear.Verification)
		if err != nil && !IsNotFound(err) {
			return "", "", err
		}
		cleared = v.UsedSeat
	}
	if clear.Approval != 0 {
		a, err := getApproval(tx, clear.Approval)
		if err != nil && !IsNotFound(err) {
			return "", "", err
		}
		approved = a.DecidedSeat
		if cleared == "" {
			cleared = a.RequestedSeat
		}
	}
	return cleared, approved, nil
}

// reviewerRefusal: the watch list is the desk's second look at a clear, so
// the operators who cleared (talked into it, or in on it) — the one who
// asked and, under four eyes, the one who approved — do not review the new
// factor away themselves (R43), under another name at their seat either
// (as four eyes, MayApprove): locally a name is typed, not proven (R35).
func reviewerRefusal(actor Actor, w WatchEntry) error {
	did := ""
	switch {
	case sameOperator(actor.Name, w.ClearedBy):
		did = "cleared this MFA"
	case w.ApprovedBy != "" && sameOperator(actor.Name, w.ApprovedBy):
		did = "approved the clear of this MFA"
	case actor.Seat != "" && (actor.Seat == w.ClearedSeat || actor.Seat == w.ApprovedSeat):
		return refuseWith("R43", fmt.Sprintf("the clear before watch #%d was made from this same seat (%s), where an operator's name is typed, not proven: %s there cannot review the factor enrolled after it",
			w.ID, actor.Seat, actor.Name),
			"Review it from another OS account or machine, or over `latchkey serve`, where every operator is their own SSH key.")
	default:
		return nil
	}
	return refuseWith("R43", fmt.Sprintf("%s %s and cannot review the factor enrolled after it (watch #%d)", actor.Name, did, w.ID),
		"Ask an operator who took no part in the clear to review it.")
}

// WatchOf is the user's newest unreviewed watch-list entry, if any.
func (s *Service) WatchOf(userID uint64) (WatchEntry, bool, error) {
	var w WatchEntry
	var ok bool
	err := s.db.View(func(tx *store.Tx) error {
		var err error
		w, ok, err = openWatchOf(tx, userID)
		return err
	})
	return w, ok, err
}

// OpenWatchCount is how many entries wait for review (the header's badge).
func (s *Service) OpenWatchCount() (int, error) {
	n := 0
	err := s.db.View(func(tx *store.Tx) error {
		return tx.Scan(ixWatchOpen, nil, nil, false, func(_, _ []byte) (bool, error) { n++; return n < 1000, nil })
	})
	return n, err
}
