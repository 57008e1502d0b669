package cli

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"time"

	"latchkey/store"
)

// bbolt lets one process hold a database file. So that `latchkey backup`
// still works while a console or a simulator holds it (R36), the holder
// listens on a Unix socket beside the file — owner-only, like the file — and
// writes the copy itself, from one read transaction. The socket does one
// thing: write a backup to a new file the caller names.

// backupSocket is where the holder of path listens.
func backupSocket(path string) string { return path + ".backup.sock" }

type backupRequest struct {
	Out string `json:"out"` // absolute path of the new file
}

type backupReply struct {
	Bytes int64  `json:"bytes,omitempty"`
	Error string `json:"error,omitempty"`
}

// backupSource is what answers a backup: the open service.
type backupSource interface {
	Where() string
	BackupFile(path string) (int64, error)
}

// serveBackups answers backup requests for db until stop is called. A socket
// left behind by a process that died is replaced.
func serveBackups(db backupSource) (stop func(), err error) {
	if store.KindOf(db.Where()) != store.Bolt {
		// Only a file has one holder; anyone may back up a shared database.
		return nil, fmt.Errorf("%s is not a file", db.Where())
	}
	sock := backupSocket(db.Where())
	if c, err := net.DialTimeout("unix", sock, 200*time.Millisecond); err == nil {
		_ = c.Close()
		return nil, fmt.Errorf("another process answers backups for %s", db.Where())
	}
	_ = os.Remove(sock)
	old := umask(0o177)
	ln, err := net.Listen("unix", sock)
	umask(old)
	if err != nil {
		return nil, err
	}
	if err := os.Chmod(sock, 0o600); err != nil {
		_ = ln.Close()
		return nil, err
	}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go answerBackup(db, c)
		}
	}()
	return func() { _ = ln.Close(); _ = os.Remove(sock) }, nil
}

func answerBackup(db backupSource, c net.Conn) {
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Minute))
	var req backupRequest
	var reply backupReply
	line, err := bufio.NewReader(c).ReadBytes('\n')
	switch {
	case err != nil:
		reply.Error = "bad request"
	case json.Unmarshal(line, &req) != nil || !filepath.IsAbs(req.Out):
		reply.Error = "bad request: the output path must be absolute"
	default:
		if reply.Bytes, err = db.BackupFile(req.Out); err != nil {
			reply.Error = err.Error()
		}
	}
	_ = json.NewEncoder(c).Encode(reply)
}

// errNoHolder: nobody answers backups for the file.
var errNoHolder = errors.New("no running latchkey answers backups for this file")

// askForBackup asks the process holding path to write a backup to out.
func askForBackup(path, out string) (int64, error) {
	abs, err := filepath.Abs(out)
	if err != nil {
		return 0, err
	}
	c, err := net.DialTimeout("unix", backupSocket(path), time.Second)
	if err != nil {
		return 0, errNoHolder
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Minute))
	if err := json.NewEncoder(c).Encode(backupRequest{Out: abs}); err != nil {
		return 0, err
	}
	var reply backupReply
	if err := json.NewDecoder(c).Decode(&reply); err != nil {
		return 0, fmt.Errorf("the running latchkey did not answer: %w", err)
	}
	if reply.Error != "" {
		return 0, errors.New(reply.Error)
	}
	return reply.Bytes, nil
}
