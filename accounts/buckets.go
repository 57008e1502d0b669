package accounts

import "latchkey/store"

// The buckets of a Latchkey file. Records are JSON; index entries carry their
// whole meaning in the key and an empty value.
const (
	bPractices store.Bucket = "practices"  // practiceID -> Practice
	bUsers     store.Bucket = "users"      // userID -> User, then userID|seq: the events about them (userevents.go); the first shard (usershards.go)
	bAudit     store.Bucket = "audit"      // seq -> chain entry of an Event
	bAuditTail store.Bucket = "audit_tail" // the newest entries, a page's worth (store/chaintail.go)

	ixLogin         store.Bucket = "ix_login"          // normalized login -> userID
	ixPracticeUsers store.Bucket = "ix_practice_users" // practiceID|userID
	ixLockouts      store.Bucket = "ix_lockouts"       // unlockAt(unix ns)|userID: ordered by lift time
	ixUserWords     store.Bucket = "ix_user_words"     // kind|word|0|userID: search words (see search.go)
	ixUserDocs      store.Bucket = "ix_user_docs"      // userID -> practiceID and search words
	ixPracticeName  store.Bucket = "ix_practice_name"  // word|0|practiceID (folded, see fold.go)
	ixFullness      store.Bucket = "ix_fullness"       // fullness rank|practiceID: licenses pane, fullest first
)

// schemaVersion is the layout this code writes; see store.EnsureSchema.
// 2: folded search words with docs (search.go), replacing ix_search.
// 3: a user's events listed beside their record (userevents.go); the
// ix_audit_user of an older file is kept for its older events.
// 4: the newest audit entries kept in audit_tail (store/chaintail.go).
// 5: users in shards of 65,536 ids (usershards.go).
// 6: a login email's search words from its domain as shown (migrate.go).
const schemaVersion = 6

// auditChain is the hash-chained audit trail (R29).
var auditChain = store.Chain{Entries: bAudit, Meta: store.MetaBucket, Tail: bAuditTail}

var (
	keyStats = []byte("stats")
	keyDemo  = []byte("demo")
)
