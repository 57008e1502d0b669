package store

import (
	"context"
	"strconv"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// The change feed across processes: every write transaction notifies
// latchkey_changes as it commits, and each open database listens on a
// connection of its own, so a console sees another machine's change as soon
// as it lands. The listening connection is also the engine's pulse: when it
// drops, the database reports itself unreachable (the console's header says
// reconnecting) until a new connection listens again.

// startFeed starts listening and returns once the first LISTEN is in place
// (or has failed), so that no commit after Open goes unheard.
func (pg *pgDB) startFeed() {
	ctx, cancel := context.WithCancel(context.Background())
	pg.stop = cancel
	pg.done.Add(1)
	ready := make(chan struct{})
	go func() {
		defer pg.done.Done()
		pg.listen(ctx, ready)
	}()
	select {
	case <-ready:
	case <-time.After(pgConnectTimeout):
	}
}

func (pg *pgDB) listen(ctx context.Context, ready chan struct{}) {
	pause := 100 * time.Millisecond
	var once sync.Once
	signal := func() { once.Do(func() { close(ready) }) }
	defer signal()
	for ctx.Err() == nil {
		if err := pg.listenOnce(ctx, signal); err != nil && ctx.Err() == nil {
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
func (pg *pgDB) listenOnce(ctx context.Context, listening func()) error {
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
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{pg.channel}.Sanitize()); err != nil {
		return err
	}
	listening()
	if pg.health.Load() != nil || pg.listenedBefore {
		// Back after an outage: others may have written meanwhile.
		pg.changes.Add(1)
		pg.tell(0)
	}
	pg.listenedBefore = true
	pg.setHealth(nil)
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		pg.changes.Add(1)
		seq, _ := strconv.ParseUint(n.Payload, 10, 64)
		if seq > 0 {
			pg.tell(seq)
		}
	}
}

func (pg *pgDB) onChange(fn func(uint64)) {
	pg.mu.Lock()
	pg.listeners = append(pg.listeners, fn)
	pg.mu.Unlock()
}

func (pg *pgDB) tell(seq uint64) {
	pg.mu.Lock()
	fns := pg.listeners
	pg.mu.Unlock()
	for _, fn := range fns {
		fn(seq)
	}
}

func (pg *pgDB) changeCount() uint64 { return pg.changes.Load() }

func (pg *pgDB) healthErr() error {
	if e := pg.health.Load(); e != nil {
		return *e
	}
	return nil
}
