package accounts

import (
	"errors"
	"fmt"
)

// RuleError is a refusal: the rule of SPEC.md that refused the action, what
// happened, and what to do instead. Its message is written for an operator.
type RuleError struct {
	Rule     string // "R11"
	Msg      string // what was refused and why
	Guidance string // what to do instead, if anything
}

func (e *RuleError) Error() string {
	if e.Guidance == "" {
		return fmt.Sprintf("%s: %s", e.Rule, e.Msg)
	}
	return fmt.Sprintf("%s: %s. %s", e.Rule, e.Msg, e.Guidance)
}

func refuse(rule, msg string) *RuleError { return &RuleError{Rule: rule, Msg: msg} }

func refuseWith(rule, msg, guidance string) *RuleError {
	return &RuleError{Rule: rule, Msg: msg, Guidance: guidance}
}

// RuleOf returns the rule id of a refusal, or "" for any other error.
func RuleOf(err error) string {
	var re *RuleError
	if errors.As(err, &re) {
		return re.Rule
	}
	return ""
}

// FieldError is bad input: which field, and what is wrong with it.
type FieldError struct {
	Field string
	Msg   string
}

func (e *FieldError) Error() string { return fmt.Sprintf("%s: %s", e.Field, e.Msg) }

func badField(field, msg string) *FieldError { return &FieldError{Field: field, Msg: msg} }

// NotFoundError says which record was looked for and not found.
type NotFoundError struct {
	What string // "user", "practice"
	Key  string
}

func (e *NotFoundError) Error() string { return fmt.Sprintf("no %s %q", e.What, e.Key) }

// IsNotFound reports whether err is a NotFoundError.
func IsNotFound(err error) bool {
	if err == nil {
		return false // before nf, which escapes: most calls find
	}
	var nf *NotFoundError
	return errors.As(err, &nf)
}

// ErrBadCredentials is a failed login: the login or the password is wrong.
// It never says which, so it tells nothing about who has an account.
var ErrBadCredentials = errors.New("login or password is wrong")
