package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
)

// U64 encodes n as an 8-byte big-endian key, so keys sort as numbers.
func U64(n uint64) []byte {
	var k [8]byte
	binary.BigEndian.PutUint64(k[:], n)
	return k[:]
}

// ParseU64 decodes a key made by U64.
func ParseU64(k []byte) uint64 {
	if len(k) < 8 {
		return 0
	}
	return binary.BigEndian.Uint64(k[:8])
}

// Key joins parts into one composite key (for indexes).
func Key(parts ...[]byte) []byte {
	return bytes.Join(parts, nil)
}

// Get decodes the JSON record at key into a T.
func Get[T any](tx *Tx, name Bucket, key []byte) (T, error) {
	var v T
	raw, err := tx.GetRaw(name, key)
	if err != nil {
		return v, err
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		return v, fmt.Errorf("store: record %s/%x: %w", name, key, err)
	}
	return v, nil
}

// Put stores v as JSON at key: through its own AppendJSON when *T has one
// (JSONAppender), else encoding/json.
func Put[T any](tx *Tx, name Bucket, key []byte, v T) error {
	if a, ok := any(&v).(JSONAppender); ok {
		if raw, ok := a.AppendJSON(make([]byte, 0, 256)); ok {
			return tx.PutRaw(name, key, raw)
		}
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return tx.PutRaw(name, key, raw)
}

// prefixEnd is the smallest key greater than every key with prefix, or nil.
func prefixEnd(prefix []byte) []byte {
	end := bytes.Clone(prefix)
	for i := len(end) - 1; i >= 0; i-- {
		if end[i] < 0xff {
			end[i]++
			return end[:i+1]
		}
	}
	return nil
}
