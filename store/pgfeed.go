package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// The change feed across processes: every write transaction notifies
// latchkey_changes as it commits, and each open database listens on a
// connection of its own, so a console sees another machine's change as soon
// as it lands. The listening connection is also the engine's pulse: when it
// drops, the database reports itself unreachable (the console's header says
// reconnecting) until a new connection listens again.

func (pg *pgDB) startFeed() {
	ctx, cancel := context.WithCancel(context.Background())
	pg.stop = cancel
	pg.done.Add(1)
	go func() {
		defer pg.done.Done()
		pg.listen(ctx)
	}()
}

func (pg *pgDB) listen(ctx context.Context) {
	pause := 100 * time.Millisecond
	for ctx.Err() == nil {
		if err := pg.listenOnce(ctx); err != nil && ctx.Err() == nil {
			pg.setHealth(err)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(pause):
		}
		pause = min(pause*2, 2*time.Second)
	}
}

// listenOnce connects, listens and counts notices until the connection
// fails or ctx ends.
func (pg *pgDB) listenOnce(ctx context.Context) error {
	cctx, cancel := context.WithTimeout(ctx, pgConnectTimeout)
	conn, err := pgx.ConnectConfig(cctx, pg.pool.Config().ConnConfig.Copy())
	cancel()
	if err != nil {
		return err
	}
	defer func() {
		c, cancel := context.WithTimeout(context.Background(), time.Second)
		_ = conn.Close(c)
		cancel()
	}()
	if _, err := conn.Exec(ctx, "LISTEN "+pg.channel); err != nil {
		return err
	}
	if pg.health.Load() != nil {
		// Back after an outage: others may have written meanwhile.
		pg.changes.Add(1)
	}
	pg.setHealth(nil)
	for {
		if _, err := conn.WaitForNotification(ctx); err != nil {
			return err
		}
		pg.changes.Add(1)
	}
}

func (pg *pgDB) changeCount() uint64 { return pg.changes.Load() }

func (pg *pgDB) healthErr() error {
	if e := pg.health.Load(); e != nil {
		return *e
	}
	return nil
}
