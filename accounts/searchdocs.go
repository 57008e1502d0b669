package accounts

import (
	"encoding/binary"
	"sync"

	"latchkey/store"
)

// Docs kept between searches (issue 14 item 2). Typing "lopez m", "lopez
// ma", "lopez mar" checks the docs of the users named Lopez in id order
// each time, a few hundred more at each key, and a doc looked up by id
// costs a descent of the docs' tree (1-3 µs at a million): the third key
// looked up again the 700 docs the second had. The docs a search looks up
// are kept for the next ones, under the version of the snapshot they were
// read from (store.Tx.Version, which every commit advances), as the word
// lists are (searchcache.go): a search in another version starts afresh,
// so a doc reused is the one the file holds.

// cacheDocs bounds the docs kept (about 60 bytes each); past it the cache
// starts afresh.
const cacheDocs = 1 << 15

// docArena is the size of the blocks the kept docs are copied into.
const docArena = 64 << 10

// docCache holds the docs of one bucket looked up in one version.
type docCache struct {
	mu      sync.Mutex
	version uint64
	bucket  store.Bucket
	docs    map[uint64][]byte
	arena   []byte // the block being filled; a doc kept is never changed
}

// searchDocs looks up the docs of one search, through the cache when the
// snapshot has a version.
type searchDocs struct {
	cache   *docCache // nil: none
	version uint64
	bucket  store.Bucket
	key     [8]byte
}

func newSearchDocs(tx *store.Tx, cache *docCache, bucket store.Bucket) *searchDocs {
	d := &searchDocs{bucket: bucket}
	if v, ok := tx.Version(); ok && cache != nil {
		d.cache, d.version = cache, v
	}
	return d
}

// get returns doc id (read only: it may be shared with other searches).
func (d *searchDocs) get(tx *store.Tx, id uint64) ([]byte, error) {
	if doc, ok := d.cache.lookup(d.version, d.bucket, id); ok {
		return doc, nil
	}
	binary.BigEndian.PutUint64(d.key[:], id)
	doc, err := tx.GetRaw(d.bucket, d.key[:])
	if err == nil {
		d.cache.keep(d.version, d.bucket, id, doc)
	}
	return doc, err
}

func (c *docCache) lookup(version uint64, bucket store.Bucket, id uint64) ([]byte, bool) {
	if c == nil {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.version != version || c.bucket != bucket {
		return nil, false
	}
	doc, ok := c.docs[id]
	return doc, ok
}

// keep keeps doc id of bucket as read in version; a newer version or
// another bucket replaces what was kept, an older one keeps nothing.
func (c *docCache) keep(version uint64, bucket store.Bucket, id uint64, doc []byte) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case version < c.version:
		return
	case version > c.version || bucket != c.bucket || len(c.docs) >= cacheDocs:
		c.version, c.bucket, c.docs, c.arena = version, bucket, map[uint64][]byte{}, nil
	}
	if len(doc) > cap(c.arena)-len(c.arena) {
		c.arena = make([]byte, 0, max(docArena, len(doc)))
	}
	start := len(c.arena)
	c.arena = append(c.arena, doc...)
	c.docs[id] = c.arena[start:len(c.arena):len(c.arena)]
}
