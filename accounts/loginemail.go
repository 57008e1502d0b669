package accounts

import (
	"net/netip"
	"strings"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"
	"golang.org/x/text/unicode/norm"
)

// R9: a login email names one mailbox. Two spellings of one mailbox — the
// domain in Unicode and in punycode, an accent composed or decomposed, any
// case — fold to one key, and that key is what the uniqueness index holds.
// What cannot be told apart on screen (invisible characters, a Cyrillic
// letter among Latin ones) is refused rather than folded, so an operator
// never adds a second account that looks like the first.

const (
	maxLocalPart = 64  // RFC 5321 4.5.3.1.1
	maxAddress   = 254 // RFC 5321 4.5.3.1.3 (path 256 less the angle brackets)
	maxLabel     = 63
)

// emailProfile is IDNA's lookup profile (UTS 46 mapping, STD3 host names,
// hyphen and joiner checks, the bidi rule): what a mail server does to a
// domain before it looks it up.
var emailProfile = idna.Lookup

// normalizeLogin is the form logins are unique and looked up in (R9): trimmed,
// Unicode NFC, case folded, and for an email the domain in its ASCII
// (punycode) form. A username (legacy, R8) or a text that is not an address
// folds the same way without the IDNA step. Plain ASCII addresses fold to
// their lower case, as they always did, so older indexes stay valid.
func normalizeLogin(s string) string {
	// One action folds the same login several times over (checked, looked
	// up, indexed): the last one folded is kept with its form.
	if last := lastLogin.Load(); last != nil && last[0] == s {
		return last[1]
	}
	out := normalizeLoginOnce(s)
	lastLogin.Store(&[2]string{s, out})
	return out
}

var lastLogin atomic.Pointer[[2]string]

func normalizeLoginOnce(s string) string {
	s = foldText(strings.TrimSpace(s))
	at := strings.LastIndexByte(s, '@')
	if at < 0 {
		return s
	}
	domain := s[at+1:]
	if ascii, err := domainToASCII(domain); err == nil && ascii != "" {
		if lower := strings.ToLower(ascii); lower != domain {
			return s[:at+1] + lower
		}
	}
	return s
}

// domainToASCII is emailProfile.ToASCII(d). A host name already in the
// form IDNA leaves as it is — lower-case ASCII letters, digits and hyphens
// in labels of 1 to 63 bytes, none starting or ending with a hyphen or
// holding one at its third and fourth bytes (so no punycode) — is
// returned at once: the lookup would map, check and return it unchanged
// (TestDomainToASCIIAsIDNA), and nearly every address is such a one.
func domainToASCII(d string) (string, error) {
	if plainHostName(d) {
		return d, nil
	}
	return emailProfile.ToASCII(d)
}

func plainHostName(d string) bool {
	if len(d) == 0 || len(d) > 253 {
		return false
	}
	start := 0
	for i := 0; i <= len(d); i++ {
		if i < len(d) && d[i] != '.' {
			c := d[i]
			if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' {
				return false
			}
			continue
		}
		label := d[start:i]
		if len(label) == 0 || len(label) > maxLabel || label[0] == '-' || label[len(label)-1] == '-' ||
			len(label) >= 4 && label[2] == '-' && label[3] == '-' {
			return false
		}
		start = i + 1
	}
	return true
}

// foldText is NFC, lower case, NFC again (lower-casing can decompose).
func foldText(s string) string {
	if isPlainASCII(s) { // NFC leaves ASCII as it is
		return strings.ToLower(s)
	}
	return norm.NFC.String(strings.ToLower(norm.NFC.String(s)))
}

// checkLoginEmail validates a login email: a well-formed address a person
// can be reached at, and personal (R9).
func checkLoginEmail(email string) error {
	if strings.TrimSpace(email) == "" {
		return badField("email", "a login email is required")
	}
	local, _, err := parseEmail(email)
	if err != nil {
		return err
	}
	if isRoleMailbox(local) {
		return refuseWith("R9", "login emails are personal: "+excerpt(email)+" is a shared role mailbox",
			"Ask for the person's own email address.")
	}
	return nil
}

// checkContactEmail validates an email on file (a legacy user's or a
// patient's): well-formed, by the same rules as a login, but it may be shared.
func checkContactEmail(field, email string) error {
	if _, _, err := parseEmail(email); err != nil {
		if fe, ok := err.(*FieldError); ok {
			fe.Field = field
		}
		return err
	}
	return nil
}

// parseEmail splits a trimmed address into its folded local part and its
// ASCII domain, or says which R9 rule it breaks. Bad syntax is a field error;
// what is refused for safety (invisible characters, look-alikes, lengths) is
// an R9 refusal.
func parseEmail(email string) (local, domain string, err error) {
	email = strings.TrimSpace(email)
	if !utf8.ValidString(email) {
		return "", "", refuse("R9", "the login email is not valid text (UTF-8)")
	}
	for _, r := range email {
		if r == ' ' {
			return "", "", badField("email", "not an email address: "+excerpt(email))
		}
		if invisible(r) {
			return "", "", refuseWith("R9", "the email "+excerpt(email)+" holds an invisible or formatting character ("+runeName(r)+")",
				"Type the address again by hand.")
		}
	}
	email = norm.NFC.String(email)
	at := strings.LastIndexByte(email, '@')
	if at <= 0 || at == len(email)-1 {
		return "", "", badField("email", "not an email address: "+excerpt(email))
	}
	rawLocal, rawDomain := email[:at], email[at+1:]
	if utf8.RuneCountInString(rawLocal) > maxLocalPart || len(rawLocal) > maxLocalPart {
		return "", "", refuse("R9", "the part of the email before @ is longer than 64 characters")
	}
	if err := checkLocalPart(rawLocal, email); err != nil {
		return "", "", err
	}
	if strings.HasPrefix(rawDomain, "[") || isIPAddress(rawDomain) {
		return "", "", refuse("R9", "the email "+excerpt(email)+" names an address literal, not a domain")
	}
	ascii, err := domainToASCII(rawDomain)
	if err != nil || ascii == "" {
		return "", "", refuse("R9", "the domain of "+excerpt(email)+" is not a valid host name")
	}
	ascii = strings.ToLower(ascii)
	if err := checkDomain(ascii, email); err != nil {
		return "", "", err
	}
	if len(rawLocal)+1+len(ascii) > maxAddress {
		return "", "", refuse("R9", "the email is longer than 254 characters")
	}
	return foldText(rawLocal), ascii, nil
}

// checkLocalPart accepts a dot-atom (RFC 5322, with RFC 6531's Unicode
// letters): no quoted strings, no comments, no spaces, no leading, trailing
// or doubled dots, and letters of one script only.
func checkLocalPart(local, email string) error {
	if local[0] == '.' || local[len(local)-1] == '.' || strings.Contains(local, "..") {
		return badField("email", "not an email address: "+excerpt(email))
	}
	for _, r := range local {
		if r < utf8.RuneSelf {
			if !atext(byte(r)) && r != '.' {
				return badField("email", "not an email address: "+excerpt(email))
			}
			continue
		}
		if !unicode.IsLetter(r) && !unicode.IsMark(r) && !unicode.IsDigit(r) {
			return badField("email", "not an email address: "+excerpt(email))
		}
	}
	if norm.NFKC.String(local) != local {
		return refuseWith("R9", "the email "+excerpt(email)+" holds compatibility characters (full-width or styled letters) that look like others",
			"Ask the person to spell their address.")
	}
	if !isPlainASCII(local) && mixedScript(local) { // ASCII letters are all Latin
		return refuseWith("R9", "the email "+excerpt(email)+" mixes letters of different scripts (a look-alike address)",
			"Ask the person to spell their address; letters from two alphabets are refused.")
	}
	return nil
}

// checkDomain: a host name of at least two labels, each 1-63 characters,
// the whole at most 253, a top-level label that is not all digits, and no
// label that mixes scripts once decoded.
func checkDomain(ascii, email string) error {
	labels := strings.Split(ascii, ".")
	if len(labels) < 2 || len(ascii) > 253 {
		return badField("email", "not an email address: "+excerpt(email))
	}
	for _, l := range labels {
		if l == "" || len(l) > maxLabel || l[0] == '-' || l[len(l)-1] == '-' {
			return refuse("R9", "the domain of "+excerpt(email)+" is not a valid host name")
		}
		for i := 0; i < len(l); i++ {
			c := l[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				return refuse("R9", "the domain of "+excerpt(email)+" is not a valid host name")
			}
		}
		if strings.HasPrefix(l, "xn--") {
			u, err := emailProfile.ToUnicode(l)
			if err != nil {
				return refuse("R9", "the domain of "+excerpt(email)+" is not a valid host name")
			}
			if mixedScript(u) {
				return refuseWith("R9", "the domain of "+excerpt(email)+" mixes letters of different scripts (a look-alike domain)",
					"Ask the person to spell their address; letters from two alphabets are refused.")
			}
		}
	}
	if strings.Trim(labels[len(labels)-1], "0123456789") == "" {
		return refuse("R9", "the email "+excerpt(email)+" names an address literal, not a domain")
	}
	return nil
}

func isIPAddress(s string) bool {
	if !strings.Contains(s, ":") && strings.Trim(s, "0123456789.[]") != "" {
		return false // neither IPv6 (colons) nor IPv4 (digits and dots): no parse
	}
	_, err := netip.ParseAddr(strings.Trim(s, "[]"))
	return err == nil
}

// atext is RFC 5322's atom text.
func atext(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		strings.IndexByte("!#$%&'*+-/=?^_`{|}~", c) >= 0
}

// invisible reports characters that change nothing on screen or reorder it:
// controls, format characters (soft hyphen, zero-width space and joiners,
// bidi controls, the BOM), variation selectors, other default-ignorables, and
// any space.
func invisible(r rune) bool {
	if r < utf8.RuneSelf { // ASCII: the controls, the space and DEL
		return r <= ' ' || r == 0x7f
	}
	return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || unicode.IsSpace(r) ||
		unicode.Is(unicode.Zs, r) || unicode.Is(unicode.Variation_Selector, r) ||
		unicode.Is(unicode.Other_Default_Ignorable_Code_Point, r) ||
		r == 0x034F || r == 0x115F || r == 0x1160 || r == 0x3164 || r == 0xFFA0 || r == 0x2800 ||
		r == utf8.RuneError
}

// mixedScript reports whether the letters of s come from more than one
// script (digits, punctuation and combining marks belong to none). Han with
// Hiragana or Katakana is one writing system, and so is Han with Hangul.
func mixedScript(s string) bool {
	first := ""
	for _, r := range s {
		if !unicode.IsLetter(r) {
			continue
		}
		sc := scriptOf(r)
		switch {
		case sc == "":
		case first == "":
			first = sc
		case sc != first && !sameSystem(first, sc):
			return true
		}
	}
	return false
}

var commonScripts = []string{"Latin", "Cyrillic", "Greek", "Armenian", "Hebrew", "Arabic", "Han", "Hiragana", "Katakana", "Hangul", "Cherokee"}

func scriptOf(r rune) string {
	if r < utf8.RuneSelf {
		return "Latin"
	}
	for _, name := range commonScripts {
		if unicode.Is(unicode.Scripts[name], r) {
			return name
		}
	}
	for name, table := range unicode.Scripts {
		if name != "Common" && name != "Inherited" && unicode.Is(table, r) {
			return name
		}
	}
	return ""
}

func sameSystem(a, b string) bool {
	cjk := map[string]bool{"Han": true, "Hiragana": true, "Katakana": true, "Hangul": true}
	return cjk[a] && cjk[b]
}

// roleMailboxes are generic shared addresses refused as login emails (R9):
// the front office's shared inboxes, the practice's departments and the
// mail system's own. Matched after folding, with any +tag, separators and
// trailing digits removed (front.desk2+x is frontdesk).
var roleMailboxes = map[string]bool{}

func init() {
	for _, m := range strings.Fields(`
		info office frontdesk frontoffice reception receptionist receptions billing bills admin
		administrator administration support scheduling schedule scheduler noreply donotreply
		contact contactus hello team staff clinic practice help helpdesk appointments appointment
		appts appt booking bookings accounts account accounting accountspayable accountsreceivable
		ap ar payments payroll finance records medicalrecords nurse nurses nursing postmaster
		webmaster hostmaster abuse security sales marketing mail email inbox desk manager
		officemanager practicemanager management hr humanresources careers jobs recruiting it
		tech techsupport referrals referral intake newpatients patients patient main general all
		everyone privacy compliance hipaa legal insurance claims authorizations priorauth
		pharmacy refills prescriptions rx lab labs results radiology imaging frontdeskteam
		checkin checkout triage callcenter operator dispatch service customerservice
		feedback enquiries inquiries questions notifications alerts newsletter do-not-reply
		ops operations purchasing orders credentialing provider providers doctors physicians
		therapists counseling medical clinicalteam careteam
	`) {
		roleMailboxes[roleKey(m)] = true
	}
}

// roleKeyDrop drops the separators a role mailbox may be spelt with (built
// once: building a Replacer costs more than using it).
var roleKeyDrop = strings.NewReplacer(".", "", "-", "", "_", "")

// roleKey is how a local part is compared with the role list: folded, its
// +tag dropped, separators and trailing digits removed.
func roleKey(local string) string {
	local = foldText(local)
	if plus := strings.IndexByte(local, '+'); plus >= 0 {
		local = local[:plus]
	}
	local = roleKeyDrop.Replace(local)
	if trimmed := strings.TrimRight(local, "0123456789"); trimmed != "" {
		local = trimmed
	}
	return local
}

func isRoleMailbox(local string) bool { return roleMailboxes[roleKey(local)] }
