package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
)

// bbolt's meta page layout: a 16-byte page header, then magic, version,
// page size, flags (4 bytes each), the root bucket (page id, sequence: 16),
// the freelist page id (8), the high-water page id (8), the transaction id
// (8), and an FNV-64a checksum of everything before it (8).
const (
	boltMagic       = 0xED0CDAED
	boltVersion     = 2
	metaOffMagic    = 16
	metaOffVersion  = 20
	metaOffPageSize = 24
	metaOffRoot     = 32
	metaOffFreelist = 48
	metaOffPgid     = 56
	metaOffTxid     = 64
	metaOffChecksum = 72
	metaLen         = metaOffChecksum + 8
	pgidNoFreelist  = ^uint64(0)
)

// metaPage is what Latchkey reads of a meta page before bbolt does.
type metaPage struct {
	pageSize  uint64
	root      uint64
	freelist  uint64
	highWater uint64
	txid      uint64
}

// parseMeta reads a meta page, or says it is not a valid one: the checks
// bbolt makes (magic, version, checksum), plus a sane page size.
func parseMeta(b []byte) (metaPage, bool) {
	le := binary.LittleEndian
	if len(b) < metaLen || le.Uint32(b[metaOffMagic:]) != boltMagic || le.Uint32(b[metaOffVersion:]) != boltVersion {
		return metaPage{}, false
	}
	h := fnv.New64a()
	h.Write(b[metaOffMagic:metaOffChecksum])
	if h.Sum64() != le.Uint64(b[metaOffChecksum:]) {
		return metaPage{}, false
	}
	m := metaPage{pageSize: uint64(le.Uint32(b[metaOffPageSize:])), root: le.Uint64(b[metaOffRoot:]),
		freelist: le.Uint64(b[metaOffFreelist:]), highWater: le.Uint64(b[metaOffPgid:]), txid: le.Uint64(b[metaOffTxid:])}
	return m, m.pageSize >= 512 && m.pageSize <= 1<<16
}

// errNoMeta: neither meta page of the file is valid.
var errNoMeta = errors.New("no valid meta page")

// readMeta returns the newest valid meta page of the file, as bbolt would
// choose it.
func readMeta(f *os.File) (metaPage, error) {
	first := make([]byte, metaLen)
	if _, err := f.ReadAt(first, 0); err != nil && !errors.Is(err, io.EOF) {
		return metaPage{}, err
	}
	best, ok := parseMeta(first)
	// The second meta page follows the first page; its size is the first
	// page's if that one is valid, else the common 4096.
	size := uint64(4096)
	if ok {
		size = best.pageSize
	}
	second := make([]byte, metaLen)
	if _, err := f.ReadAt(second, int64(size)); err == nil {
		if m, ok2 := parseMeta(second); ok2 && (!ok || m.txid > best.txid) {
			best, ok = m, true
		}
	}
	if !ok {
		return metaPage{}, errNoMeta
	}
	return best, nil
}

// precheckMeta reads the file's newest valid meta page before bbolt does,
// and refuses two kinds of file bbolt cannot open safely: one shorter than
// its meta page says (truncated: bbolt would fault reading past the end), and
// one whose freelist is not stored (bbolt would rebuild it by walking the
// file in a goroutine where a damaged page panics beyond any recover). Files
// Latchkey writes always store their freelist. A missing or empty file, or
// one with no valid meta page, is left to bbolt, which creates it or reports
// the error.
func precheckMeta(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("database %s: %w", path, err)
	}
	defer f.Close()
	m, err := readMeta(f)
	if err != nil {
		return nil
	}
	if fi, err := f.Stat(); err == nil && m.highWater > uint64(fi.Size())/m.pageSize {
		return fmt.Errorf("database %s %w: truncated (%d bytes, its meta page needs %d)",
			path, ErrCorrupt, fi.Size(), m.highWater*m.pageSize)
	}
	if m.freelist == pgidNoFreelist {
		return fmt.Errorf("database %s %w: its freelist is not stored (written by another bbolt program?)", path, ErrCorrupt)
	}
	return nil
}
