package serve

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"sync"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// The operators file lists who may connect (R35): authorized_keys lines
// whose comment names the operator, with an optional `read-only` option:
//
//	ssh-ed25519 AAAAC3Nza... alice
//	read-only ssh-ed25519 AAAAC3Nza... rita
//
// Only public keys on the list get in. The file is read again whenever it
// changes (its size, time or identity), so adding or removing an operator
// needs no restart; a line that cannot be read is skipped and logged, never
// guessed at.

// Operator is who a key belongs to.
type Operator struct {
	Name        string
	ReadOnly    bool
	Fingerprint string // SHA256:... of the key
}

// operators is the list, kept fresh from its file.
type operators struct {
	path string
	warn func(msg any, kv ...any)

	mu     sync.Mutex
	stamp  fileStamp
	byKey  map[string]Operator // marshalled key → operator
	loaded bool
}

type fileStamp struct {
	size int64
	mod  time.Time
	info fs.FileInfo
}

func (a fileStamp) same(b fileStamp) bool {
	return a.size == b.size && a.mod.Equal(b.mod) && a.info != nil && b.info != nil && os.SameFile(a.info, b.info)
}

func newOperators(path string, warn func(any, ...any)) (*operators, error) {
	o := &operators{path: path, warn: warn}
	if _, err := o.current(); err != nil {
		return nil, err
	}
	return o, nil
}

// lookup says whose key k is, reading the file again if it changed.
func (o *operators) lookup(k gossh.PublicKey) (Operator, bool) {
	byKey, err := o.current()
	if err != nil {
		o.warn("cannot read the operators file; nobody new gets in", "file", o.path, "err", err)
		return Operator{}, false
	}
	op, ok := byKey[string(k.Marshal())]
	return op, ok
}

// current is the list as the file says now.
func (o *operators) current() (map[string]Operator, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	info, err := os.Stat(o.path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			o.byKey, o.loaded, o.stamp = map[string]Operator{}, true, fileStamp{}
			return o.byKey, nil
		}
		return nil, err
	}
	st := fileStamp{size: info.Size(), mod: info.ModTime(), info: info}
	if o.loaded && st.same(o.stamp) {
		return o.byKey, nil
	}
	data, err := os.ReadFile(o.path)
	if err != nil {
		return nil, err
	}
	byKey, problems := parseOperators(data)
	for _, p := range problems {
		o.warn("operators file: line skipped", "file", o.path, "problem", p)
	}
	o.byKey, o.stamp, o.loaded = byKey, st, true
	return byKey, nil
}

// parseOperators reads an operators file: the keys it grants, and what was
// wrong with the lines it skipped.
func parseOperators(data []byte) (map[string]Operator, []string) {
	byKey := map[string]Operator{}
	var problems []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, comment, options, _, err := gossh.ParseAuthorizedKey([]byte(line))
		if err != nil {
			problems = append(problems, fmt.Sprintf("line %d: not an authorized_keys line: %v", n, err))
			continue
		}
		name := strings.TrimSpace(comment)
		if err := validName(name); err != nil {
			problems = append(problems, fmt.Sprintf("line %d: %v", n, err))
			continue
		}
		op := Operator{Name: name, Fingerprint: gossh.FingerprintSHA256(key)}
		bad := false
		for _, opt := range options {
			switch strings.ToLower(strings.TrimSpace(opt)) {
			case "read-only":
				op.ReadOnly = true
			default:
				problems = append(problems, fmt.Sprintf("line %d: unknown option %q (only read-only is understood)", n, opt))
				bad = true
			}
		}
		if bad {
			continue
		}
		k := string(key.Marshal())
		if prev, dup := byKey[k]; dup && prev.Name != op.Name {
			problems = append(problems, fmt.Sprintf("line %d: key %s already belongs to %s", n, op.Fingerprint, prev.Name))
			continue
		}
		byKey[k] = op
	}
	return byKey, problems
}

// validName is an operator name the audit trail can carry: one word of
// printable characters.
func validName(name string) error {
	if name == "" {
		return errors.New("no operator name: the key's comment must name its operator")
	}
	if len(name) > 64 {
		return fmt.Errorf("operator name %.20q... is longer than 64 characters", name)
	}
	for _, r := range name {
		if r <= 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) {
			return fmt.Errorf("operator name %q must be one word without control characters", name)
		}
	}
	return nil
}
