package accounts

import (
	"crypto/rand"
	"fmt"
	mrand "math/rand/v2"
	"os"
	"runtime/debug"

	"latchkey/internal/plural"
	"latchkey/store"
)

// DemoOptions shape a demo database.
type DemoOptions struct {
	Practices int   // how many practices (default 40)
	Seed      int64 // the same seed makes the same practices, people and lockouts
	Clock     Clock // nil: the wall clock
	Config    *Config
	// Progress, if set, is told how the build is going, a few times a second
	// at most.
	Progress func(DemoProgress)
}

// DemoProgress is where a demo build is: seeding practices, then writing
// the indexes gathered on the way (a bbolt file).
type DemoProgress struct {
	Phase string // "seeding" or "indexing"
	Done  int64  // practices seeded, or index bytes written
	Total int64  // practices to seed, or index bytes to write
	Users int    // users seeded so far
}

// DefaultDemoPractices is the size of the demo `go run .` opens.
const DefaultDemoPractices = 40

// seedActor is who the demo's setup events are recorded under.
var seedActor = Actor{Kind: ActorSystem, Name: "demo-seed"}

// practicesPerTx batches seeding: one transaction per this many practices
// keeps a million-user demo to a few hundred commits.
const practicesPerTx = 20

// bulkPracticesPerTx batches a bulk build (bbolt): its commits rewrite only
// the pages at the end of each bucket, so larger ones cost no more a key.
const bulkPracticesPerTx = 50

// deferredIndexes are the indexes whose entries arrive in no key order as a
// demo is seeded (words, logins, addresses, token hashes): a bulk build
// writes them after the records, sorted (store.Options.Defer). The records,
// the audit chain, the outbox and the ordered indexes are written as the
// Service's transactions make them — but the users' search docs, which
// arrive in order but nothing reads as the demo is seeded (only a search
// does): FinishBulk writes the users' search words on one core and the
// other deferred indexes on the other, which finished them with half the
// time left; the docs' million puts fill that half instead of the
// seeding's, which keeps both cores busy.
var deferredIndexes = []store.Bucket{ixLogin, ixUserWords, ixUserDocs, ixPatientLogin, ixPatientWords, ixPracticeName, ixOutboxTo, ixLinkHash}

// replacedIndexes are the indexes whose keys a demo build deletes and writes
// anew as it goes: a practice's place by fullness moves with each user it
// gains (store.Options.Replaced: the deletes of keys the load wrote in the
// same batch, most of them, reach no page).
var replacedIndexes = []store.Bucket{ixFullness}

// CreateDemo builds a fresh demo database at path (which must not exist)
// through the Service's own transaction code, so its audit trail is real, and
// returns it open. A bbolt demo is bulk-loaded (see buildDemo) into a file
// beside path and renamed into place, so an interrupted build never leaves a
// half demo behind.
func CreateDemo(path string, opts DemoOptions) (*Service, error) {
	if opts.Practices <= 0 {
		opts.Practices = DefaultDemoPractices
	}
	if opts.Clock == nil {
		opts.Clock = SystemClock{}
	}
	cfg := DefaultConfig()
	if opts.Config != nil {
		cfg = *opts.Config
	}
	if store.KindOf(path) == store.Postgres {
		return createDemoShared(path, opts, cfg)
	}
	if _, err := os.Stat(path); err == nil {
		return nil, fmt.Errorf("%s already exists: a demo is built in a new file", path)
	}
	partial := path + ".partial"
	_ = os.Remove(partial)
	err := buildDemo(partial, true, opts, cfg)
	if err != nil {
		_ = os.Remove(partial)
		return nil, err
	}
	if err := os.Rename(partial, path); err != nil {
		_ = os.Remove(partial)
		return nil, err
	}
	return Open(path, opts.Clock, cfg)
}

// buildDemo seeds the database at target. bulk (a new bbolt file) seeds
// through the same transactions in a bulk load: pages filled, the
// deferredIndexes written in key order once the practices are seeded, no
// fsync but one at the end. Without bulk every index is written as it goes
// (PostgreSQL; and the tests that prove both ways build the same file).
func buildDemo(target string, bulk bool, opts DemoOptions, cfg Config) error {
	sopts := store.Options{NoSync: true}
	perTx := practicesPerTx
	if bulk {
		sopts.Defer, sopts.Replaced, perTx = deferredIndexes, replacedIndexes, bulkPracticesPerTx
	}
	db, err := store.Open(target, sopts)
	if err != nil {
		return err
	}
	defer db.Close()
	// Seeding verifies no real password; its failed logins need no costly
	// decoy hash, so the seeding service hashes cheaply. Nothing it hashes is kept.
	seedCfg := cfg
	seedCfg.Hash = HashParams{Memory: 64, Time: 1, Threads: 1}
	s, err := New(db, opts.Clock, seedCfg)
	if err != nil {
		return err
	}
	// A bulk build allocates much and keeps little: collect garbage less
	// often, but never let the heap pass a bound however large the demo (the
	// memory limit makes the collector run harder as the heap nears it).
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(demoMemoryLimit))
	defer debug.SetGCPercent(debug.SetGCPercent(400))
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		return err
	}
	info := demoInfo{Secret: secret, Seed: opts.Seed}
	if err := db.Update(func(tx *store.Tx) error { return store.Put(tx, store.MetaBucket, keyDemo, info) }); err != nil {
		return err
	}
	s.demo.Store(&info)

	g := &demoGen{rng: mrand.New(mrand.NewPCG(uint64(opts.Seed), 0x1a7c4)), given: newGivenTable(opts.Practices * 128),
		intl: mrand.New(mrand.NewPCG(uint64(opts.Seed), 0x1f01d)), when: timeline{mrand.New(mrand.NewPCG(uint64(opts.Seed), 0x71e5))}}
	now := s.Now()
	// The practices are planned a few dozen ahead, beside the seeding.
	plans, stop, planned := make(chan *practicePlan, 64), make(chan struct{}), make(chan struct{})
	go func() {
		defer close(planned)
		for range opts.Practices {
			select {
			case plans <- g.plan():
			case <-stop:
				return
			}
		}
	}()
	defer func() { close(stop); <-planned }()
	for start := 0; start < opts.Practices; start += perTx {
		end := min(start+perTx, opts.Practices)
		batch := make([]*practicePlan, 0, end-start)
		for range end - start {
			batch = append(batch, <-plans)
		}
		err := s.updateAt(now, func(t *txn) error {
			for _, pl := range batch {
				if err := g.apply(t, pl); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		if opts.Progress != nil {
			opts.Progress(DemoProgress{Phase: "seeding", Done: int64(end), Total: int64(opts.Practices), Users: g.users})
		}
	}
	if bulk {
		err := db.FinishBulk(func(done, total int64) {
			if opts.Progress != nil {
				opts.Progress(DemoProgress{Phase: "indexing", Done: done, Total: total, Users: g.users})
			}
		})
		if err != nil {
			return err
		}
	}
	<-planned // every draw of the plans made before the lockouts' draws
	if err := g.lockouts(s, now); err != nil {
		return err
	}
	err = s.updateAt(now, func(t *txn) error {
		return t.appendEvent(Event{ActorKind: seedActor.Kind, Actor: seedActor.Name, Action: ActDemoSeeded,
			Outcome: OutcomeOK, Detail: fmt.Sprintf("%s, seed %d", plural.Count(opts.Practices, "practice"), opts.Seed)})
	})
	if err != nil {
		return err
	}
	return db.Sync()
}

// demoMemoryLimit bounds the heap of a demo build (the mapped file is apart).
const demoMemoryLimit = 640 << 20
