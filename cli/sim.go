package cli

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"os/signal"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"latchkey/accounts"
	"latchkey/internal/plural"
	"latchkey/sim"
)

func (a *app) simCmd() *cobra.Command {
	var (
		rate     float64
		duration time.Duration
		steps    int
		speed    float64
		seed     int64
		callers  bool
	)
	cmd := &cobra.Command{
		Use:   "sim",
		Short: "Run the simulated practice users against a demo database, headless",
		Long: `Run the simulator (R40) without the console: practice users log in, mistype
until they lock themselves out, forget passwords and reset them, click setup
links, enrol MFA and answer codes from the outbox or their authenticator;
practice admins unlock colleagues and send resets to legacy users; owners ask
for licenses. It acts only through the account service, never as an operator,
and checks the rules as it goes.

--speed moves the demo clock: 60 means a simulated hour passes every real
minute (R39). Demo databases only. bbolt lets one process hold the file, so
close the console first (inside the console, S runs the same simulator).

--callers adds calls to the desk (R41-R43): real users who lost their phone
pass an out-of-band check by reading back the code only they can see, and
impostors who know a user's personal details guess codes and are held off;
for these calls the simulator plays the desk's two operators (sim-desk-1,
sim-desk-2), four eyes included, and checks that no impostor ever got a clear.

Ends with a summary: actions by kind, outcomes, lockouts, resets, enrolments
and any rule violation found. Exit 1 if a violation was found.`,
		Example: `  latchkey sim --db demo.db --duration 30s
  latchkey sim --db demo.db --rate 50 --speed 120 --duration 2m --json`,
		Args: cobra.NoArgs,
		RunE: a.run(func(cmd *cobra.Command, _ []string) error {
			if rate < 0 || speed < 0 || duration < 0 || steps < 0 {
				return usagef("--rate, --speed, --duration and --steps cannot be negative")
			}
			svc := a.svc
			if !svc.IsDemo() {
				return &accounts.RuleError{Rule: "R40",
					Msg:      "the simulated practice users act only in a demo database, never on real accounts",
					Guidance: "Make one with `latchkey demo --db FILE` and run the simulator there."}
			}
			if a.host == nil {
				if stop, err := a.listenLocal(svc); err == nil {
					defer stop() // commands on this machine run through this process
				}
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt)
			defer stop()
			s := sim.New(svc, sim.Options{Seed: seed, Callers: callers})
			ro := sim.RunOptions{Rate: rate, Duration: duration, Steps: steps, Speed: speed}
			if !a.json {
				ro.Progress = simProgress(a.io.Err, isTerminal(a.io.Err))
			}
			sum := s.Run(ctx, ro)
			if isTerminal(a.io.Err) && !a.json {
				fmt.Fprintln(a.io.Err)
			}
			if a.json {
				if err := writeJSON(a.io.Out, simJSON(sum)); err != nil {
					return err
				}
			} else {
				printSimSummary(a.io.Out, sum)
			}
			if len(sum.Violations) > 0 {
				return errors.New("the simulator found rule violations (listed above)")
			}
			return nil
		}),
	}
	cmd.Flags().Float64Var(&rate, "rate", 20, "actions per second (`N`; 0 = as fast as possible)")
	cmd.Flags().DurationVar(&duration, "duration", 30*time.Second, "how long to run, in real time (`D`)")
	cmd.Flags().IntVar(&steps, "steps", 0, "stop after this many actions (`N`; 0 = no limit)")
	cmd.Flags().Float64Var(&speed, "speed", 60, "demo-clock seconds per real second (`X`)")
	cmd.Flags().Int64Var(&seed, "seed", 1, "the same seed makes the same run (`S`)")
	cmd.Flags().BoolVar(&callers, "callers", false, "also play calls to the desk: real users and impostors asking for an MFA clear (R41-R43)")
	a.addJSON(cmd)
	return cmd
}

// simProgress prints one line a second: redrawn in place on a terminal,
// plain lines every 5 seconds otherwise.
func simProgress(w io.Writer, tty bool) func(sim.Summary) {
	n := 0
	return func(s sim.Summary) {
		n++
		line := fmt.Sprintf("sim: %s · %s · %s · %s · %s of demo time · %s",
			plural.Count(s.Total(), "action"), plural.Count(s.Lockouts, "lockout"), plural.Count(s.Resets, "reset"),
			plural.Count(s.Enrolments, "enrolment"), s.Simulated.Round(time.Minute), plural.Count(len(s.Violations), "violation"))
		switch {
		case tty:
			fmt.Fprintf(w, "\r\x1b[K%s", line)
		case n%5 == 0:
			fmt.Fprintln(w, line)
		}
	}
}

type simSummaryJSON struct {
	Actions    map[string]int `json:"actions"`
	Outcomes   map[string]int `json:"outcomes"`
	Total      int            `json:"total"`
	Lockouts   int            `json:"lockouts"`
	Resets     int            `json:"resets"`
	Enrolments int            `json:"enrolments"`
	Simulated  string         `json:"simulated"`
	Violations []string       `json:"violations"`
}

func simJSON(s sim.Summary) simSummaryJSON {
	out := simSummaryJSON{Actions: map[string]int{}, Outcomes: s.Outcomes, Total: s.Total(), Lockouts: s.Lockouts,
		Resets: s.Resets, Enrolments: s.Enrolments, Simulated: s.Simulated.Round(time.Second).String(),
		Violations: s.Violations}
	for k, v := range s.Actions {
		out.Actions[string(k)] = v
	}
	if out.Violations == nil {
		out.Violations = []string{}
	}
	return out
}

func printSimSummary(w io.Writer, s sim.Summary) {
	printf(w, "Simulated %s over %s of demo time.\n\n", plural.Count(s.Total(), "action"), s.Simulated.Round(time.Second))
	printf(w, "Actions by kind:\n")
	for _, k := range slices.Sorted(maps.Keys(s.Actions)) {
		printf(w, "  %-16s %6d\n", k, s.Actions[k])
	}
	printf(w, "\nOutcomes:\n")
	for _, k := range slices.Sorted(maps.Keys(s.Outcomes)) {
		printf(w, "  %-44s %6d\n", k, s.Outcomes[k])
	}
	printf(w, "\nLockouts %d · resets %d · enrolments %d\n", s.Lockouts, s.Resets, s.Enrolments)
	if len(s.Violations) == 0 {
		printf(w, "Rule violations: none\n")
		return
	}
	printf(w, "Rule violations: %d\n", len(s.Violations))
	for _, v := range s.Violations {
		printf(w, "  ! %s\n", v)
	}
}
