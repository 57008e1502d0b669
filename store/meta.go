package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
)

// bbolt's meta page layout: a 16-byte page header, then magic, version,
// page size, flags (4 bytes each), the root bucket (16), the freelist page id
// (8), the high-water page id (8) and the transaction id (8).
const (
	boltMagic          = 0xED0CDAED
	metaOffMagic       = 16
	metaOffPageSize    = 24
	metaOffFreelist    = 48
	metaOffPgid        = 56
	metaOffTxid        = 64
	pgidNoFreelist     = ^uint64(0)
	defaultMetaReadLen = 4096
)

// precheckMeta reads the file's newest meta page before bbolt does, and
// refuses two kinds of file bbolt cannot open safely: one shorter than its
// meta page says (truncated: bbolt would fault reading past the end), and one
// whose freelist is not stored (bbolt would rebuild it by walking the file in
// a goroutine where a damaged page panics beyond any recover). Files Latchkey
// writes always store their freelist. Missing, empty and unreadable meta
// pages are left to bbolt, which reports them as errors.
func precheckMeta(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("database %s: %w", path, err)
	}
	defer f.Close()
	head := make([]byte, defaultMetaReadLen)
	n, _ := io.ReadFull(f, head)
	if n < metaOffTxid+8 || binary.LittleEndian.Uint32(head[metaOffMagic:]) != boltMagic {
		return nil
	}
	pageSize := int64(binary.LittleEndian.Uint32(head[metaOffPageSize:]))
	metas := [][]byte{head}
	if pageSize >= 1024 && pageSize <= 1<<16 {
		second := make([]byte, metaOffTxid+8)
		if _, err := f.ReadAt(second, pageSize); err == nil &&
			binary.LittleEndian.Uint32(second[metaOffMagic:]) == boltMagic {
			metas = append(metas, second)
		}
	}
	newest := metas[0]
	for _, m := range metas[1:] {
		if binary.LittleEndian.Uint64(m[metaOffTxid:]) > binary.LittleEndian.Uint64(newest[metaOffTxid:]) {
			newest = m
		}
	}
	if fi, err := f.Stat(); err == nil && pageSize > 0 {
		highWater := binary.LittleEndian.Uint64(newest[metaOffPgid:])
		if highWater > uint64(fi.Size())/uint64(pageSize) {
			return fmt.Errorf("database %s %w: truncated (%d bytes, its meta page needs %d)",
				path, ErrCorrupt, fi.Size(), highWater*uint64(pageSize))
		}
	}
	if binary.LittleEndian.Uint64(newest[metaOffFreelist:]) == pgidNoFreelist {
		return fmt.Errorf("database %s %w: its freelist is not stored (written by another bbolt program?)", path, ErrCorrupt)
	}
	return nil
}
