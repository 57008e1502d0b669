package accounts

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"latchkey/store"
)

// Users live in shards of consecutive ids: ids [k<<userShardBits,
// (k+1)<<userShardBits) in bucket usersShard(k), each user's record
// followed by their events' keys (userevents.go). Shard 0 is the bucket
// "users", which also keeps the id sequence.
//
// Why: every action on a user rewrites the path from the user's leaf page to
// the root of its tree at commit. One tree of a million users and their 1.4
// million event keys is four pages deep (three branch pages above each
// leaf); a shard of 65,536 users is three deep, so each commit writes,
// reads and rebuilds one page less (issue 14 item 5). The shards' own
// roots are entries of the file's root page, which every commit writes
// anyway.

// userShardBits is the log2 of the ids a shard holds: 65,536. A variable
// only so that the package's tests can run every rule over many small
// shards (main_test.go); nothing else changes it.
var userShardBits uint = 16

// usersBucketOf is the bucket holding user id's record and events.
func usersBucketOf(id uint64) store.Bucket { return usersShard(id >> userShardBits) }

// shardNames are the names of the first shards, made once: a name is asked
// for at every read and write of a user.
var shardNames = func() (n [64]store.Bucket) {
	for k := range n {
		n[k] = shardName(uint64(k))
	}
	return n
}()

func shardName(k uint64) store.Bucket {
	if k == 0 {
		return bUsers
	}
	// Zero-padded: listed by name, the shards come in id order.
	return store.Bucket(fmt.Sprintf("%s.%05d", bUsers, k))
}

// usersShard is the bucket of shard k.
func usersShard(k uint64) store.Bucket {
	if k < uint64(len(shardNames)) {
		return shardNames[k]
	}
	return shardName(k)
}

// scanUsers visits the keys of the users buckets (records and event keys)
// in id order from user id start (0: the first) until fn returns false.
// Every key of each shard is visited, so a file whose shard 0 still holds
// every user (before schema 5) is read whole too.
func scanUsers(tx *store.Tx, start uint64, fn func(k, v []byte) (bool, error)) error {
	last, err := tx.Sequence(bUsers) // the newest id given
	if err != nil {
		return err
	}
	stop := false
	visit := func(k, v []byte) (bool, error) {
		more, err := fn(k, v)
		stop = !more
		return more, err
	}
	for k := start >> userShardBits; k <= last>>userShardBits; k++ {
		var from []byte
		if k == start>>userShardBits && start > 0 {
			from = store.U64(start)
		}
		if err := tx.Scan(usersShard(k), nil, from, false, visit); err != nil || stop {
			return err
		}
	}
	return nil
}

// scanUserBuckets visits every key of every users bucket the file holds,
// shard by shard, as check counts them: not bounded by the id sequence as
// scanUsers is, and refusing a key that sits where getUser and scanUsers
// never look — in a bucket other than its id's shard, or past the newest
// id given. Such a record would be counted while the desk cannot read it
// (R1, R44). A file whose users are not all in their shards yet (schema
// 4, or a move cut short) may keep any of them in the first bucket.
func scanUserBuckets(tx *store.Tx, fn func(k, v []byte) (bool, error)) error {
	last, err := tx.Sequence(bUsers)
	if err != nil {
		return err
	}
	version, err := store.SchemaVersion(tx)
	if err != nil {
		return err
	}
	_, err = tx.GetRaw(store.MetaBucket, keyUserSplit)
	unsplit := version < 5 || err == nil
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	names, err := tx.Buckets()
	if err != nil {
		return err
	}
	for _, b := range names {
		if b != bUsers && !strings.HasPrefix(string(b), string(bUsers)+".") {
			continue
		}
		err := tx.Scan(b, nil, nil, false, func(k, v []byte) (bool, error) {
			if len(k) < 8 {
				return false, fmt.Errorf("users: key %x in %s is no user's", k, b)
			}
			id := store.ParseU64(k[:8])
			if id > last {
				return false, fmt.Errorf("users: key %x in %s is user %d's, past the newest id given (%d)", k, b, id, last)
			}
			if own := usersBucketOf(id); own != b && !(unsplit && b == bUsers) {
				return false, fmt.Errorf("users: key %x of user %d is in %s, where the service never reads it (its shard is %s)", k, id, b, own)
			}
			return fn(k, v)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// Schema 5 moves every user past the first shard, with their events' keys,
// out of the one users bucket of older files into the shards. A million
// users are over two million keys: moved in one transaction as the file
// opens, bbolt would hold the whole tree in memory at once. The migration
// itself only marks the file (keyUserSplit), so an older Latchkey, which
// would miss the moved users, refuses it from then on; New then moves the
// keys a batch per transaction (splitUsers), each batch whole or not at
// all, and clears the mark with the last one. A move cut short (a crash, a
// full disk) goes on at the next open.

// keyUserSplit in the meta bucket marks a file whose users are still being
// moved into their shards.
var keyUserSplit = []byte("users_split")

// splitBatch is the number of keys a transaction of the move moves (a
// variable for the test that cuts a move short).
var splitBatch = 20000

// markUserSplit (schema 4 to 5) marks the file for the move.
func markUserSplit(tx *store.Tx) error { return tx.PutRaw(store.MetaBucket, keyUserSplit, []byte("1")) }

// splitUsers moves the users a file marked by markUserSplit still keeps in
// the first bucket into their shards, telling preparing (if set) first.
func splitUsers(db *store.DB, preparing func(what string)) error {
	marked := false
	err := db.View(func(tx *store.Tx) error {
		_, err := tx.GetRaw(store.MetaBucket, keyUserSplit)
		if marked = err == nil; errors.Is(err, store.ErrNotFound) {
			err = nil
		}
		return err
	})
	if err != nil || !marked {
		return err
	}
	if preparing != nil {
		preparing("moving its users into shards (schema 5), once; a few seconds at a million users")
	}
	for {
		done := false
		err := db.Update(func(tx *store.Tx) error {
			if _, err := tx.GetRaw(store.MetaBucket, keyUserSplit); errors.Is(err, store.ErrNotFound) {
				done = true
				return nil
			} else if err != nil {
				return err
			}
			var keys, values [][]byte
			err := tx.Scan(bUsers, nil, store.U64(1<<userShardBits), false, func(k, v []byte) (bool, error) {
				keys, values = append(keys, bytes.Clone(k)), append(values, bytes.Clone(v))
				return len(keys) < splitBatch, nil
			})
			if err != nil {
				return err
			}
			for i, k := range keys {
				if len(k) < 8 {
					return fmt.Errorf("users: key %x is not a user's", k)
				}
				// In key order, after every key moved before: pages filled whole.
				if err := tx.PutAppend(usersBucketOf(store.ParseU64(k[:8])), k, values[i]); err != nil {
					return err
				}
				if err := tx.Delete(bUsers, k); err != nil {
					return err
				}
			}
			if len(keys) < splitBatch {
				done = true
				return tx.Delete(store.MetaBucket, keyUserSplit)
			}
			return nil
		})
		if err != nil || done {
			return err
		}
	}
}
