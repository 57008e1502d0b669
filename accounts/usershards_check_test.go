package accounts

import (
	"bytes"
	"strings"
	"testing"

	"latchkey/store"
	"latchkey/store/storetest"
)

// R1, R44: check proves that every user the totals count is one the
// service can read. With users in shards (usershards.go) a record can sit
// where getUser never looks — in another shard, or past the id sequence
// that bounds every scan — and still be counted, the totals matching: the
// user is lost to the desk while check passes. Check names the key.
func TestCheckFindsAUserOutsideTheirShard(t *testing.T) {
	setup := func(t *testing.T) (*Service, []uint64) {
		s, err := Open(storetest.Target(t, "t.db"), NewFakeClock(testEpoch), cheapConfig())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = s.Close() })
		p, owner, _ := practiceWith(t, s, "Shard Clinic", 40)
		ids := []uint64{owner.ID}
		for range 20 {
			ids = append(ids, activeUser(t, s, p.ID, "Greta Lindqvist", Roles{}, owner.Login()).ID)
		}
		if err := s.Check(); err != nil {
			t.Fatalf("untouched: %v", err)
		}
		return s, ids
	}
	// move re-keys user id's record and event keys as newID in bucket to.
	move := func(t *testing.T, s *Service, id, newID uint64, to func(uint64) store.Bucket) {
		t.Helper()
		err := s.db.Update(func(tx *store.Tx) error {
			var keys, values [][]byte
			err := tx.Scan(usersBucketOf(id), store.U64(id), nil, false, func(k, v []byte) (bool, error) {
				keys, values = append(keys, bytes.Clone(k)), append(values, bytes.Clone(v))
				return true, nil
			})
			if err != nil || len(keys) == 0 {
				t.Fatalf("user %d: %d keys, %v", id, len(keys), err)
			}
			for i, k := range keys {
				if err := tx.Delete(usersBucketOf(id), k); err != nil {
					return err
				}
				nk := append(store.U64(newID), k[8:]...)
				if err := tx.PutRaw(to(newID), nk, values[i]); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	cases := map[string]func(t *testing.T, s *Service, ids []uint64){
		"a user of the second shard in the first bucket": func(t *testing.T, s *Service, ids []uint64) {
			id := ids[10]
			if usersBucketOf(id) == bUsers {
				t.Fatalf("user %d is in the first shard", id)
			}
			move(t, s, id, id, func(uint64) store.Bucket { return bUsers })
		},
		"a user in the shard after theirs": func(t *testing.T, s *Service, ids []uint64) {
			id := ids[3]
			move(t, s, id, id, func(n uint64) store.Bucket { return usersShard(n>>userShardBits + 1) })
		},
		"the newest user re-keyed past the id sequence": func(t *testing.T, s *Service, ids []uint64) {
			last := ids[len(ids)-1]
			if usersBucketOf(last+1) != usersBucketOf(last) {
				t.Fatalf("user %d is the last of their shard", last)
			}
			move(t, s, last, last+1, usersBucketOf)
		},
	}
	for name, tamper := range cases {
		t.Run(name, func(t *testing.T) {
			s, ids := setup(t)
			tamper(t, s, ids)
			err := s.Check()
			if err == nil || !strings.Contains(err.Error(), "users") {
				t.Fatalf("check after %s: %v, want the misplaced key named", name, err)
			}
		})
	}
}
