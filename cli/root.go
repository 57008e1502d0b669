// Package cli is Latchkey's command line: with no subcommand it opens the
// console; every console action is also a subcommand for scripts and bulk
// work, with human and JSON output, calling the same accounts.Service methods
// and so writing the same audit events (R33).
package cli

import (
	"context"
	"io"
	"os"

	"github.com/spf13/cobra"

	"latchkey/accounts"
	"latchkey/mfa"
)

// IO is where a command reads and writes. Tests pass buffers.
type IO struct {
	In  io.Reader
	Out io.Writer
	Err io.Writer
}

// StdIO is the process's own standard streams.
func StdIO() IO { return IO{In: os.Stdin, Out: os.Stdout, Err: os.Stderr} }

// app is the state one run of the command line shares between its commands:
// the global flags and whether a command's own code started (which tells a
// runtime failure from a usage error).
type app struct {
	io       IO
	db       string // --db; "" means the default demo database
	operator string // --operator; resolved by operatorName
	keyFile  string // --key-file; "" means $LATCHKEY_KEY_FILE, else the default
	readOnly bool   // --read-only: see everything, change nothing (R35)
	json     bool   // --json of the command that runs
	ran      bool   // the runner started the command: errors after this are not usage errors
	args     []string

	// Given by the runner (runner.go) before a command's own code runs.
	svc   *accounts.Service
	actor accounts.Actor
	owned bool  // the runner opened svc and closes it
	host  *Host // set when another goroutine holds the service
}

const rootLong = `Latchkey is the support desk's console for an EHR vendor's accounts: locked
accounts, licenses, users, account-setup emails, password resets, MFA,
patient-portal accounts, the audit trail and the outbox, in one embedded file
or, for a desk shared by many machines, a PostgreSQL database.

With no subcommand it opens the console (the "desk"). Without --db that is
the demo database at $XDG_DATA_HOME/latchkey/demo.db (else
~/.local/share/latchkey/demo.db), created and seeded on first run; with
--db FILE it opens FILE, and a FILE that does not exist starts as an empty
database that is not a demo. --db postgres://user@host:5432/db (or
$LATCHKEY_DB) opens a PostgreSQL database instead, creating its tables on
first use (R44); the password comes from the URL, ~/.pgpass or $PGPASSWORD
and is never shown.

Every action is recorded in the audit trail under the operator's name:
--operator, else $LATCHKEY_OPERATOR, else your login name.

Authenticator-app secrets are sealed, and one-time codes hashed, under a key
kept outside the database (R37): --key-file, else $LATCHKEY_KEY_FILE, else
$XDG_CONFIG_HOME/latchkey/secret.key (~/.config/latchkey/secret.key),
created on first use, readable by you only. Keep it with the database (every
machine of a shared desk needs the same file): a database opened with another
key, or none, refuses its codes and app logins naming R37.

Exit codes:
  0   success
  1   failure (file in use or damaged, not found, bad value, check failed)
  2   refused by a rule (the message names it, e.g. R11)
  64  bad usage (unknown command or flag, missing argument)`

// Root is the whole command tree of one run.
type Root struct {
	cmd *cobra.Command
	app *app
}

// New builds the command tree, reading and writing streams.
func New(streams IO) *Root {
	a := &app{io: streams}
	root := &cobra.Command{
		Use:   "latchkey",
		Short: "The support desk's console for locked accounts, licenses and users",
		Long:  rootLong,
		Example: `  latchkey                                   open the desk on the demo database
  latchkey --db desk.db --operator alice     open desk.db as operator alice
  latchkey demo --db /tmp/demo.db --seed 7   build a demo database
  latchkey lockouts --db /tmp/demo.db --json`,
		Args:          cobra.NoArgs,
		SilenceErrors: true, // Execute reports errors itself: tidy, sanitised, JSON when asked
		SilenceUsage:  true, // usage only for usage errors, never for a refusal
		RunE:          a.run(a.runConsole),
		// The runner: every command gets its service and operator here.
		PersistentPreRunE: a.prepare,
	}
	selfManaged(localOnly(root))
	root.SetIn(streams.In)
	root.SetOut(streams.Out)
	root.SetErr(streams.Err)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.CompletionOptions.DisableDefaultCmd = true // our own, documented: docs.go
	root.Version = version()
	root.SetVersionTemplate("latchkey {{.Version}}\n")

	pf := root.PersistentFlags()
	pf.StringVar(&a.db, "db", "", "database `FILE` or postgres:// URL (default $LATCHKEY_DB, else the demo database, see above)")
	pf.StringVar(&a.operator, "operator", "", "operator `NAME` recorded with every action (default $LATCHKEY_OPERATOR, else your login name)")
	pf.BoolVar(&a.readOnly, "read-only", false, "act as a read-only operator: see everything, change nothing (R35)")
	pf.StringVar(&a.keyFile, "key-file", "", "`FILE` holding the key that seals authenticator secrets and keys one-time codes (default $"+mfa.KeyFileEnv+", else ~/.config/latchkey/secret.key)")

	root.AddCommand(
		selfManaged(localOnly(a.demoCmd())),
		a.lockoutsCmd(),
		a.practicesCmd(),
		a.usersCmd(),
		a.auditCmd(),
		a.checkCmd(),
		localOnly(a.backupCmd()),
		selfManaged(localOnly(a.copyCmd())),
		a.clockCmd(),
		actsAsUsers(a.actCmd()),
		a.licensesCmd(),
		a.outboxCmd(),
		a.patientsCmd(),
		a.mfaCmd(),
		actsAsUsers(a.simCmd()),
		a.verifyCmd(),
		a.approvalsCmd(),
		a.watchCmd(),
		holdsFile(localOnly(a.serveCmd())),
		annotate(a.completionCmd(), annService, svcNone), // needs no database: runs over SSH too
		selfManaged(localOnly(a.manCmd())),
	)
	return &Root{cmd: root, app: a}
}

// run wraps a command's body: from here on, an error is the command's, not a
// usage error.
func (a *app) run(fn func(cmd *cobra.Command, args []string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		a.ran = true
		return fn(cmd, args)
	}
}

// addJSON gives a listing or action its --json flag.
func (a *app) addJSON(cmd *cobra.Command) {
	cmd.Flags().BoolVar(&a.json, "json", false, "print JSON on stdout (errors too: {\"error\": ..., \"rule\": ...})")
}

// Run runs the command line with args (without the program name) and
// returns the process exit code. Errors are reported here, once.
func (r *Root) Run(args []string) int { return r.RunContext(context.Background(), args) }
