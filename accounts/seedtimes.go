package accounts

import (
	mrand "math/rand/v2"
	"time"
)

// A demo's history (seed.go). A seeded practice was onboarded months or
// years ago, its people hired since, their second factors enrolled weeks
// or months ago and their last logins mostly in the last days, so the desk
// meets the rules as they fall on a real desk: an MFA clear of an ordinary
// user needs one operator, and only the few factors enrolled in the last
// 7 days raise FACTOR CHANGED and four eyes (R42). Each time is drawn as
// an age (how long before the build's clock) from a stream of its own, so
// the rest of a seed's demo stays as it was, and the seeding stamps each
// step with its time (txn.now) as the real flows would have: every event of
// a user comes after its creation and in the order of the chain, and none
// after the build's clock (R29).
//
// A seeded last login is on the user's record (and, with a factor, its last
// use), not in the trail: a login.ok event for every user who was ever
// active is a million events more at 10,000 practices, which cost the build
// a quarter more CPU and brought it from about 7× its bulk floor to 9–10×
// (issue 14 item 4). The trail holds what the seed did at the desk: each
// practice, user and factor made, setup emails, leavers, and the incidents
// (mistyped logins, lockouts) a desk is asked about.

// seedQuiet is the youngest age of anything seeded practice by practice:
// the lockouts and mistyped logins seeded last fall in the last hour, after
// every user's own history.
const seedQuiet = 90 * time.Minute

const day = 24 * time.Hour

// timeline draws the ages of a seeded practice's events.
type timeline struct{ r *mrand.Rand }

// between is an age drawn evenly in [lo, hi), to the second.
func (tl timeline) between(lo, hi time.Duration) time.Duration {
	if hi <= lo {
		return lo
	}
	return (lo + time.Duration(tl.r.Int64N(int64(hi-lo)))).Truncate(time.Second)
}

// practice is when a practice was onboarded: half a year to three years ago.
func (tl timeline) practice() time.Duration { return tl.between(180*day, 3*365*day) }

// hired is when the i-th user of a practice onboarded `onboarded` ago was
// created: its first three (owner, champion, second owner) and about half
// the rest at the onboarding, a minute apart, in the order they were added;
// the others hired since, the newest a month ago (pending users are drawn
// by invited).
func (tl timeline) hired(i int, onboarded time.Duration) time.Duration {
	if i < 3 || tl.r.IntN(2) == 0 {
		return onboarded - time.Duration(i)*time.Minute
	}
	return tl.between(30*day, onboarded-day)
}

// invited is when a pending user (a new hire waiting on their setup email)
// was created, and when their second setup email went, if there was one.
func (tl timeline) invited(invites int) (created, again time.Duration) {
	created = tl.between(day, 20*day)
	if invites > 1 {
		again = tl.between(seedQuiet, created-12*time.Hour)
	}
	return created, again
}

// recentFactors is one in how many seeded factors was enrolled in the last
// 7 days (about 3.6%): enough that FACTOR CHANGED and four eyes (R42) can
// be shown on a demo, few enough that they are the exception they are.
const recentFactors = 28

// enrolled is when a user hired `hired` ago enrolled their factor: most
// weeks to months ago, spread up to 400 days; one in recentFactors in the
// last 7 days (R42's window), never in its last hour.
func (tl timeline) enrolled(hired time.Duration) time.Duration {
	if tl.r.IntN(recentFactors) == 0 {
		return tl.between(3*time.Hour, riskLongWindow-12*time.Hour)
	}
	return tl.between(riskLongWindow+day, min(hired-time.Hour, 400*day))
}

// lastLogin is when an active user last logged in: most in the last two
// days, some in the last three weeks, a few months ago; never before they
// were created, and after their factor was enrolled (the login used it).
func (tl timeline) lastLogin(created, enrolled time.Duration) time.Duration {
	var age time.Duration
	switch r := tl.r.IntN(100); {
	case r < 80:
		age = tl.between(seedQuiet, 2*day)
	case r < 97:
		age = tl.between(2*day, 21*day)
	default:
		age = tl.between(21*day, 90*day)
	}
	if enrolled > 0 && age >= enrolled {
		age = tl.between(max(seedQuiet, enrolled/2), enrolled-time.Minute)
	}
	return min(age, created-time.Hour)
}

// leaver is when a user who has left was hired, last logged in and was
// inactivated.
func (tl timeline) leaver(onboarded time.Duration) (hired, login, left time.Duration) {
	hired = tl.between(60*day, onboarded-day)
	left = tl.between(day, hired-30*day)
	login = left + tl.between(time.Hour, 3*day)
	return hired, login, left
}

// patient is when a patient's portal account was made.
func (tl timeline) patient(onboarded time.Duration) time.Duration {
	return tl.between(seedQuiet, onboarded-time.Hour)
}

// licenseRequest is when a full practice's owner asked for more licenses.
func (tl timeline) licenseRequest() time.Duration { return tl.between(seedQuiet, 14*day) }
