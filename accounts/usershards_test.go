package accounts

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"latchkey/store"
	"latchkey/store/storetest"
)

// usersSnapshot is everything the users buckets hold, key by key, in the
// order scanUsers visits them.
func usersSnapshot(t *testing.T, s *Service) (keys, values [][]byte) {
	t.Helper()
	err := s.db.View(func(tx *store.Tx) error {
		return scanUsers(tx, 0, func(k, v []byte) (bool, error) {
			keys, values = append(keys, bytes.Clone(k)), append(values, bytes.Clone(v))
			return true, nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return keys, values
}

// unsplit puts a file back as schema 4 kept its users: every record and
// event key in the one users bucket, no shards. moved (if not nil) says
// which keys to leave in their shards, as a move cut short would.
func unsplit(t *testing.T, s *Service, schema string, moved func(k []byte) bool) {
	t.Helper()
	keys, values := usersSnapshot(t, s)
	err := s.db.Update(func(tx *store.Tx) error {
		for i, k := range keys {
			id := store.ParseU64(k[:8])
			if usersBucketOf(id) == bUsers || moved != nil && moved(k) {
				continue
			}
			if err := tx.Delete(usersBucketOf(id), k); err != nil {
				return err
			}
			if err := tx.PutRaw(bUsers, k, values[i]); err != nil {
				return err
			}
		}
		if moved == nil {
			if err := tx.Delete(store.MetaBucket, keyUserSplit); err != nil {
				return err
			}
		} else if err := markUserSplit(tx); err != nil {
			return err
		}
		return tx.PutRaw(store.MetaBucket, []byte("schema_version"), []byte(schema))
	})
	if err != nil {
		t.Fatal(err)
	}
}

// R29, R44: a file of schema 4 keeps every user in one bucket; opened by
// this Latchkey its users and their events' keys move into their shards,
// a batch per transaction, and everything reads as before: each user, the
// list of users in id order, each user's events, the totals and the check.
// A move cut short (some keys moved, the file marked) goes on at the next
// open.
func TestUsersMoveIntoShards(t *testing.T) {
	defer func(n int) { splitBatch = n }(splitBatch)
	splitBatch = 7 // many transactions, each ending anywhere
	for _, cut := range []bool{false, true} {
		target := storetest.Target(t, "old.db")
		s, err := Open(target, NewFakeClock(testEpoch), cheapConfig())
		if err != nil {
			t.Fatal(err)
		}
		var ids []uint64
		for i, name := range []string{"First Clinic", "Second Clinic", "Third Clinic"} {
			p, owner, _ := practiceWith(t, s, name, 12)
			for range 3 + 2*i {
				ids = append(ids, activeUser(t, s, p.ID, "Greta Lindqvist", Roles{}, owner.Login()).ID)
			}
			_ = failLogins(t, s, owner.Email, 5)
			ids = append(ids, owner.ID)
		}
		if _, err := s.Unlock(Operator("ann"), ids[len(ids)-1], Request{Reason: "called", VerifiedBy: "call-back"}); err != nil {
			t.Fatal(err)
		}
		keys, values := usersSnapshot(t, s)
		rows, err := s.Users(UserQuery{Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		evs := map[uint64][]uint64{}
		for _, id := range ids {
			evs[id] = userEventSeqs(t, s, id)
		}
		if last := slices.Max(ids); usersBucketOf(last) == bUsers {
			t.Fatalf("user %d is in the first shard: the test moves nothing", last)
		}
		var moved func([]byte) bool
		schema := "4"
		if cut {
			schema = "5" // marked and partly moved: the users of the second shard are still in the first bucket
			moved = func(k []byte) bool { return store.ParseU64(k[:8])>>userShardBits != 1 }
		}
		unsplit(t, s, schema, moved)
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		// The front end is told once why the open takes a while, and not
		// again once the users are in their shards.
		var told []string
		cfg := cheapConfig()
		cfg.Preparing = func(what string) { told = append(told, what) }
		s, err = Open(target, NewFakeClock(testEpoch), cfg)
		if err != nil {
			t.Fatal(err)
		}
		if len(told) != 1 || !strings.Contains(told[0], "shards") {
			t.Errorf("cut %v: told %q as the file opened, want one word of the move into shards", cut, told)
		}
		err = s.db.View(func(tx *store.Tx) error {
			if v, _ := store.SchemaVersion(tx); v != schemaVersion {
				t.Errorf("schema %d after opening, want %d", v, schemaVersion)
			}
			if _, err := tx.GetRaw(store.MetaBucket, keyUserSplit); err == nil {
				t.Error("the file is still marked for the move")
			}
			return tx.Scan(bUsers, nil, nil, false, func(k, _ []byte) (bool, error) {
				if id := store.ParseU64(k[:8]); usersBucketOf(id) != bUsers {
					t.Errorf("key %x of user %d left in the first bucket", k, id)
				}
				return true, nil
			})
		})
		if err != nil {
			t.Fatal(err)
		}
		gotKeys, gotValues := usersSnapshot(t, s)
		if !slices.EqualFunc(gotKeys, keys, bytes.Equal) || !slices.EqualFunc(gotValues, values, bytes.Equal) {
			t.Errorf("cut %v: the users' keys differ after the move: %d keys, had %d", cut, len(gotKeys), len(keys))
		}
		again, err := s.Users(UserQuery{Limit: 1000})
		if err != nil || len(again) != len(rows) {
			t.Fatalf("%d users listed after the move, %d before: %v", len(again), len(rows), err)
		}
		for i := range rows {
			if again[i].User.ID != rows[i].User.ID {
				t.Errorf("row %d: user %d, was %d", i, again[i].User.ID, rows[i].User.ID)
			}
		}
		for _, id := range ids {
			if got := auditSeqs(t, s, id, 2); !slices.Equal(got, evs[id]) {
				t.Errorf("user %d's events %v, were %v", id, got, evs[id])
			}
		}
		// New actions land in the shards.
		_ = failLogins(t, s, s.mustUser(t, ids[len(ids)-2]).Email, 1)
		if err := s.Check(); err != nil {
			t.Errorf("check after the move: %v", err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		told = nil
		if s, err = Open(target, NewFakeClock(testEpoch), cfg); err != nil {
			t.Fatal(err)
		}
		if len(told) != 0 {
			t.Errorf("told %q opening a file already moved", told)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

func (s *Service) mustUser(t *testing.T, id uint64) User {
	t.Helper()
	u, err := s.User(id)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
