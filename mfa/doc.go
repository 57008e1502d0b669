// Package mfa holds Latchkey's second factors as a pure library: one-time
// codes for SMS and email (R23), authenticator-app TOTP with a replay guard
// (R21, R23), US phone numbers in E.164 (R21), the enrolment QR code as text,
// and sealing TOTP secrets at rest under a key kept outside the database (R37),
// from which the key one-time codes are hashed under is derived (CodeKey), and
// the key that marks unknown logins in the audit trail (MarkerKey, R29), and
// the key the forgot-password throttle remembers addresses by (ThrottleKey,
// R16).
//
// It knows nothing of users, accounts or the database: callers store what it
// returns (a Code, a sealed secret, the last TOTP step used) in their own
// records. Time is always a parameter, never read from the wall clock, so the
// account service's injected clock (and a demo database's fast-forward, R39)
// governs expiry.
package mfa
