package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	rtmetrics "runtime/metrics"
	"strconv"
	"time"

	"github.com/serasi/serasi/geodata"
	"github.com/serasi/serasi/graph"
	"github.com/serasi/serasi/internal/changefeed"
	"github.com/serasi/serasi/internal/dataset"
	"github.com/serasi/serasi/internal/httpx"
	"github.com/serasi/serasi/internal/logging"
	"github.com/serasi/serasi/internal/metrics"
	"github.com/serasi/serasi/internal/server"
	"github.com/serasi/serasi/internal/store"
	"github.com/serasi/serasi/internal/store/memory"
	"github.com/serasi/serasi/internal/store/postgis"
)

// serveConfig is what serve reads from its flags and the environment.
type serveConfig struct {
	http        server.Config
	addr        string
	databaseURL string
	pg          postgis.Config
	migrate     bool   // apply migrations at start (PostGIS)
	projects    string // extra projects file for the embedded store (benchmarks)
	// dataDir is where the embedded store keeps its writes; "" or
	// ephemeral keeps everything in memory, lost at exit.
	dataDir   string
	ephemeral bool
	// debugAddr, when set, serves net/http/pprof there (never on the API
	// listener: profiles reveal internals and cost CPU), and /metrics.
	debugAddr string
	// metricsAddr, when set, serves the Prometheus metrics at /metrics.
	metricsAddr string
	// changeRetention is how long the store's change feed keeps a change.
	changeRetention time.Duration
}

// runServe runs the API until ctx is cancelled (SIGINT/SIGTERM), then shuts
// down gracefully.
//
//	serasi serve [--addr :8080] [--database-url URL] [--database-read-url URL] [--migrate]
//	             [--data-dir DIR | --ephemeral] [--require-token-for-reads] [--projects FILE]
//	             [--debug-addr 127.0.0.1:6060] [--metrics-addr 127.0.0.1:9090] [--cors-origins https://a.example,https://b.example]
//
// Flags fall back to the environment: SERASI_ADDR, DATABASE_URL, DATABASE_READ_URL,
// SERASI_DATA_DIR, SERASI_REQUIRE_TOKEN, SERASI_DEBUG_ADDR, SERASI_METRICS_ADDR,
// SERASI_CORS_ORIGINS.
func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var c serveConfig
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.addr, "addr", envOr("SERASI_ADDR", server.DefaultAddr), "listen address (env SERASI_ADDR)")
	fs.StringVar(&c.databaseURL, "database-url", os.Getenv("DATABASE_URL"),
		"PostGIS connection string (env DATABASE_URL); empty serves the embedded data")
	fs.IntVar(&c.http.GraphQL.MaxDepth, "max-depth", graph.DefaultMaxDepth, "deepest selection nesting a query may have")
	fs.IntVar(&c.http.GraphQL.MaxComplexity, "max-complexity", graph.DefaultMaxComplexity, "highest cost a query may have (see graph/complexity.go)")
	fs.BoolVar(&c.http.GraphQL.DisableIntrospection, "no-introspection", false, "turn off GraphQL introspection")
	fs.Int64Var(&c.http.MaxBodyBytes, "max-body-bytes", server.DefaultMaxBodyBytes, "largest request body accepted (413 past it)")
	fs.DurationVar(&c.http.RequestTimeout, "request-timeout", server.DefaultRequestTimeout, "deadline of each request")
	fs.DurationVar(&c.http.ShutdownTimeout, "shutdown-timeout", server.DefaultShutdownTimeout,
		"on SIGTERM, how long requests in flight may finish before the server gives up on them (and exits non-zero)")
	fs.DurationVar(&c.http.ShutdownDelay, "shutdown-delay", 0,
		"on SIGTERM, keep serving this long with /readyz answering 503 before closing the listener (for a load balancer to notice)")
	fs.StringVar(&c.pg.ReadURL, "database-read-url", os.Getenv("DATABASE_READ_URL"),
		"PostGIS streaming replica that serves reads (env DATABASE_READ_URL); writes, the change feed, tokens and tiles stay on --database-url")
	fs.DurationVar(&c.pg.ReplicaMaxLag, "replica-max-lag", postgis.DefaultReplicaMaxLag,
		"reads leave the replica for the primary while it is further behind than this")
	fs.DurationVar(&c.pg.ReplicaCheck, "replica-check", postgis.DefaultReplicaCheck,
		"how often the replica's replay position and lag are checked")
	fs.IntVar(&c.pg.MaxOpenConns, "db-max-open", 0, "PostGIS pool size (default 2 × CPUs)")
	fs.IntVar(&c.pg.MaxIdleConns, "db-max-idle", 0, "idle PostGIS connections kept (default the pool size)")
	fs.DurationVar(&c.pg.StatementTimeout, "db-statement-timeout", 10*time.Second, "PostGIS statement timeout (0: none)")
	fs.DurationVar(&c.pg.ConnectRetry, "db-connect-retry", 30*time.Second, "how long to keep retrying the first connection")
	fs.BoolVar(&c.migrate, "migrate", false, "apply PostGIS migrations before serving")
	fs.IntVar(&c.http.TileCacheSize, "tile-cache", 4096, "vector tiles kept in memory (plain and gzipped count apart); -1 renders every request, for measurements")
	mapCopy := fs.Bool("map-copy", true, "answer tiles, OGC API and /geojson from an in-process copy of the map layers kept fresh by the change feed (false: query the store each time)")
	fs.BoolVar(&c.http.CopyInProcess, "map-copy-embedded", false,
		"embedded store: also answer tiles, OGC API and /geojson from a copy of the map layers, as on PostGIS (about 3 KB more per project)")
	fs.StringVar(&c.projects, "projects", "",
		"embedded store only, with --ephemeral: also load the projects of this file (from 'serasi generate'), for benchmarks")
	fs.StringVar(&c.dataDir, "data-dir", envOr("SERASI_DATA_DIR", DefaultDataDir),
		"embedded store: the directory its writes are kept in, created if missing (env SERASI_DATA_DIR); \"\" is --ephemeral")
	fs.BoolVar(&c.ephemeral, "ephemeral", false, "embedded store: keep writes in memory only, lost at exit")
	fs.IntVar(&c.http.GraphQL.MaxTokens, "max-tokens", graph.DefaultMaxTokens, "most lexical tokens a GraphQL document may have")
	fs.IntVar(&c.http.GraphQL.MaxFields, "max-fields", graph.DefaultMaxFields, "most fields a GraphQL document may select, fragments counted each time they are spread")
	corsOrigins := fs.String("cors-origins", os.Getenv("SERASI_CORS_ORIGINS"),
		"comma-separated origins (scheme://host[:port]) whose pages may send tokens, or * for any (env SERASI_CORS_ORIGINS); any origin may read without one")
	fs.DurationVar(&c.http.CORS.MaxAge, "cors-max-age", httpx.DefaultCORSMaxAge, "how long browsers may keep a CORS preflight answer")
	fs.Float64Var(&c.http.RateLimit.PerToken, "rate-limit-token", 0, "requests per second each bearer token may send (token bucket, 429 past it); 0: no limit")
	fs.IntVar(&c.http.RateLimit.TokenBurst, "rate-limit-token-burst", 0, "requests a token may send at once (default: 2 s worth)")
	fs.Float64Var(&c.http.RateLimit.PerIP, "rate-limit-ip", 0, "requests per second each client IP may send without a token; 0: no limit")
	fs.IntVar(&c.http.RateLimit.IPBurst, "rate-limit-ip-burst", 0, "requests an IP may send at once (default: 2 s worth)")
	fs.StringVar(&c.debugAddr, "debug-addr", os.Getenv("SERASI_DEBUG_ADDR"),
		"serve Go's pprof profiles on this separate address, e.g. 127.0.0.1:6060 (env SERASI_DEBUG_ADDR); empty: off")
	fs.StringVar(&c.metricsAddr, "metrics-addr", os.Getenv("SERASI_METRICS_ADDR"),
		"serve Prometheus metrics at /metrics on this separate address, e.g. 127.0.0.1:9090 (env SERASI_METRICS_ADDR); also on --debug-addr; empty: off")
	fs.DurationVar(&c.http.ChangePoll, "change-poll", changefeed.DefaultPoll,
		"how often to read the change feed besides its wake-ups: the most a lost notification delays other instances' writes in this one's tiles")
	fs.DurationVar(&c.changeRetention, "change-retention", store.DefaultChangeRetention,
		"how long the change feed keeps a change (PostGIS change_log, the data directory's feed)")
	fs.IntVar(&c.http.Subscriptions.PerConn, "max-subscriptions-per-conn", server.DefaultSubscriptionsPerConn,
		"GraphQL subscriptions one WebSocket may hold at once (TOO_MANY_REQUESTS past it)")
	fs.IntVar(&c.http.Subscriptions.Max, "max-subscriptions", changefeed.DefaultMaxSubscribers,
		"GraphQL subscriptions this instance holds at once, over every connection (TOO_MANY_REQUESTS past it)")
	fs.IntVar(&c.http.Subscriptions.Buffer, "subscription-buffer", changefeed.DefaultBuffer,
		"changes a subscriber may fall behind before it is dropped (WebSocket close 4001, or a last UNAVAILABLE event on SSE)")
	fs.DurationVar(&c.http.Subscriptions.Ping, "subscription-ping", server.DefaultSubscriptionPing,
		"how often subscription streams are pinged (graphql-transport-ws ping, SSE comment); a WebSocket without a pong within twice that is closed; -1ns: never")
	requireToken, err := envBool("SERASI_REQUIRE_TOKEN")
	if err != nil {
		return err
	}
	fs.BoolVar(&c.http.RequireTokenForReads, "require-token-for-reads", requireToken,
		"every data request needs a valid bearer token, of any role (env SERASI_REQUIRE_TOKEN=true)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if c.dataDir == "" {
		c.ephemeral = true
	}
	c.http.NoMapCopy = !*mapCopy
	if c.http.CORS.Origins, err = httpx.ParseOrigins(*corsOrigins); err != nil {
		return fmt.Errorf("serve: --cors-origins: %w", err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("serve: unexpected arguments %q", fs.Args())
	}
	c.pg.URL = c.databaseURL
	if c.pg.ReadURL != "" && c.pg.URL == "" {
		return fmt.Errorf("serve: --database-read-url needs --database-url (the primary)")
	}
	if c.changeRetention <= 0 {
		return fmt.Errorf("serve: --change-retention must be positive")
	}
	c.pg.ChangeRetention = c.changeRetention
	tuneGC := os.Getenv("GOGC") == ""
	if tuneGC {
		// The live heap is small (a few MB embedded, ~100 MB with 100,000
		// benchmark projects) while each request allocates ~20 KB: fewer GC
		// cycles buy ~1.7x throughput on 2 cores (scripts/load/run) for some
		// memory. GOGC in the environment still wins. Once the store is
		// open the percent is bounded by the heap it holds (gcPercent).
		debug.SetGCPercent(maxGCPercent)
	}

	logs := logging.New(stderr, 0)
	defer logs.Close()
	logger := logs.Logger
	c.http.AccessLog = logs.Access
	st, kind, err := openStore(ctx, c)
	if err != nil {
		return err
	}
	defer st.Close()
	logger.Info("store opened", "store", kind, "require_token_for_reads", c.http.RequireTokenForReads)
	if tuneGC {
		runtime.GC()
		live := liveHeap()
		pct := gcPercent(live)
		debug.SetGCPercent(pct)
		logger.Info("gc", "live_heap_mb", live>>20, "gogc", pct)
	}

	var metricsHandler http.Handler
	if c.metricsAddr != "" || c.debugAddr != "" {
		m := metrics.New()
		if pg, ok := st.(*postgis.Store); ok {
			m.RegisterDB(pg.DB().DB)
		}
		c.http.Metrics = m
		metricsHandler = m.Handler()
	}
	if c.metricsAddr != "" {
		_, stop, err := serveMetrics(ctx, c.metricsAddr, metricsHandler, logger)
		if err != nil {
			return err
		}
		defer stop()
	}
	if c.debugAddr != "" {
		_, stop, err := serveDebug(ctx, c.debugAddr, metricsHandler, logger)
		if err != nil {
			return err
		}
		defer stop()
	}
	c.http.Addr = c.addr
	return server.New(c.http, st, logger).Run(ctx)
}

// DefaultDataDir is where the embedded store keeps its writes unless told
// otherwise, relative to the working directory.
const DefaultDataDir = "./serasi-data"

// openStore is the one place that chooses the store: PostGIS when a
// database URL is given, else the data embedded in the binary, with its
// writes in the data directory (or in memory only, when ephemeral). The
// kind it returns is logged.
func openStore(ctx context.Context, c serveConfig) (store.ReadWriter, string, error) {
	if c.databaseURL != "" {
		if c.projects != "" {
			return nil, "", fmt.Errorf("serve: --projects is for the embedded store; load them into PostGIS with 'serasi seed --projects'")
		}
		st, err := postgis.Open(ctx, c.pg)
		if err != nil {
			return nil, "", fmt.Errorf("serve: open PostGIS: %w", err)
		}
		if c.migrate {
			if err := postgis.Migrate(ctx, st.DB().DB, "up"); err != nil {
				st.Close()
				return nil, "", fmt.Errorf("serve: migrate: %w", err)
			}
		}
		cur, latest, err := postgis.SchemaVersion(ctx, st.DB().DB)
		if err != nil {
			st.Close()
			return nil, "", fmt.Errorf("serve: read schema version: %w", err)
		}
		if cur != latest {
			st.Close()
			return nil, "", fmt.Errorf("serve: database schema is at version %d, this binary needs %d: run 'serasi migrate up' or serve with --migrate", cur, latest)
		}
		return st, "postgis", nil
	}
	if !c.ephemeral {
		if c.projects != "" {
			return nil, "", fmt.Errorf("serve: --projects loads benchmark projects into memory only: add --ephemeral")
		}
		st, err := memory.Open(geodata.FS, c.dataDir)
		if err != nil {
			return nil, "", fmt.Errorf("serve: %w (is another serasi using %s?)", err, c.dataDir)
		}
		st.SetChangeRetention(c.changeRetention)
		abs, _ := filepath.Abs(c.dataDir)
		return st, "memory, data in " + abs, nil
	}
	ds, err := dataset.Load(geodata.FS)
	if err != nil {
		return nil, "", fmt.Errorf("serve: load embedded data: %w", err)
	}
	if c.projects != "" {
		f, err := os.Open(c.projects)
		if err != nil {
			return nil, "", fmt.Errorf("serve: %w", err)
		}
		extra, err := ds.LoadProjects(f)
		f.Close()
		if err != nil {
			return nil, "", fmt.Errorf("serve: %s: %w", c.projects, err)
		}
		ds.Projects = append(ds.Projects, extra...)
	}
	st := memory.NewFromDataset(ds)
	st.SetChangeRetention(c.changeRetention)
	return st, "memory, ephemeral", nil
}

// envBool reads a boolean environment variable; unset is false.
func envBool(key string) (bool, error) {
	v := os.Getenv(key)
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, fmt.Errorf("%s=%q is not a boolean (true/false)", key, v)
	}
	return b, nil
}

func envOr(key, fallback string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return fallback
}

// The GC percent serve runs with unless GOGC is set: few cycles while the
// heap is small, but never more than gcHeadroom of garbage on top of the
// live heap. The national boundaries make the live heap large enough that
// maxGCPercent alone let a server under load grow past the memory target
// for no CPU it saved (README, National scale).
const (
	maxGCPercent = 400
	minGCPercent = 25
	gcHeadroom   = 384 << 20
)

// gcPercent is the GC percent for a live heap of live bytes.
func gcPercent(live uint64) int {
	if live == 0 {
		return maxGCPercent
	}
	return int(max(minGCPercent, min(maxGCPercent, gcHeadroom*100/live)))
}

// liveHeap is the heap the last GC cycle marked live, in bytes.
func liveHeap() uint64 {
	s := []rtmetrics.Sample{{Name: "/gc/heap/live:bytes"}}
	rtmetrics.Read(s)
	if s[0].Value.Kind() != rtmetrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}
