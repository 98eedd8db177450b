// Package postgistest gives tests a PostGIS database of their own on the
// server named by TEST_DATABASE_URL (scripts/pgtest starts one):
//
//	scripts/pgtest run -- go test ./...
//
// Without TEST_DATABASE_URL a test that needs the database is skipped, except
// under CI=true, where it fails: CI must never pass by skipping PostGIS.
package postgistest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/lib/pq"

	"github.com/serasi/serasi/geodata"
	"github.com/serasi/serasi/internal/dataset"
	"github.com/serasi/serasi/internal/store/postgis"
)

// EnvURL is the variable holding the URL of the test server's database.
const EnvURL = "TEST_DATABASE_URL"

// URL returns TEST_DATABASE_URL, or skips the test (fails it under CI=true)
// when it is not set.
func URL(t testing.TB) string {
	t.Helper()
	u := os.Getenv(EnvURL)
	if u == "" {
		const msg = EnvURL + " is not set; run the tests under scripts/pgtest run -- go test ..."
		if os.Getenv("CI") == "true" {
			t.Fatal(msg + " (CI=true: PostGIS tests must run)")
		}
		t.Skip(msg)
	}
	return u
}

// NewDatabase creates an empty database with a unique name on the test
// server, drops it when the test ends, and returns its URL. Test packages
// run in parallel, so none shares a database.
func NewDatabase(t testing.TB) string {
	t.Helper()
	base := URL(t)
	admin, err := sql.Open("postgres", base)
	if err != nil {
		t.Fatalf("postgistest: %v", err)
	}
	defer admin.Close()
	name := "serasi_test_" + randomHex(6)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+pq.QuoteIdentifier(name)); err != nil {
		t.Fatalf("postgistest: create database: %v", err)
	}
	t.Cleanup(func() {
		admin, err := sql.Open("postgres", base)
		if err != nil {
			t.Errorf("postgistest: %v", err)
			return
		}
		defer admin.Close()
		// FORCE ends connections a store under test may still hold.
		if _, err := admin.Exec("DROP DATABASE IF EXISTS " + pq.QuoteIdentifier(name) + " WITH (FORCE)"); err != nil {
			t.Errorf("postgistest: drop database %s: %v", name, err)
		}
	})
	u, err := withDatabase(base, name)
	if err != nil {
		t.Fatalf("postgistest: %v", err)
	}
	return u
}

// NewSeeded is NewDatabase, migrated up and seeded with the embedded sample
// data (geodata.FS).
func NewSeeded(t testing.TB) string {
	t.Helper()
	u := NewDatabase(t)
	ds, err := dataset.Load(geodata.FS)
	if err != nil {
		t.Fatalf("postgistest: loading the sample data: %v", err)
	}
	db, err := sql.Open("postgres", u)
	if err != nil {
		t.Fatalf("postgistest: %v", err)
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := postgis.Migrate(ctx, db, postgis.MigrateUp); err != nil {
		t.Fatalf("postgistest: %v", err)
	}
	if err := postgis.Seed(ctx, db, ds); err != nil {
		t.Fatalf("postgistest: %v", err)
	}
	return u
}

// Open opens a store on u and closes it when the test ends.
func Open(t testing.TB, u string) *postgis.Store {
	t.Helper()
	s, err := postgis.Open(context.Background(), postgis.Config{URL: u, MaxOpenConns: 4})
	if err != nil {
		t.Fatalf("postgistest: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// withDatabase returns the connection string u with its database replaced.
func withDatabase(u, name string) (string, error) {
	if strings.HasPrefix(u, "postgres://") || strings.HasPrefix(u, "postgresql://") {
		parsed, err := url.Parse(u)
		if err != nil {
			return "", err
		}
		parsed.Path = "/" + name
		parsed.RawPath = ""
		return parsed.String(), nil
	}
	// key=value form: a later key overrides an earlier one.
	return u + " dbname=" + name, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
