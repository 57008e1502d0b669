package cli

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"latchkey/accounts"
	"latchkey/internal/atomicfile"
)

// auditCheckpointCmd signs the audit chain's head (R29).
func (a *app) auditCheckpointCmd() *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "checkpoint",
		Short: "Sign the audit chain's head so a later check can prove nothing was rewritten",
		Long: `Verify the audit chain, then sign its head — the newest event's number and
hash, and a short mark of every event up to it — with an Ed25519 key kept
outside the database, beside the TOTP key file (audit-signing.key, created
owner-only on first use) (R29). Keep the checkpoint somewhere the database's
host cannot rewrite (a ticket, another machine). "latchkey check --checkpoint
FILE" later proves that the trail still extends it: a rewritten event, even
one re-hashed into a consistent chain, and a cut-off tail are caught, naming
the first event that differs.

Without --out the checkpoint is printed (JSON).`,
		Example: `  latchkey audit checkpoint --db demo.db --out audit-$(date +%F).checkpoint
  latchkey check --db demo.db --checkpoint audit-2026-11-29.checkpoint`,
		Args: cobra.NoArgs,
		RunE: a.run(func(*cobra.Command, []string) error {
			cp, err := a.svc.AuditCheckpoint()
			if err != nil {
				return err
			}
			b, err := json.MarshalIndent(cp, "", "  ")
			if err != nil {
				return err
			}
			b = append(b, '\n')
			if out == "" {
				_, err := a.io.Out.Write(b)
				return err
			}
			if out, err = a.localFile("--out", out); err != nil {
				return err
			}
			if err := atomicfile.WriteNew(out, func(tmp string) error { return os.WriteFile(tmp, b, 0o600) }); err != nil {
				return err
			}
			return a.emit(map[string]any{"ok": true, "out": out, "seq": cp.Seq, "hash": cp.Hash, "key_id": cp.KeyID}, func() {
				printf(a.io.Out, "Checkpoint of event %d (hash %s…) signed with key %s, written to %s.\n", cp.Seq, cp.Hash[:min(16, len(cp.Hash))], cp.KeyID, out)
			})
		}),
	}
	cmd.Flags().StringVar(&out, "out", "", "write the checkpoint to a new `FILE` instead of printing it")
	a.addJSON(cmd)
	return cmd
}

// verifyCheckpointFile proves that the audit trail extends the checkpoint
// in path (R29) and says what it proved.
func (a *app) verifyCheckpointFile(path string) (string, error) {
	path, err := a.localFile("--checkpoint", path)
	if err != nil {
		return "", err
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("checkpoint: %w", err)
	}
	var cp accounts.Checkpoint
	if err := json.Unmarshal(b, &cp); err != nil {
		return "", fmt.Errorf("checkpoint %s: not a checkpoint file: %w", path, err)
	}
	if _, err := a.svc.VerifyCheckpoint(cp); err != nil {
		return "", err
	}
	return fmt.Sprintf("the trail extends the checkpoint of event %d taken %s", cp.Seq, cp.Time.UTC().Format("2006-01-02 15:04 UTC")), nil
}
