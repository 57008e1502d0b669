package accounts

import "bytes"

// fastUserTotals reads the totals' three fields from a user record spelled
// as the encoder writes it — no space between tokens, no escape in any
// string, member names in ASCII, numbers as plain integers, objects a few
// levels deep and no arrays — in one pass over its bytes with a table per
// byte (walkObject, with a call per member and per string and each string
// read twice, was most of the totals' time at a million users). Anything
// else it declines (ok false), and decodeUserTotals reads the record the
// slower ways, down to encoding/json: declining is always safe, so it is
// stricter than walkObject wherever that was simpler (R1, R44).
func fastUserTotals(v []byte) (u userTotals, ok bool) {
	n := len(v)
	if n < 2 || v[0] != '{' || v[n-1] != '}' {
		return u, false
	}
	i := 1
	if v[i] == '}' {
		return u, n == 2
	}
	for {
		// A member's name: ASCII, no escape, no control character.
		if v[i] != '"' {
			return u, false
		}
		start := i + 1
		j := start
		for j < n && nameByte[v[j]] == 0 {
			j++
		}
		if j >= n || v[j] != '"' || j+1 >= n || v[j+1] != ':' {
			return u, false
		}
		key := v[start:j]
		end, vok := fastValue(v, j+2, 0)
		if !vok {
			return u, false
		}
		value := v[j+2 : end]
		var known bool
		if ok, known = u.readMember(key, value); !known {
			// encoding/json matches names ignoring case: a name that
			// would be read into one of the three is left to it.
			ok = !foldsToTotalsName(key)
		}
		if !ok || end >= n {
			return u, false
		}
		switch v[end] {
		case '}':
			return u, end+1 == n
		case ',':
			i = end + 1
			if i >= n {
				return u, false
			}
		default:
			return u, false
		}
	}
}

// foldsToTotalsName reports whether encoding/json would read a member of
// this (ASCII) name into practice_id, status or locked_until although it
// is not spelled so.
func foldsToTotalsName(k []byte) bool {
	switch len(k) {
	case len("status"):
		return bytes.EqualFold(k, []byte("status"))
	case len("practice_id"):
		return bytes.EqualFold(k, []byte("practice_id"))
	case len("locked_until"):
		return bytes.EqualFold(k, []byte("locked_until"))
	}
	return false
}

// fastValue returns the index after the value at v[i] if it is one
// fastUserTotals takes: a string with no escape or control character, a
// plain integer (no leading zero, at most 18 digits), a literal, or an
// object of such values with plain names, depth levels below the record
// at most 4 (as plainValue takes them).
func fastValue(v []byte, i, depth int) (int, bool) {
	n := len(v)
	if i >= n {
		return 0, false
	}
	switch c := v[i]; c {
	case '"':
		j := i + 1
		for j < n && textByte[v[j]] == 0 {
			j++
		}
		if j >= n || v[j] != '"' {
			return 0, false
		}
		return j + 1, true
	case '{':
		if depth >= 4 {
			return 0, false
		}
		j := i + 1
		if j < n && v[j] == '}' {
			return j + 1, true
		}
		for {
			if j >= n || v[j] != '"' {
				return 0, false
			}
			j++
			for j < n && textByte[v[j]] == 0 {
				j++
			}
			if j+1 >= n || v[j] != '"' || v[j+1] != ':' {
				return 0, false
			}
			end, ok := fastValue(v, j+2, depth+1)
			if !ok || end >= n {
				return 0, false
			}
			switch v[end] {
			case '}':
				return end + 1, true
			case ',':
				j = end + 1
			default:
				return 0, false
			}
		}
	case 't':
		return i + 4, bytes.HasPrefix(v[i:], []byte("true"))
	case 'f':
		return i + 5, bytes.HasPrefix(v[i:], []byte("false"))
	case 'n':
		return i + 4, bytes.HasPrefix(v[i:], []byte("null"))
	}
	j := i
	if v[j] == '-' {
		j++
	}
	digits := j
	for j < n && v[j] >= '0' && v[j] <= '9' {
		j++
	}
	if d := j - digits; d == 0 || d > 18 || (d > 1 && v[digits] == '0') {
		return 0, false
	}
	return j, true
}

// textByte is 1 for the bytes that end or escape a string's text (the
// quote, the backslash) or may not stand in it (control characters);
// nameByte also for every byte past ASCII, which encoding/json may fold
// into a name's letters.
var textByte, nameByte = func() (text, name [256]byte) {
	for c := range 256 {
		if c < 0x20 || c == '"' || c == '\\' {
			text[c], name[c] = 1, 1
		}
		if c >= 0x80 {
			name[c] = 1
		}
	}
	return text, name
}()
