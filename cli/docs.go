package cli

import (
	"os"
	"runtime/debug"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
)

// What operators expect of a terminal tool: `latchkey --version`, shell
// completion and a man page, all generated from the command tree itself so
// they never drift from it.

// Version is the build's version: set with -ldflags "-X latchkey/cli.Version=v1.2.3",
// else the module version `go install` recorded, else "devel".
var Version = ""

func version() string {
	if Version != "" {
		return Version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "devel"
}

func (a *app) completionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "completion bash|zsh|fish",
		Short: "Print the shell completion script for bash, zsh or fish",
		Long: `Print a completion script for your shell. To use it now:

  source <(latchkey completion bash)        # bash
  latchkey completion zsh > "${fpath[1]}/_latchkey"   # zsh
  latchkey completion fish | source         # fish`,
		ValidArgs: []string{"bash", "zsh", "fish"},
		Args:      args("SHELL"),
		RunE: a.run(func(cmd *cobra.Command, args []string) error {
			root, out := cmd.Root(), cmd.OutOrStdout()
			switch args[0] {
			case "bash":
				return root.GenBashCompletionV2(out, true)
			case "zsh":
				return root.GenZshCompletion(out)
			case "fish":
				return root.GenFishCompletion(out, true)
			}
			return usagef("no completion for %q: use bash, zsh or fish", args[0])
		}),
	}
}

func (a *app) manCmd() *cobra.Command {
	var dir string
	cmd := &cobra.Command{
		Use:   "man",
		Short: "Print the latchkey(1) man page, or write one page per command with --dir",
		Long: `Print the man page of latchkey (roff, section 1): latchkey man | man -l -
With --dir DIR, write latchkey.1 and a page for every subcommand into DIR.`,
		Args: cobra.NoArgs,
		RunE: a.run(func(cmd *cobra.Command, _ []string) error {
			header := &doc.GenManHeader{Title: "LATCHKEY", Section: "1", Source: "latchkey " + version(), Manual: "Latchkey"}
			root := cmd.Root()
			root.DisableAutoGenTag = true
			if dir != "" {
				if err := os.MkdirAll(dir, 0o755); err != nil {
					return err
				}
				return doc.GenManTree(root, header, dir)
			}
			return doc.GenMan(root, header, cmd.OutOrStdout())
		}),
	}
	cmd.Flags().StringVar(&dir, "dir", "", "write one page per command into `DIR`")
	return cmd
}
