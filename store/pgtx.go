package store

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
)

// pgTx is one PostgreSQL transaction seen through the port. Writes are
// kept in memory and sent together — before a scan or count of their bucket
// needs them, and at commit in one round trip with the commit itself — so an
// action costs a few round trips, not one per record. Reads remember what
// they found, and a read of a key this transaction wrote answers from
// memory.
type pgTx struct {
	ctx     context.Context
	conn    *pgx.Conn
	rw      bool
	channel string

	known map[string]*pgVal            // bucket\x00key -> value read or written
	dirty map[Bucket]map[string]*pgVal // written, not yet sent
	seqs  map[Bucket]*pgSeq            // sequences read (and advanced)
	dbErr error                        // the first driver error, so run can classify it

	announced  uint64 // the newest chain entry appended, told to listeners
	flushed    bool   // writes were sent before commit (for a scan)
	commitSent bool   // the commit left for the server: a lost connection leaves the outcome unknown
}

type pgVal struct {
	b       Bucket
	k, v    []byte
	present bool
}

type pgSeq struct {
	n     uint64
	dirty bool
}

func newPgTx(ctx context.Context, conn *pgx.Conn, rw bool, channel string) *pgTx {
	return &pgTx{ctx: ctx, conn: conn, rw: rw, channel: channel, known: map[string]*pgVal{},
		dirty: map[Bucket]map[string]*pgVal{}, seqs: map[Bucket]*pgSeq{}}
}

// fail records a driver error (the first one wins) and returns it.
func (t *pgTx) fail(err error) error {
	if t.dbErr == nil {
		t.dbErr = err
	}
	return t.dbErr
}

func ck(b Bucket, k []byte) string { return string(b) + "\x00" + string(k) }

func (t *pgTx) writable() bool { return t.rw }

func (t *pgTx) get(b Bucket, key []byte) ([]byte, error) {
	if v, ok := t.known[ck(b, key)]; ok {
		if !v.present {
			return nil, ErrNotFound
		}
		return bytes.Clone(v.v), nil
	}
	var val []byte
	err := t.conn.QueryRow(t.ctx, `SELECT value FROM latchkey_kv WHERE bucket = $1 AND key = $2`, string(b), key).Scan(&val)
	if err == pgx.ErrNoRows {
		t.known[ck(b, key)] = &pgVal{b: b, k: bytes.Clone(key)}
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, t.fail(err)
	}
	t.known[ck(b, key)] = &pgVal{b: b, k: bytes.Clone(key), v: val, present: true}
	return bytes.Clone(val), nil
}

func (t *pgTx) write(b Bucket, key, value []byte, present bool) {
	c := ck(b, key)
	v := &pgVal{b: b, k: bytes.Clone(key), v: bytes.Clone(value), present: present}
	if v.v == nil {
		v.v = []byte{}
	}
	t.known[c] = v
	d := t.dirty[b]
	if d == nil {
		d = map[string]*pgVal{}
		t.dirty[b] = d
	}
	d[c] = v
}

func (t *pgTx) put(b Bucket, key, value []byte) error {
	t.write(b, key, value, true)
	return nil
}

func (t *pgTx) del(b Bucket, key []byte) error {
	t.write(b, key, nil, false)
	return nil
}

// queueWrites adds the statements that send the unsent writes of buckets
// (all buckets for nil) to batch.
func (t *pgTx) queueWrites(batch *pgx.Batch, only []Bucket) {
	var ub, db []string
	var uk, uv, dk [][]byte
	take := func(b Bucket) {
		for _, v := range t.dirty[b] {
			if v.present {
				ub, uk, uv = append(ub, string(v.b)), append(uk, v.k), append(uv, v.v)
			} else {
				db, dk = append(db, string(v.b)), append(dk, v.k)
			}
		}
		delete(t.dirty, b)
	}
	if only == nil {
		for b := range t.dirty {
			take(b)
		}
	} else {
		for _, b := range only {
			take(b)
		}
	}
	if len(ub) > 0 {
		batch.Queue(`INSERT INTO latchkey_kv (bucket, key, value)
			SELECT * FROM unnest($1::text[], $2::bytea[], $3::bytea[])
			ON CONFLICT (bucket, key) DO UPDATE SET value = EXCLUDED.value`, ub, uk, uv)
	}
	if len(db) > 0 {
		batch.Queue(`DELETE FROM latchkey_kv k USING unnest($1::text[], $2::bytea[]) AS d(bucket, key)
			WHERE k.bucket = d.bucket AND k.key = d.key`, db, dk)
	}
}

// flush sends the unsent writes of bucket b, so the server's answer to a
// scan or a count includes them.
func (t *pgTx) flush(b Bucket) error {
	if len(t.dirty[b]) == 0 {
		return nil
	}
	batch := &pgx.Batch{}
	t.queueWrites(batch, []Bucket{b})
	t.flushed = true
	if err := t.conn.SendBatch(t.ctx, batch).Close(); err != nil {
		return t.fail(err)
	}
	return nil
}

func (t *pgTx) flushAll() error {
	if len(t.dirty) == 0 {
		return nil
	}
	batch := &pgx.Batch{}
	t.queueWrites(batch, nil)
	t.flushed = true
	if err := t.conn.SendBatch(t.ctx, batch).Close(); err != nil {
		return t.fail(err)
	}
	return nil
}

// commit sends what is unsent, the sequences, the change notice and the
// commit in one round trip.
func (t *pgTx) commit() error {
	if t.dbErr != nil {
		return t.dbErr
	}
	batch := &pgx.Batch{}
	wrote := len(t.dirty) > 0
	t.queueWrites(batch, nil)
	var names []string
	var ns []int64
	for b, s := range t.seqs {
		if s.dirty {
			names, ns = append(names, string(b)), append(ns, int64(s.n))
		}
	}
	if len(names) > 0 {
		wrote = true
		batch.Queue(`INSERT INTO latchkey_seq (bucket, n) SELECT * FROM unnest($1::text[], $2::bigint[])
			ON CONFLICT (bucket) DO UPDATE SET n = EXCLUDED.n`, names, ns)
	}
	if wrote || t.flushed {
		// Delivered to listeners only if the commit lands.
		batch.Queue(`SELECT pg_notify($1, $2)`, t.channel, strconv.FormatUint(t.announced, 10))
	}
	batch.Queue(`COMMIT`)
	t.commitSent = true
	return t.conn.SendBatch(t.ctx, batch).Close()
}

func (t *pgTx) loadSeq(b Bucket) (*pgSeq, error) {
	if s, ok := t.seqs[b]; ok {
		return s, nil
	}
	var n int64
	err := t.conn.QueryRow(t.ctx, `SELECT n FROM latchkey_seq WHERE bucket = $1`, string(b)).Scan(&n)
	if err != nil && err != pgx.ErrNoRows {
		return nil, t.fail(err)
	}
	s := &pgSeq{n: uint64(n)}
	t.seqs[b] = s
	return s, nil
}

func (t *pgTx) nextSeq(b Bucket) (uint64, error) {
	s, err := t.loadSeq(b)
	if err != nil {
		return 0, err
	}
	s.n++
	s.dirty = true
	return s.n, nil
}

func (t *pgTx) sequence(b Bucket) (uint64, error) {
	s, err := t.loadSeq(b)
	if err != nil {
		return 0, err
	}
	return s.n, nil
}

func (t *pgTx) setSequence(b Bucket, n uint64) error {
	s, err := t.loadSeq(b)
	if err != nil {
		return err
	}
	s.n, s.dirty = n, true
	return nil
}

func (t *pgTx) count(b Bucket) (int, error) {
	if err := t.flush(b); err != nil {
		return 0, err
	}
	var n int
	if err := t.conn.QueryRow(t.ctx, `SELECT count(*) FROM latchkey_kv WHERE bucket = $1`, string(b)).Scan(&n); err != nil {
		return 0, t.fail(err)
	}
	return n, nil
}

func (t *pgTx) buckets() ([]Bucket, error) {
	if err := t.flushAll(); err != nil {
		return nil, err
	}
	// A loose index scan: one probe per bucket, not one row per record.
	rows, err := t.conn.Query(t.ctx, `WITH RECURSIVE b(bucket) AS (
			SELECT min(bucket) FROM latchkey_kv
			UNION ALL
			SELECT (SELECT min(k.bucket) FROM latchkey_kv k WHERE k.bucket > b.bucket) FROM b WHERE b.bucket IS NOT NULL)
		SELECT bucket FROM b WHERE bucket IS NOT NULL
		UNION SELECT bucket FROM latchkey_seq ORDER BY 1`)
	if err != nil {
		return nil, t.fail(err)
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, t.fail(err)
	}
	out := make([]Bucket, len(names))
	for i, n := range names {
		out[i] = Bucket(n)
	}
	return out, nil
}

func (t *pgTx) drop(b Bucket) error {
	delete(t.dirty, b)
	for c, v := range t.known {
		if v.b == b {
			delete(t.known, c)
		}
	}
	delete(t.seqs, b)
	batch := &pgx.Batch{}
	t.flushed = true
	batch.Queue(`DELETE FROM latchkey_kv WHERE bucket = $1`, string(b))
	batch.Queue(`DELETE FROM latchkey_seq WHERE bucket = $1`, string(b))
	if err := t.conn.SendBatch(t.ctx, batch).Close(); err != nil {
		return t.fail(err)
	}
	return nil
}

// scan pages through the bucket in key order, a page per round trip, the
// page growing as the caller keeps reading: a screenful costs one query,
// a whole bucket a few hundred.
func (t *pgTx) scan(b Bucket, prefix, start []byte, reverse bool, fn func(k, v []byte) (bool, error)) error {
	if err := t.flush(b); err != nil {
		return err
	}
	var lower, upper []byte // bounds; lowerIncl/upperIncl say whether they include
	lowerIncl, upperIncl := true, false
	if !reverse {
		lower = prefix
		if start != nil {
			lower = start
		}
		upper = prefixEnd(prefix)
	} else {
		if len(prefix) > 0 {
			lower = prefix
		}
		upper = prefixEnd(prefix)
		if start != nil {
			upper, upperIncl = start, true
		}
	}
	page := 64
	for {
		q, args := scanQuery(b, lower, lowerIncl, upper, upperIncl, reverse, page)
		rows, err := t.conn.Query(t.ctx, q, args...)
		if err != nil {
			return t.fail(err)
		}
		type kv struct{ k, v []byte }
		var got []kv
		for rows.Next() {
			var r kv
			if err := rows.Scan(&r.k, &r.v); err != nil {
				rows.Close()
				return t.fail(err)
			}
			got = append(got, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return t.fail(err)
		}
		for _, r := range got {
			if !bytes.HasPrefix(r.k, prefix) {
				return nil
			}
			more, err := fn(r.k, r.v)
			if err != nil || !more {
				return err
			}
		}
		if len(got) < page {
			return nil
		}
		last := got[len(got)-1].k
		if reverse {
			upper, upperIncl = last, false
		} else {
			lower, lowerIncl = last, false
		}
		page = min(page*4, 4096)
		// Writes fn made to this bucket are sent before the next page.
		if err := t.flush(b); err != nil {
			return err
		}
	}
}

// scanQuery builds the query for one page of a scan.
func scanQuery(b Bucket, lower []byte, lowerIncl bool, upper []byte, upperIncl, reverse bool, limit int) (string, []any) {
	var sb strings.Builder
	sb.WriteString(`SELECT key, value FROM latchkey_kv WHERE bucket = $1`)
	args := []any{string(b)}
	if len(lower) > 0 || !lowerIncl {
		args = append(args, lower)
		op := ">="
		if !lowerIncl {
			op = ">"
		}
		fmt.Fprintf(&sb, " AND key %s $%d", op, len(args))
	}
	if upper != nil {
		args = append(args, upper)
		op := "<"
		if upperIncl {
			op = "<="
		}
		fmt.Fprintf(&sb, " AND key %s $%d", op, len(args))
	}
	if reverse {
		sb.WriteString(" ORDER BY key DESC")
	} else {
		sb.WriteString(" ORDER BY key")
	}
	args = append(args, limit)
	fmt.Fprintf(&sb, " LIMIT $%d", len(args))
	return sb.String(), args
}

func (t *pgTx) announce(seq uint64) { t.announced = max(t.announced, seq) }
