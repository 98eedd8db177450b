package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/debug"
	"time"

	"github.com/serasi/serasi/geodata"
	"github.com/serasi/serasi/graph"
	"github.com/serasi/serasi/internal/dataset"
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
}

// runServe runs the API until ctx is cancelled (SIGINT/SIGTERM), then shuts
// down gracefully.
//
//	serasi serve [--addr :8080] [--database-url URL] [--migrate] [--projects FILE]
//
// Flags fall back to the environment: SERASI_ADDR, DATABASE_URL.
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
	fs.DurationVar(&c.http.RequestTimeout, "request-timeout", server.DefaultRequestTimeout, "deadline of each request")
	fs.IntVar(&c.pg.MaxOpenConns, "db-max-open", 0, "PostGIS pool size (default 2 × CPUs)")
	fs.IntVar(&c.pg.MaxIdleConns, "db-max-idle", 0, "idle PostGIS connections kept (default the pool size)")
	fs.DurationVar(&c.pg.StatementTimeout, "db-statement-timeout", 10*time.Second, "PostGIS statement timeout (0: none)")
	fs.DurationVar(&c.pg.ConnectRetry, "db-connect-retry", 30*time.Second, "how long to keep retrying the first connection")
	fs.BoolVar(&c.migrate, "migrate", false, "apply PostGIS migrations before serving")
	fs.StringVar(&c.projects, "projects", "",
		"embedded store only: also load the projects of this file (from 'serasi generate'), for benchmarks")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("serve: unexpected arguments %q", fs.Args())
	}
	c.pg.URL = c.databaseURL
	if os.Getenv("GOGC") == "" {
		// The live heap is small (a few MB embedded, ~100 MB with 100,000
		// benchmark projects) while each request allocates ~20 KB: fewer GC
		// cycles buy ~1.7x throughput on 2 cores (scripts/load/run) for some
		// memory. GOGC in the environment still wins.
		debug.SetGCPercent(400)
	}

	logger := slog.New(slog.NewJSONHandler(stderr, nil))
	st, kind, err := openStore(ctx, c)
	if err != nil {
		return err
	}
	defer st.Close()
	logger.Info("store opened", "store", kind)

	c.http.Addr = c.addr
	return server.New(c.http, st, logger).Run(ctx)
}

// openStore is the one place that chooses the store: PostGIS when a
// database URL is given, else the data embedded in the binary.
func openStore(ctx context.Context, c serveConfig) (store.Store, string, error) {
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
	return memory.NewFromDataset(ds), "memory", nil
}

func envOr(key, fallback string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return fallback
}
