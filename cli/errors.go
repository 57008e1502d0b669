package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"latchkey/accounts"
	"latchkey/tui/common"
)

// Exit codes (documented in the root help and the README).
const (
	ExitOK      = 0  // success
	ExitFailure = 1  // the command failed: file in use or damaged, not found, bad value, check failed
	ExitRefused = 2  // a rule refused the action; the message names the rule
	ExitUsage   = 64 // bad usage: unknown command or flag, wrong arguments (sysexits EX_USAGE)
)

// usageError is a mistake in how the command was typed.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

// errorJSON is what --json prints on stdout when a command fails.
type errorJSON struct {
	Error    string `json:"error"`
	Rule     string `json:"rule,omitempty"`     // the refusing rule, e.g. "R11"
	Guidance string `json:"guidance,omitempty"` // what to do instead
	Field    string `json:"field,omitempty"`    // the bad input, for a field error
	Usage    string `json:"usage,omitempty"`    // how the command is typed, for a usage error
}

// report prints err once, tidily, and returns the exit code. Errors raised
// before a command's own code ran (cobra's argument and flag checks) are
// usage errors and get the command's usage; the rest never do.
func (a *app) report(cmd *cobra.Command, err error) int {
	var fw forwarded
	if errors.As(err, &fw) {
		return fw.code // the open desk ran it and printed everything
	}
	var ue usageError
	if !a.ran || errors.As(err, &ue) {
		if a.json || wantsJSON(a.args) {
			// A script asked for JSON: its mistakes come as JSON too.
			if werr := writeJSON(a.io.Out, errorJSON{Error: err.Error(), Usage: cmd.UseLine()}); werr == nil {
				return ExitUsage
			}
		}
		fmt.Fprintf(a.io.Err, "Error: %s\n", common.Sanitize(err.Error()))
		if a.host != nil && a.host.Remote && strings.HasPrefix(err.Error(), "unexpected argument") {
			// ssh joins the words with spaces and they are split again
			// here: the quotes the caller's shell took off are gone.
			fmt.Fprintln(a.io.Err, `Over SSH, quote a value with spaces twice: --reason "'locked out before clinic'".`)
		}
		if cmd.HasAvailableSubCommands() {
			// A group's usage is a long list; point at it instead.
			fmt.Fprintf(a.io.Err, "Run '%s --help' for usage.\n", cmd.CommandPath())
		} else {
			fmt.Fprintf(a.io.Err, "\n%s", cmd.UsageString())
		}
		return ExitUsage
	}
	code := ExitFailure
	var re *accounts.RuleError
	var fe *accounts.FieldError
	isRule := errors.As(err, &re)
	if isRule {
		code = ExitRefused
	}
	if a.json {
		out := errorJSON{Error: err.Error()}
		if isRule {
			out.Rule, out.Guidance = re.Rule, re.Guidance
		}
		if errors.As(err, &fe) {
			out.Field = fe.Field
		}
		if werr := writeJSON(a.io.Out, out); werr != nil {
			fmt.Fprintf(a.io.Err, "latchkey: %s\n", common.Sanitize(err.Error()))
		}
		return code
	}
	if isRule {
		fmt.Fprintf(a.io.Err, "latchkey: refused by %s: %s\n", re.Rule, common.Sanitize(re.Msg))
		if re.Guidance != "" {
			fmt.Fprintf(a.io.Err, "  %s\n", common.Sanitize(re.Guidance))
		}
		return code
	}
	fmt.Fprintf(a.io.Err, "latchkey: %s\n", common.Sanitize(err.Error()))
	return code
}

// args accepts exactly the named positional arguments, saying which is
// missing or what is extra.
func args(names ...string) cobra.PositionalArgs {
	return func(_ *cobra.Command, got []string) error {
		switch {
		case len(got) < len(names):
			return usagef("missing %s", names[len(got)])
		case len(got) > len(names):
			return usagef("unexpected argument %q", got[len(names)])
		}
		return nil
	}
}

// groupCmd is a command that only holds subcommands: alone it shows its help;
// with an unknown subcommand it is a usage error (cobra would show help and
// exit 0, hiding the typo from scripts).
func groupCmd(use, short string) *cobra.Command {
	return annotate(&cobra.Command{
		Use:   use,
		Short: short,
		Args:  cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, got []string) error {
			if len(got) > 0 {
				return usagef("unknown command %q for %q", got[0], cmd.CommandPath())
			}
			return cmd.Help()
		},
	}, annService, svcNone)
}
