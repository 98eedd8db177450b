package postgis

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"reflect"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Read replicas (Config.ReadURL). The reads of records and boundaries go to
// a streaming replica when it is fresh enough; everything else stays on the
// primary: writes, the change feed (its reads and LISTEN), tokens, the audit
// trail and the tiles (a follower forgets a tile when the feed says so, and
// must not render it again from a replica that has not replayed the change).
//
// The rules, checked on every read:
//   - Read your writes: once this instance has written, or has learnt of a
//     change from the feed (which every instance follows), its reads go to
//     the primary until the replica has replayed the WAL up to the primary's
//     insert position read after that commit (pg_last_wal_replay_lsn() ≥
//     pg_current_wal_insert_lsn()). So a client that writes through one
//     instance and reads through another sees its write as soon as the
//     feed has reached that other instance (tens of milliseconds).
//   - Lag: every Config.ReplicaCheck a monitor reads the primary's insert
//     position and the replica's replay position. The lag is how long ago
//     the primary first passed the oldest position the replica has not
//     replayed (0 when it has replayed everything, also when idle); above
//     Config.ReplicaMaxLag the replica is skipped.
//   - Down: a replica whose last check failed, or is older than three
//     intervals, is skipped; a read that fails on it for want of a
//     connection (or for a recovery conflict) is marked down and retried on
//     the primary, so a replica going away costs no request.

// Defaults of the replica settings.
const (
	DefaultReplicaCheck  = 250 * time.Millisecond
	DefaultReplicaMaxLag = 2 * time.Second
)

// replica is the read pool of Config.ReadURL and what is known of it.
type replica struct {
	db       *sqlx.DB
	prepared preparedStatements
	check    time.Duration
	maxLag   time.Duration

	// written is the WAL position this instance's reads must see (an LSN
	// as a number): the latest after a write or a change learnt of.
	written atomic.Uint64
	state   atomic.Pointer[replicaState]

	stop chan struct{}
	done chan struct{}
}

// replicaState is the outcome of one check.
type replicaState struct {
	at      time.Time
	ok      bool // both servers answered and the replica is in recovery
	replay  uint64
	lag     time.Duration
	lastErr error
}

// ReplicaStatus says whether reads go to the replica now, and why not.
type ReplicaStatus struct {
	Configured bool
	// Usable: the replica answered the last check, recently, within the
	// lag limit. Serving: besides, it has replayed this instance's
	// latest write, so reads go to it now.
	Usable, Serving bool
	Lag             time.Duration
	CheckedAt       time.Time
	Err             error
	// Fallbacks counts the reads that failed on the replica and were
	// answered by the primary.
	Fallbacks int64
}

// ReplicaStatus reports the replica's last check.
func (s *Store) ReplicaStatus() ReplicaStatus {
	r := s.replica
	if r == nil {
		return ReplicaStatus{}
	}
	st := r.state.Load()
	out := ReplicaStatus{Configured: true, Fallbacks: s.replicaFallbacks.Load()}
	if st != nil {
		out.Usable = r.fresh(st, time.Now())
		out.Serving = out.Usable && st.replay >= r.written.Load()
		out.Lag, out.CheckedAt, out.Err = st.lag, st.at, st.lastErr
	}
	return out
}

func openReplica(ctx context.Context, cfg Config) (*replica, error) {
	rcfg := cfg
	rcfg.URL = cfg.ReadURL
	db, err := openDB(rcfg, nil)
	if err != nil {
		return nil, fmt.Errorf("postgis: read URL: %w", err)
	}
	hot, err := openDB(rcfg, map[string]string{"plan_cache_mode": "force_generic_plan"})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("postgis: read URL: %w", err)
	}
	r := &replica{db: db, prepared: preparedStatements{db: hot}, check: cfg.ReplicaCheck, maxLag: cfg.ReplicaMaxLag,
		stop: make(chan struct{}), done: make(chan struct{})}
	if r.check <= 0 {
		r.check = DefaultReplicaCheck
	}
	if r.maxLag <= 0 {
		r.maxLag = DefaultReplicaMaxLag
	}
	return r, nil
}

// start runs the monitor over primary until close.
func (r *replica) start(primary *sqlx.DB) {
	go func() {
		defer close(r.done)
		var samples []lsnSample
		t := time.NewTicker(r.check)
		defer t.Stop()
		for {
			samples = r.probe(primary, samples)
			select {
			case <-r.stop:
				return
			case <-t.C:
			}
		}
	}()
}

func (r *replica) close() error {
	close(r.stop)
	<-r.done
	return errors.Join(r.prepared.close(), r.db.Close())
}

// lsnSample is when the primary's insert position was first seen at lsn.
type lsnSample struct {
	at  time.Time
	lsn uint64
}

// maxSamples bounds the positions kept while a replica is stuck; the
// oldest unreplayed one, which sets the lag, is always kept.
const maxSamples = 1024

// probe checks both servers once and publishes the state; samples are the
// primary positions not yet replayed, oldest first.
func (r *replica) probe(primary *sqlx.DB, samples []lsnSample) []lsnSample {
	ctx, cancel := context.WithTimeout(context.Background(), max(r.check, time.Second))
	defer cancel()
	now := time.Now()
	st := &replicaState{at: now}
	defer func() { r.state.Store(st) }()
	var p string
	if err := primary.QueryRowContext(ctx, `SELECT pg_current_wal_insert_lsn()::text`).Scan(&p); err != nil {
		st.lastErr = fmt.Errorf("postgis: primary position: %w", err)
		return samples
	}
	var recovering bool
	var rp *string
	if err := r.db.QueryRowContext(ctx, `SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()::text`).Scan(&recovering, &rp); err != nil {
		st.lastErr = fmt.Errorf("postgis: replica position: %w", err)
		return samples
	}
	if !recovering || rp == nil {
		st.lastErr = errors.New("postgis: the read URL is not a replica in recovery")
		return samples
	}
	pl, err1 := parseLSN(p)
	rl, err2 := parseLSN(*rp)
	if err := errors.Join(err1, err2); err != nil {
		st.lastErr = err
		return samples
	}
	if len(samples) == 0 || pl > samples[len(samples)-1].lsn {
		if len(samples) < maxSamples {
			samples = append(samples, lsnSample{now, pl})
		}
	}
	k := 0
	for k < len(samples) && samples[k].lsn <= rl {
		k++
	}
	samples = samples[k:]
	st.ok, st.replay = true, rl
	if len(samples) > 0 {
		st.lag = now.Sub(samples[0].at)
	}
	return samples
}

// fresh reports whether st lets reads go to the replica at now, apart from
// read-your-writes.
func (r *replica) fresh(st *replicaState, now time.Time) bool {
	return st != nil && st.ok && now.Sub(st.at) <= 3*r.check && st.lag <= r.maxLag
}

// usable reports whether a read may go to the replica now.
func (r *replica) usable() bool {
	st := r.state.Load()
	return r.fresh(st, time.Now()) && st.replay >= r.written.Load()
}

// markDown keeps reads off the replica until the next check succeeds.
func (r *replica) markDown(err error) {
	r.state.Store(&replicaState{at: time.Now(), lastErr: err})
}

// wrote raises the position reads must see to lsn.
func (r *replica) wrote(lsn uint64) {
	for {
		cur := r.written.Load()
		if lsn <= cur || r.written.CompareAndSwap(cur, lsn) {
			return
		}
	}
}

// parseLSN reads a pg_lsn's text, "16/B374D848".
func parseLSN(s string) (uint64, error) {
	hi, lo, ok := strings.Cut(s, "/")
	h, err1 := strconv.ParseUint(hi, 16, 32)
	l, err2 := strconv.ParseUint(lo, 16, 32)
	if !ok || err1 != nil || err2 != nil {
		return 0, fmt.Errorf("postgis: bad LSN %q", s)
	}
	return h<<32 | l, nil
}

// afterWrite makes this instance's reads wait for the commit just made:
// a round trip to the primary, only when there is a replica.
func (s *Store) afterWrite(ctx context.Context) {
	if s.replica == nil {
		return
	}
	var p string
	if err := s.db.QueryRowContext(ctx, `SELECT pg_current_wal_insert_lsn()::text`).Scan(&p); err != nil {
		// Position unknown: keep reads off the replica until it is.
		s.replica.markDown(fmt.Errorf("postgis: position after a write: %w", err))
		return
	}
	if lsn, err := parseLSN(p); err == nil {
		s.replica.wrote(lsn)
	}
}

// reader is what the read methods query: the replica when usable, else the
// primary.
type reader struct{ s *Store }

// reads returns the routing reader of the store's read methods.
func (s *Store) reads() reader { return reader{s} }

func (q reader) SelectContext(ctx context.Context, dest any, query string, args ...any) error {
	return q.s.routed(ctx, dest, func(db *sqlx.DB, _ *preparedStatements) error {
		return db.SelectContext(ctx, dest, query, args...)
	})
}

func (q reader) GetContext(ctx context.Context, dest any, query string, args ...any) error {
	return q.s.routed(ctx, dest, func(db *sqlx.DB, _ *preparedStatements) error {
		return db.GetContext(ctx, dest, query, args...)
	})
}

// routed runs fn on the replica when it is usable and, when that fails for
// want of the replica, again on the primary (dest, a slice, emptied first).
func (s *Store) routed(ctx context.Context, dest any, fn func(db *sqlx.DB, prepared *preparedStatements) error) error {
	r := s.replica
	if r == nil || !r.usable() {
		return fn(s.db, &s.prepared)
	}
	err := fn(r.db, &r.prepared)
	if err == nil || ctx.Err() != nil || !replicaUnavailable(err) {
		return err
	}
	r.markDown(err)
	s.replicaFallbacks.Add(1)
	if v := reflect.ValueOf(dest); dest != nil && v.Kind() == reflect.Pointer && v.Elem().Kind() == reflect.Slice {
		v.Elem().SetLen(0)
	}
	return fn(s.db, &s.prepared)
}

// replicaUnavailable reports whether err says the replica could not answer
// (no connection, shutting down, starting, a recovery conflict) rather than
// that the query is wrong; such a read is retried on the primary.
func replicaUnavailable(err error) bool {
	var pe *pq.Error
	if errors.As(err, &pe) {
		class := string(pe.Code.Class())
		return class == "08" || class == "57" || pe.Code == "40001"
	}
	var ne net.Error
	return errors.Is(err, driver.ErrBadConn) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.As(err, &ne)
}
