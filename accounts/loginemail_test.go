package accounts

import (
	"math/rand/v2"
	"net/netip"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// R9: one mailbox, one account. A domain in Unicode and in punycode, an
// accent composed or decomposed, and any case fold to one login; the second
// spelling is refused as taken and logs in as the first.
func TestLoginEmailFoldsToOneMailbox(t *testing.T) {
	s, _ := newTestService(t)
	p, owner, _ := practiceWith(t, s, "Fold Clinic", 20)
	req := Request{Requester: owner.Email}
	add := func(email string) (User, error) {
		return s.CreateUser(Operator("op"), NewUser{PracticeID: p.ID, Name: "José Núñez", Kind: KindStaff,
			Email: email, EmailConfirm: email}, req)
	}
	req.Verification = ownerCheck(t, s, "op", owner) // a desk add's proven request (R3, R41)
	first, err := add("josé@bücher.example")
	if err != nil {
		t.Fatal(err)
	}
	for _, same := range []string{
		"jose\u0301@bücher.example",        // decomposed accent
		"josé@xn--bcher-kva.example",       // punycode domain
		"JOSÉ@BÜCHER.EXAMPLE",              // case
		"jose\u0301@XN--BCHER-KVA.example", // both
	} {
		if _, err := add(same); RuleOf(err) != "R9" {
			t.Errorf("R9: %q is the same mailbox as %q but was not refused as taken: %v", same, first.Email, err)
		}
		if u, err := s.UserByLogin(same); err != nil || u.ID != first.ID {
			t.Errorf("R9: %q does not find %q: %v", same, first.Email, err)
		}
	}
}

// R9: what cannot be told apart on screen, what RFC 5321 does not allow and
// what no mail server would look up is refused naming R9; shared role
// mailboxes are matched after folding.
func TestLoginEmailRefusals(t *testing.T) {
	s, _ := newTestService(t)
	p, owner, _ := practiceWith(t, s, "Strict Clinic", 50)
	req := Request{Requester: owner.Email}
	cases := map[string]string{
		"soft hyphen in local":      "ma\u00ADry@example.org",
		"soft hyphen in domain":     "mary@exam\u00ADple.org",
		"zero-width space":          "mary\u200B@example.org",
		"zero-width joiner":         "ma\u200Dry@example.org",
		"right-to-left override":    "mary\u202E@example.org",
		"bom":                       "\uFEFFmary@example.org",
		"cyrillic a in local":       "m\u0430ry@example.org",
		"cyrillic o in domain":      "mary@ex\u0430mple.org",
		"punycode mixed label":      "mary@xn--exmple-4nf.org",
		"greek omicron":             "j\u03bfhn@example.org",
		"local part of 65":          strings.Repeat("a", 65) + "@example.org",
		"address of 255":            "mary@" + strings.Repeat("abcdefghi.", 24) + "example.org",
		"underscore in domain":      "mary@ex_ample.org",
		"leading hyphen label":      "mary@-example.org",
		"trailing hyphen label":     "mary@example-.org",
		"ipv4 literal":              "mary@[1.2.3.4]",
		"bare ipv4":                 "mary@1.2.3.4",
		"ipv6 literal":              "mary@[IPv6:2001:db8::1]",
		"role frontoffice":          "frontoffice@example.org",
		"role receptionist":         "Receptionist@example.org",
		"role privacy":              "privacy@example.org",
		"role compliance":           "compliance@example.org",
		"role hr":                   "hr@example.org",
		"role accounts":             "accounts@example.org",
		"role appointments, tagged": "appointments+new@example.org",
		"role with separator":       "front_office@example.org",
		"role with digits":          "frontdesk2@example.org",
		"role fullwidth":            "ｉｎｆｏ@example.org",
		"role decomposed punycode":  "billing@xn--bcher-kva.example",
	}
	for name, email := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := s.CreateUser(Operator("op"), NewUser{PracticeID: p.ID, Name: "Mary Major", Kind: KindStaff,
				Email: email, EmailConfirm: email}, req)
			if RuleOf(err) != "R9" {
				t.Fatalf("R9: %q was not refused by R9: %v", email, err)
			}
			if strings.Contains(err.Error(), "\u00AD") || strings.Contains(err.Error(), "\u202E") || strings.Contains(err.Error(), "\u200B") {
				t.Fatalf("the refusal echoes the invisible character: %q", err.Error())
			}
		})
	}
	// Personal addresses in other scripts, and plain ones, are welcome.
	for _, ok := range []string{"мария@пример.рф", "maría.lópez@clínica.example", "o'brien+desk@example.co.uk", "li.wei@例子.中国"} {
		req.Verification = ownerCheck(t, s, "op", owner) // a desk add's proven request (R3, R41)
		if _, err := s.CreateUser(Operator("op"), NewUser{PracticeID: p.ID, Name: "Good Person", Kind: KindStaff,
			Email: ok, EmailConfirm: ok}, req); err != nil {
			t.Errorf("R9: personal address %q refused: %v", ok, err)
		}
	}
}

// R9: whatever the parser accepts is folded stably (folding twice changes
// nothing), holds no invisible character and fits RFC 5321's lengths; it
// never panics.
func FuzzParseEmail(f *testing.F) {
	for _, s := range []string{"a@b.co", "josé@bücher.example", "m\u0430ry@example.org", "x@[1.2.3.4]",
		"a..b@c.d", "\"q\"@x.org", "a@xn--bcher-kva.example", "info+x@EXAMPLE.org", "@", "a@b", "\xff@x.org"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		local, domain, err := parseEmail(in)
		key := normalizeLogin(in)
		if normalizeLogin(key) != key {
			t.Fatalf("folding is not stable: %q -> %q -> %q", in, key, normalizeLogin(key))
		}
		if err != nil {
			if msg := err.Error(); !utf8.ValidString(msg) || len(msg) > 400 {
				t.Fatalf("error for %q is not a short valid text: %q", in, msg)
			}
			return
		}
		if len(local)+1+len(domain) > maxAddress+64 || utf8.RuneCountInString(local) > maxLocalPart {
			t.Fatalf("accepted %q beyond RFC 5321 lengths", in)
		}
		for _, r := range local + domain {
			if invisible(r) {
				t.Fatalf("accepted %q with invisible %U", in, r)
			}
		}
		if _, _, err := parseEmail(key); err != nil {
			t.Fatalf("the folded form %q of accepted %q is refused: %v", key, in, err)
		}
	})
}

// R9: the short cut for plain host names gives what IDNA's lookup gives,
// for every host name it takes (random ones of letters, digits, hyphens and
// dots, made to hit the edges: empty labels, hyphens at the ends and at the
// third and fourth bytes, punycode prefixes, long labels).
func TestDomainToASCIIAsIDNA(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	alphabet := "ax-.0-n.Z"
	taken := 0
	for range 200_000 {
		b := make([]byte, 1+rng.IntN(12))
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		if rng.IntN(50) == 0 {
			b = append(b, strings.Repeat("a", 55+rng.IntN(12))...)
		}
		if rng.IntN(20) == 0 {
			b = append([]byte("xn--"), b...)
		}
		d := string(b)
		if !plainHostName(d) {
			continue
		}
		taken++
		want, err := emailProfile.ToASCII(d)
		if err != nil || want != d {
			t.Fatalf("%q: IDNA gives %q, %v; the short cut %q", d, want, err, d)
		}
	}
	for _, d := range []string{"example.com", "a-b.co", "x1.y2.z3"} {
		if !plainHostName(d) {
			t.Errorf("%q not taken as plain", d)
		}
	}
	if taken < 1000 {
		t.Fatalf("only %d plain host names tried", taken)
	}
}

// R9: the short cuts for ASCII (invisible characters, address literals)
// answer as the full checks do.
func TestASCIIShortCutsAsFullChecks(t *testing.T) {
	for r := rune(0); r < utf8.RuneSelf; r++ {
		full := unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || unicode.IsSpace(r) || unicode.Is(unicode.Zs, r) ||
			unicode.Is(unicode.Variation_Selector, r) || unicode.Is(unicode.Other_Default_Ignorable_Code_Point, r)
		if invisible(r) != full {
			t.Errorf("invisible(%q) = %v, want %v", r, !full, full)
		}
	}
	for _, s := range []string{"example.com", "1.2.3.4", "[1.2.3.4]", "::1", "[::1]", "fe80::1%eth0", "1.2.3", "01.2.3.4", "a1.2.3.4", "1.2.3.4a", "[::ffff:1.2.3.4]", ""} {
		_, err := netip.ParseAddr(strings.Trim(s, "[]"))
		if isIPAddress(s) != (err == nil) {
			t.Errorf("isIPAddress(%q) = %v, ParseAddr says %v", s, isIPAddress(s), err)
		}
	}
}
