package cli

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"

	"github.com/spf13/cobra"

	"latchkey/accounts"
	"latchkey/store"
)

// The runner: every command runs over an already-open *accounts.Service and
// an operator, given to it in one place (prepare, the root's
// PersistentPreRunE) before its own code runs. Locally the runner opens --db
// and closes it when the command is done; hosted (an SSH session of
// `latchkey serve`, or a caller on the socket of an open desk) it lends the
// service the holder already has and the operator the holder vouches for
// (R35). Commands never open or close the database themselves, so the same
// tree runs in every face.

// annService says how a command wants its database (an annotation).
const annService = "latchkey/service"

const (
	svcExisting = ""       // the default: an existing file, opened by the runner
	svcCreate   = "create" // open the file, or create an empty one that is not a demo
	svcSelf     = "self"   // the command manages files itself: the console, demo
	svcNone     = "none"   // needs no database: help, command groups
)

// annLocal marks a command that writes files on the machine it runs on:
// refused over SSH, where that machine is the server.
const annLocal = "latchkey/local"

// annUsers marks a command (or a group of them) that acts as the practices'
// users in a demo (act, sim): a read-only operator may not drive it.
const annUsers = "latchkey/as-users"

// actsAsUsers marks cmd and everything under it as acting as users.
func actsAsUsers(cmd *cobra.Command) *cobra.Command { return annotate(cmd, annUsers, "yes") }

// annHolds marks a command that must hold the file itself (serve): never
// run through a host.
const annHolds = "latchkey/holds"

// holdsFile marks cmd as needing the file to itself.
func holdsFile(cmd *cobra.Command) *cobra.Command { return annotate(cmd, annHolds, "yes") }

// selfManaged marks cmd as opening (or creating) what it needs itself.
func selfManaged(cmd *cobra.Command) *cobra.Command { return annotate(cmd, annService, svcSelf) }

// createsFile marks cmd as opening the file, or creating an empty one.
func createsFile(cmd *cobra.Command) *cobra.Command { return annotate(cmd, annService, svcCreate) }

// localOnly marks cmd as writing files where it runs: refused over SSH.
func localOnly(cmd *cobra.Command) *cobra.Command { return annotate(cmd, annLocal, "yes") }

func annotate(cmd *cobra.Command, key, value string) *cobra.Command {
	if cmd.Annotations == nil {
		cmd.Annotations = map[string]string{}
	}
	cmd.Annotations[key] = value
	return cmd
}

// Host lends a service that another goroutine holds to one run of the
// command line: an SSH session's command, or a local caller's on the socket
// of an open desk.
type Host struct {
	Service  *accounts.Service
	Operator accounts.Actor // who every action is recorded under (R35)
	// Remote is set over SSH: the caller is on another machine, so commands
	// that write files on this one (backup, demo, serve, a PDF) are refused.
	Remote bool
	// Dir is the caller's working directory, against which relative paths
	// are resolved ("" is the process's own).
	Dir string
	// Via names the face in messages, e.g. "over SSH".
	Via string
}

// NewHosted builds the command tree over a service another goroutine holds.
// --db, --operator and --key-file cannot change what the host lends.
//
// Over SSH their help leaves them out (R35): the desk's database and key
// file are the server's and the operator is the key's, so a caller reading
// a command's help sees only what works there. They still parse, so a
// script that names the desk's own --operator keeps running.
func NewHosted(streams IO, h Host) *Root {
	r := New(streams)
	r.app.host = &h
	if h.Remote {
		for _, name := range []string{"db", "operator", "key-file"} {
			_ = r.cmd.PersistentFlags().MarkHidden(name)
		}
		forEachCommand(r.cmd, func(c *cobra.Command) { c.Example = localFlagsInExample.ReplaceAllString(c.Example, "") })
	}
	return r
}

// localFlagsInExample is a global flag with its value in an example: the
// examples over SSH leave them out, as the help does.
var localFlagsInExample = regexp.MustCompile(` --(db|operator|key-file)[ =][^ \n]+`)

// forEachCommand calls fn on cmd and every command under it.
func forEachCommand(cmd *cobra.Command, fn func(*cobra.Command)) {
	fn(cmd)
	for _, c := range cmd.Commands() {
		forEachCommand(c, fn)
	}
}

// prepare gives the command about to run its service and operator.
func (a *app) prepare(cmd *cobra.Command, _ []string) error {
	// cobra checks required flags after this hook: check them first, so
	// a mistake in typing is reported as one before any file is opened.
	if err := cmd.ValidateRequiredFlags(); err != nil {
		return usageError{err}
	}
	if err := cmd.ValidateFlagGroups(); err != nil {
		return usageError{err}
	}
	a.ran = true // from here on an error is the command's, not a usage error
	mode := serviceMode(cmd)
	if mode == svcNone {
		return nil
	}
	if a.host != nil {
		return a.borrow(cmd, mode)
	}
	if mode == svcSelf {
		return nil
	}
	actor, err := a.operatorActor()
	if err != nil {
		return err
	}
	open := a.openExisting
	if mode == svcCreate {
		open = a.openOrCreate
	}
	// When the desk is open in another process of ours, the command runs
	// there, as this operator (R35): asked first, so it costs no wait on
	// the file's lock. Nobody answering costs one failed dial.
	if path, perr := a.dbPath(); perr == nil && store.KindOf(path) == store.Bolt {
		if ferr := a.forward(path, actor); !errors.Is(ferr, errNoHolder) {
			return ferr
		}
	}
	svc, err := open()
	if err != nil {
		return err
	}
	a.svc, a.actor, a.owned = svc, seated(actor, svc), true
	return a.checkReadOnly(cmd)
}

// borrow takes the host's service and operator for the command.
func (a *app) borrow(cmd *cobra.Command, mode string) error {
	h := a.host
	if cmd == cmd.Root() {
		return errors.New("the console needs a terminal: connect with `ssh -t` and no command, or name a command")
	}
	if h.Remote && (cmd.Annotations[annLocal] != "" || mode == svcSelf) {
		return fmt.Errorf("`%s` is not available %s: it works on files of the machine it runs on; run it there", cmd.CommandPath(), h.Via)
	}
	if cmd.Annotations[annHolds] != "" || mode == svcSelf {
		return fmt.Errorf("`%s` needs the file to itself, and the desk is open in another process: close that first", cmd.CommandPath())
	}
	if f := cmd.Flags().Lookup("operator"); f != nil && f.Changed && a.operator != h.Operator.Name {
		return usagef("--operator cannot be changed %s: you act as %s", h.Via, h.Operator.Name)
	}
	a.svc, a.actor = h.Service, h.Operator
	if a.readOnly {
		a.actor.ReadOnly = true // a caller may give up writing, never take it
	}
	return a.checkReadOnly(cmd)
}

// checkReadOnly refuses a read-only operator a command that writes as the
// practices' users: what the service refuses an operator directly, the desk
// does not let them do through a simulated user (R35).
func (a *app) checkReadOnly(cmd *cobra.Command) error {
	if !a.actor.ReadOnly {
		return nil
	}
	for c := cmd; c != nil; c = c.Parent() {
		if c.Annotations[annUsers] != "" {
			return &accounts.RuleError{Rule: "R35", Msg: a.actor.Name + " is a read-only operator: they see everything and change nothing",
				Guidance: "`" + cmd.CommandPath() + "` acts as the practices' users; ask an operator who may make changes."}
		}
	}
	return nil
}

// serviceMode is how cmd wants its database. Help and command groups never
// open one.
func serviceMode(cmd *cobra.Command) string {
	if cmd.Name() == "help" && cmd.Parent() == cmd.Root() {
		return svcNone
	}
	return cmd.Annotations[annService]
}

// finish closes what the runner opened.
func (a *app) finish() {
	if a.owned && a.svc != nil {
		_ = a.svc.Close()
	}
	a.svc, a.owned = nil, false
}

// openOrCreate opens --db, creating an empty database that is not a demo
// where none exists.
func (a *app) openOrCreate() (*accounts.Service, error) {
	path, err := a.dbPath()
	if err != nil {
		return nil, err
	}
	return accounts.Open(path, clock, a.config())
}

// demoOnly refuses the user's side of things outside a demo database (R40).
func (a *app) demoOnly() error {
	if !a.svc.IsDemo() {
		return actRefusal()
	}
	return nil
}

// localPath is a path the caller named, resolved against the caller's
// working directory when a host runs the command for them.
func (a *app) localPath(p string) string {
	if a.host == nil || a.host.Dir == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(a.host.Dir, p)
}

// localFile is a file a command writes or reads where it runs, named by
// what (e.g. "--out"): resolved against the caller's directory through the
// socket of an open desk, and refused over SSH, where "here" is the server.
func (a *app) localFile(what, p string) (string, error) {
	if a.host != nil && a.host.Remote {
		return "", fmt.Errorf("%s names a file on the desk's server: not available %s; run this on the server's machine", what, a.host.Via)
	}
	return a.localPath(p), nil
}

// emit prints a command's result: v as JSON with --json, else what human
// writes for people. Errors are printed once, by report.
func (a *app) emit(v any, human func()) error {
	if a.json {
		return writeJSON(a.io.Out, v)
	}
	human()
	return nil
}

// RunContext runs the command line with args and ctx (cancelled when an SSH
// session ends or the server stops) and returns the exit code.
func (r *Root) RunContext(ctx context.Context, args []string) int {
	r.cmd.SetArgs(args)
	r.app.args = args
	cmd, err := r.cmd.ExecuteContextC(ctx)
	r.app.finish()
	if err == nil {
		return ExitOK
	}
	return r.app.report(cmd, err)
}

// wantsJSON tells whether args ask for JSON, even when they could not be
// parsed (so a script gets its usage error as JSON too).
func wantsJSON(args []string) bool {
	for _, s := range args {
		switch s {
		case "--":
			return false
		case "--json", "--json=true", "--json=1":
			return true
		}
	}
	return false
}
