package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/log/v2"
	"github.com/spf13/cobra"

	"latchkey/accounts"
	"latchkey/serve"
	"latchkey/sim"
	"latchkey/tui"
)

const serveLong = `Serve the desk over SSH (R35): many operators at once, each in their own
console, all on this one database, so the rules — R1's license count above
all — hold across every session.

Only public keys listed in the operators file get in. Each line is an
authorized_keys line whose comment names the operator, with the option
read-only for an operator who sees everything and changes nothing:

  ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA... alice
  read-only ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA... rita

The file is read again whenever it changes. Each session acts as its key's
operator; the audit trail records the operator and the key's fingerprint.

  ssh -p 23234 desk-host                  the console (a terminal is needed)
  ssh -p 23234 desk-host lockouts --json  any subcommand, as your operator

The host key is created on first start, readable by you only. A session with
no keys for --idle ends with a message. SIGTERM or Ctrl-C tells every
session, lets commands and actions in flight finish, and closes the file.
Connections, refusals and disconnections are logged to stderr.

While it runs, subcommands on this machine (latchkey lockouts --db FILE)
run through it instead of failing "in use".`

func (a *app) serveCmd() *cobra.Command {
	var o serve.Options
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the desk to many operators over SSH",
		Long:  serveLong,
		Example: `  latchkey serve --db desk.db --operators ~/.config/latchkey/operators
  latchkey serve --db desk.db --listen 0.0.0.0:23234`,
		Args: cobra.NoArgs,
		RunE: a.run(func(cmd *cobra.Command, _ []string) error {
			return a.serve(cmd.Context(), o)
		}),
	}
	f := cmd.Flags()
	f.StringVar(&o.Listen, "listen", serve.DefaultListen, "`ADDR`ess to listen on")
	f.StringVar(&o.Operators, "operators", "", "the operators `FILE` (default $XDG_CONFIG_HOME/latchkey/operators, else ~/.config/latchkey/operators)")
	f.StringVar(&o.HostKey, "host-key", "", "the host key `FILE`, created on first start (default beside the operators file: host_ed25519)")
	f.IntVar(&o.MaxSessions, "max-sessions", serve.DefaultMaxSessions, "sessions at once (`N`)")
	f.DurationVar(&o.IdleTimeout, "idle", serve.DefaultIdleTimeout, "end a console with no keys for this long (`D`)")
	return cmd
}

// serve runs the SSH server over the runner's service until SIGTERM or
// Ctrl-C (or ctx ends).
func (a *app) serve(ctx context.Context, o serve.Options) error {
	svc := a.svc
	if o.Operators == "" || o.HostKey == "" {
		dir, err := configDir()
		if err != nil {
			return err
		}
		if o.Operators == "" {
			o.Operators = filepath.Join(dir, "operators")
		}
		if o.HostKey == "" {
			o.HostKey = filepath.Join(filepath.Dir(o.Operators), "host_ed25519")
		}
	}
	o.Logger = log.NewWithOptions(a.io.Err, log.Options{ReportTimestamp: true, Prefix: "latchkey serve"})
	o.Commands = hostedCommands(svc)
	var simulator *sim.Background
	if svc.IsDemo() {
		simulator = sim.NewBackground(sim.New(svc, sim.Options{Seed: time.Now().UnixNano()}),
			sim.RunOptions{Rate: 10, Speed: 60, QuickFinish: true})
		defer simulator.Stop()
	}
	o.Console = func(op accounts.Actor) tea.Model {
		// A panic caught in a session's console goes to the server's log
		// with its stack, never to the operator's screen.
		opts := tui.Options{Operator: op.Name, ReadOnly: op.ReadOnly, Remote: true,
			Log: o.Logger, LogWhere: "the desk server's log"}
		if simulator != nil && !op.ReadOnly {
			opts.Simulator = simulator
		}
		return tui.New(svc, opts)
	}
	srv, err := serve.New(svc, o)
	if err != nil {
		return err
	}
	if stop, err := a.listenLocal(svc); err == nil {
		defer stop() // commands on this machine run through this process
	} else {
		o.Logger.Warn("local commands will not reach this desk", "err", err)
	}
	if _, err := os.Stat(o.Operators); err != nil {
		o.Logger.Warn("no operators file yet: nobody can connect until it lists their key", "file", o.Operators)
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	return srv.Serve(ctx, 30*time.Second)
}

// hostedCommands runs the command tree for an SSH session without a
// terminal, as its key's operator, over the served service.
func hostedCommands(svc *accounts.Service) serve.CommandFunc {
	return func(ctx context.Context, op accounts.Actor, args []string, in io.Reader, out, errw io.Writer) int {
		h := Host{Service: svc, Operator: op, Remote: true, Via: "over SSH"}
		return NewHosted(IO{In: in, Out: out, Err: errw}, h).RunContext(ctx, args)
	}
}

// configDir is Latchkey's configuration directory: $XDG_CONFIG_HOME/latchkey,
// else ~/.config/latchkey.
func configDir() (string, error) {
	if x := os.Getenv("XDG_CONFIG_HOME"); filepath.IsAbs(x) {
		return filepath.Join(x, "latchkey"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("cannot find the configuration directory (no home directory): %w; use --operators and --host-key", err)
	}
	return filepath.Join(home, ".config", "latchkey"), nil
}
