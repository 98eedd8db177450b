// Package postgis is the PostgreSQL/PostGIS store: it answers store.Store
// with SQL over the schema in migrations/, and answers exactly as the memory
// store does (store/storetest holds the suite both pass).
//
// Geometries cross the wire as WKB, read with ST_AsBinary and written with
// ST_GeomFromWKB. Every value from a caller is a bind parameter; the only SQL
// assembled at run time comes from fixed fragments in this package.
package postgis

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/sethvargo/go-retry"

	"github.com/serasi/serasi/internal/store"
)

var _ store.Store = (*Store)(nil)

// Config says how to reach the database. Zero fields take the defaults
// documented on each.
type Config struct {
	// URL is a lib/pq connection string: postgres://user@host:port/db?sslmode=disable
	// or "host=... dbname=...".
	URL string
	// MaxOpenConns caps each of the two pools (the second serves the
	// prepared hot queries); default 2 × the number of CPUs.
	MaxOpenConns int
	// MaxIdleConns is how many idle connections are kept; default MaxOpenConns.
	MaxIdleConns int
	// ConnMaxLifetime recycles connections; default 30 minutes.
	ConnMaxLifetime time.Duration
	// StatementTimeout makes the server cancel any statement that runs
	// longer (set per connection as the statement_timeout run-time
	// parameter); zero means no limit.
	StatementTimeout time.Duration
	// ConnectRetry is how long Open keeps trying to reach the database,
	// with exponential backoff, before it gives up; zero tries once. It
	// covers a database that starts after the API (containers, CI).
	ConnectRetry time.Duration
	// ChangeRetention is how long change_log keeps a change; default
	// store.DefaultChangeRetention. Each write drops the older ones.
	ChangeRetention time.Duration
	// ReadURL, when set, names a streaming replica of URL that serves the
	// reads of records and boundaries (see replica.go for the rules); the
	// pool settings above apply to it too.
	ReadURL string
	// ReplicaCheck is how often the replica's replay position is checked;
	// default DefaultReplicaCheck.
	ReplicaCheck time.Duration
	// ReplicaMaxLag is the lag beyond which reads leave the replica for the
	// primary; default DefaultReplicaMaxLag.
	ReplicaMaxLag time.Duration
}

// Store is the PostGIS store. It is safe for concurrent use.
type Store struct {
	// Flow gives the store.Writer record methods and ApplyBatch (one
	// PostgreSQL transaction): the one write flow over Update.
	*store.Flow

	db       *sqlx.DB
	prepared preparedStatements
	// writeStmts are the statements every write runs, prepared on db (see
	// pgTx.prepared).
	writeStmts preparedStatements
	cfg        Config // for the LISTEN connection and the feed's retention
	// lastPrune is when a write last dropped changes past retention (unix ns).
	lastPrune atomic.Int64
	// replica is the read pool of cfg.ReadURL; nil without one.
	replica *replica
	// replicaFallbacks counts reads retried on the primary.
	replicaFallbacks atomic.Int64
	// noFeed skips the change feed's insert: only tests set it, to measure
	// what the feed costs (BenchmarkWriteFeed).
	noFeed bool
}

// Backoff between connection attempts: 100 ms doubling up to 2 s.
const (
	retryFirst = 100 * time.Millisecond
	retryCap   = 2 * time.Second
)

// Open connects to the database in cfg and checks that it answers. It does
// not migrate: run Migrate (serasi migrate) first.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	db, err := openDB(cfg, nil)
	if err != nil {
		return nil, err
	}
	if err := connect(ctx, db, cfg.ConnectRetry); err != nil {
		db.Close()
		return nil, err
	}
	// The pool of the prepared hot queries plans them once: see
	// preparedStatements. Its connections open on first use.
	hot, err := openDB(cfg, map[string]string{"plan_cache_mode": "force_generic_plan"})
	if err != nil {
		db.Close()
		return nil, err
	}
	s := &Store{db: db, prepared: preparedStatements{db: hot}, writeStmts: preparedStatements{db: db}, cfg: cfg}
	s.Flow = store.NewFlow(s)
	if cfg.ReadURL != "" {
		// A replica that does not answer yet is no reason to refuse to
		// start: reads stay on the primary until its first good check.
		if s.replica, err = openReplica(ctx, cfg); err != nil {
			s.Close()
			return nil, err
		}
		// Nor does a new instance read older data than the primary holds
		// as it starts (a database just seeded, say).
		s.afterWrite(ctx)
		s.replica.start(db)
	}
	return s, nil
}

// openDB opens a pool on cfg; params adds run-time parameters to every
// connection (those in cfg.URL win).
func openDB(cfg Config, params map[string]string) (*sqlx.DB, error) {
	if cfg.URL == "" {
		return nil, errors.New("postgis: no database URL")
	}
	pcfg, err := pq.NewConfig(cfg.URL)
	if err != nil {
		return nil, fmt.Errorf("postgis: database URL: %w", err)
	}
	if pcfg.Runtime == nil {
		pcfg.Runtime = map[string]string{}
	}
	for k, v := range params {
		if _, ok := pcfg.Runtime[k]; !ok {
			pcfg.Runtime[k] = v
		}
	}
	if cfg.StatementTimeout > 0 {
		ms := max(cfg.StatementTimeout.Milliseconds(), 1)
		pcfg.Runtime["statement_timeout"] = strconv.FormatInt(ms, 10)
	}
	// PostGIS functions carry large planner costs (ST_DWithin 10,000), so
	// ordinary lookups cross jit_above_cost and each pays milliseconds of
	// JIT compilation for a sub-millisecond query; generic plans of
	// prepared statements, which guess 10% of the rows for LIMIT $n, do so
	// most often. No query of this store runs long enough to win it back.
	if _, ok := pcfg.Runtime["jit"]; !ok {
		pcfg.Runtime["jit"] = "off"
	}
	// Binary parameters let lib/pq send a parameterised query in one round
	// trip (no separate Parse/Describe), and WKB binds travel as raw bytea.
	pcfg.BinaryParameters = true
	if _, ok := pcfg.Runtime["application_name"]; !ok && pcfg.ApplicationName == "" {
		pcfg.ApplicationName = "serasi"
	}
	connector, err := pq.NewConnectorConfig(pcfg)
	if err != nil {
		return nil, fmt.Errorf("postgis: database URL: %w", err)
	}
	db := sqlx.NewDb(sql.OpenDB(connector), "postgres")

	maxOpen := cfg.MaxOpenConns
	if maxOpen <= 0 {
		maxOpen = 2 * runtime.NumCPU()
	}
	maxIdle := cfg.MaxIdleConns
	if maxIdle <= 0 {
		maxIdle = maxOpen
	}
	life := cfg.ConnMaxLifetime
	if life <= 0 {
		life = 30 * time.Minute
	}
	db.SetMaxOpenConns(maxOpen)
	db.SetMaxIdleConns(maxIdle)
	db.SetConnMaxLifetime(life)
	return db, nil
}

// connect pings db until it answers or the retry window closes.
func connect(ctx context.Context, db *sqlx.DB, window time.Duration) error {
	if window <= 0 {
		if err := db.PingContext(ctx); err != nil {
			return fmt.Errorf("postgis: connect: %w", err)
		}
		return nil
	}
	// The deadline also bounds an attempt that hangs (a host that drops packets).
	ctx, cancel := context.WithTimeout(ctx, window)
	defer cancel()
	backoff := retry.WithMaxDuration(window, retry.WithCappedDuration(retryCap, retry.NewExponential(retryFirst)))
	var last error
	err := retry.Do(ctx, backoff, func(ctx context.Context) error {
		if err := db.PingContext(ctx); err != nil {
			last = err
			return retry.RetryableError(err)
		}
		return nil
	})
	if err != nil {
		if last != nil {
			err = last
		}
		return fmt.Errorf("postgis: connect: gave up after %s: %w", window, err)
	}
	return nil
}

// DB returns the connection pool, for migrations, seeding and tests.
func (s *Store) DB() *sqlx.DB { return s.db }

// Ping reports whether the primary answers. A replica that does not is no
// reason to be unready: reads then go to the primary (ReplicaStatus).
func (s *Store) Ping(ctx context.Context) error {
	if err := s.db.PingContext(ctx); err != nil {
		return fmt.Errorf("postgis: ping: %w", err)
	}
	return nil
}

// Close closes the prepared statements and the connection pool.
func (s *Store) Close() error {
	var rerr error
	if s.replica != nil {
		rerr = s.replica.close()
	}
	return errors.Join(rerr, s.prepared.close(), s.writeStmts.closeStmts(), s.db.Close())
}
