package store

import (
	"fmt"
	"net/url"
	"strings"
)

// Open opens the database target names: a postgres:// (or postgresql://)
// URL for PostgreSQL, else the path of a bbolt file, created if missing.
// Anything else that looks like a URL is refused with a message saying what
// --db takes (R44).
func Open(target string, opts Options) (*DB, error) {
	switch KindOf(target) {
	case Postgres:
		return openPostgres(target, opts)
	case Bolt:
		b, err := openBolt(target, opts)
		if err != nil {
			return nil, err
		}
		return &DB{eng: b}, nil
	}
	return nil, fmt.Errorf("--db %s is neither a file path nor a postgres:// URL (R44): give a path such as desk.db or a URL such as postgres://user@host:5432/latchkey", Redact(target))
}

// KindOf says which engine a --db value names, or "" for a value that is
// neither a file path nor a postgres URL (another scheme://).
func KindOf(target string) Engine {
	if target == "" {
		return ""
	}
	lower := strings.ToLower(target)
	if strings.HasPrefix(lower, "postgres://") || strings.HasPrefix(lower, "postgresql://") {
		return Postgres
	}
	if i := strings.Index(target, "://"); i > 0 && !strings.ContainsAny(target[:i], `/\.`) {
		return ""
	}
	return Bolt
}

// Redact returns a --db value fit to print: a URL loses its password (and
// any password= parameter); a path is returned as it is.
func Redact(target string) string {
	if !strings.Contains(target, "://") {
		return target
	}
	u, err := url.Parse(target)
	if err != nil {
		// Unparsable: keep the scheme only, since anything after it may be secret.
		return target[:strings.Index(target, "://")] + "://…"
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	q := u.Query()
	for k := range q {
		if strings.EqualFold(k, "password") || strings.EqualFold(k, "sslpassword") {
			q.Set(k, "xxxxx")
		}
	}
	u.RawQuery = q.Encode()
	return u.String()
}
