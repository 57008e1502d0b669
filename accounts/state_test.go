package accounts

import "testing"

// The state machines allow exactly their tables' transitions, and every
// state is reachable from creation.
func TestStateMachinesAreClosed(t *testing.T) {
	statuses := []Status{"", StatusPending, StatusActive, StatusInactive}
	want := map[[2]Status]bool{
		{"", StatusPending}: true, {"", StatusActive}: true,
		{StatusPending, StatusActive}: true, {StatusPending, StatusInactive}: true,
		{StatusActive, StatusInactive}:  true,
		{StatusInactive, StatusPending}: true, {StatusInactive, StatusActive}: true,
	}
	for _, from := range statuses {
		for _, to := range statuses {
			err := statusTransition(from, to)
			if want[[2]Status{from, to}] != (err == nil) {
				t.Errorf("status %q -> %q: err=%v", from, to, err)
			}
		}
	}
	locks := []LockState{LockOpen, LockLocked}
	for _, from := range locks {
		for _, to := range locks {
			if (from != to) != (lockTransition(from, to) == nil) {
				t.Errorf("lock %q -> %q", from, to)
			}
		}
	}
	reach := map[Status]bool{"": true}
	for changed := true; changed; {
		changed = false
		for from, tos := range statusTransitions {
			for _, to := range tos {
				if reach[from] && !reach[to] {
					reach[to], changed = true, true
				}
			}
		}
	}
	for _, s := range statuses {
		if !reach[s] {
			t.Errorf("status %q unreachable", s)
		}
	}
}

// putUser refuses a change outside the tables, and nothing lands.
func TestPutUserEnforcesTransitions(t *testing.T) {
	s, _ := newTestService(t)
	p, owner, _ := practiceWith(t, s, "Table Clinic", 5)
	_ = p
	err := s.update(func(tx *txn) error {
		old, _ := getUser(tx.tx, owner.ID)
		u := old
		u.Status = StatusPending // active -> pending is not in the table
		return tx.putUser(&old, u)
	})
	if _, ok := err.(*TransitionError); !ok {
		t.Fatalf("want a TransitionError, got %v", err)
	}
	if u, _ := s.User(owner.ID); u.Status != StatusActive {
		t.Fatalf("status changed to %s", u.Status)
	}
}
