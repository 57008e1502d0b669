package cli

import (
	"os"
	"os/user"
	"strconv"

	"latchkey/accounts"
)

// A local operator is a name typed (--operator, $LATCHKEY_OPERATOR, R35):
// nothing stops one person from asking as dana and approving as eli. What
// they cannot type is the OS account and machine the command runs as, so
// that is the operator's seat (accounts.Actor.Seat), and four eyes (R42)
// are never one seat under two names. Over SSH the operator is their key
// and has no seat here; on a demo, one person plays every operator (R39),
// so neither has one.

// localSeat names the OS account and machine this process runs as.
func localSeat() string {
	who := "uid " + strconv.Itoa(os.Getuid())
	if u, err := user.Current(); err == nil && u.Username != "" {
		who = "OS account " + u.Username + " (" + who + ")"
	}
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "this machine"
	}
	return who + " on " + host
}

// seated gives a local operator their seat, outside a demo.
func seated(actor accounts.Actor, svc *accounts.Service) accounts.Actor {
	if !svc.IsDemo() {
		actor.Seat = localSeat()
	}
	return actor
}
