package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/serasi/serasi/geodata"
	"github.com/serasi/serasi/internal/server"
	"github.com/serasi/serasi/internal/store"
	"github.com/serasi/serasi/internal/store/memory"
	"github.com/serasi/serasi/internal/store/postgis"
)

// runServe runs the API until ctx is cancelled (SIGINT/SIGTERM), then shuts
// down gracefully.
//
//	serasi serve [--addr :8080] [--database-url URL]
//
// Flags fall back to the environment: SERASI_ADDR, DATABASE_URL.
func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", envOr("SERASI_ADDR", server.DefaultAddr), "listen address (env SERASI_ADDR)")
	dbURL := fs.String("database-url", os.Getenv("DATABASE_URL"),
		"PostGIS connection string (env DATABASE_URL); empty serves the embedded data")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("serve: unexpected arguments %q", fs.Args())
	}

	logger := slog.New(slog.NewJSONHandler(stderr, nil))
	st, kind, err := openStore(ctx, *dbURL)
	if err != nil {
		return err
	}
	defer st.Close()
	logger.Info("store opened", "store", kind)

	return server.New(server.Config{Addr: *addr}, st, logger).Run(ctx)
}

// openStore is the one place that chooses the store: PostGIS when a
// database URL is given, else the data embedded in the binary.
func openStore(ctx context.Context, databaseURL string) (store.Store, string, error) {
	if databaseURL != "" {
		st, err := postgis.Open(ctx, postgis.Config{URL: databaseURL, ConnectRetry: 30 * time.Second})
		if err != nil {
			return nil, "", fmt.Errorf("serve: open PostGIS: %w", err)
		}
		return st, "postgis", nil
	}
	st, err := memory.New(geodata.FS)
	if err != nil {
		return nil, "", fmt.Errorf("serve: load embedded data: %w", err)
	}
	return st, "memory", nil
}

func envOr(key, fallback string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return fallback
}
