package postgis

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io"
	"io/fs"
	"path"
	"time"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migration commands understood by Migrate.
const (
	MigrateUp    = "up"    // apply every pending migration
	MigrateDown  = "down"  // roll back the latest migration
	MigrateReset = "reset" // roll back every migration
)

// Migrate applies (up) or rolls back (down, reset) the schema. Concurrent
// runs (several API instances starting at once) are serialised with a
// PostgreSQL advisory lock.
func Migrate(ctx context.Context, db *sql.DB, command string) error {
	_, err := migrate(ctx, db, command)
	return err
}

// MigrateVerbose is Migrate that also writes one line per migration it ran to out.
func MigrateVerbose(ctx context.Context, db *sql.DB, command string, out io.Writer) error {
	results, err := migrate(ctx, db, command)
	for _, r := range results {
		status := "ok"
		if r.Error != nil {
			status = "FAILED"
		}
		fmt.Fprintf(out, "%-4s %05d %-22s %s (%s)\n", r.Direction, r.Source.Version, path.Base(r.Source.Path), status, r.Duration.Round(time.Millisecond))
	}
	if err == nil && len(results) == 0 {
		fmt.Fprintln(out, "nothing to do")
	}
	return err
}

func migrate(ctx context.Context, db *sql.DB, command string) ([]*goose.MigrationResult, error) {
	p, err := newProvider(db)
	if err != nil {
		return nil, err
	}
	var results []*goose.MigrationResult
	switch command {
	case MigrateUp:
		results, err = p.Up(ctx)
	case MigrateDown:
		var r *goose.MigrationResult
		if r, err = p.Down(ctx); r != nil {
			results = append(results, r)
		}
	case MigrateReset:
		results, err = p.DownTo(ctx, 0)
	default:
		return nil, fmt.Errorf("postgis: unknown migrate command %q (want up, down or reset)", command)
	}
	if err != nil {
		return results, fmt.Errorf("postgis: migrate %s: %w", command, err)
	}
	return results, nil
}

// MigrationStatus writes the state of each migration to out.
func MigrationStatus(ctx context.Context, db *sql.DB, out io.Writer) error {
	p, err := newProvider(db)
	if err != nil {
		return err
	}
	statuses, err := p.Status(ctx)
	if err != nil {
		return fmt.Errorf("postgis: migration status: %w", err)
	}
	for _, s := range statuses {
		state := "pending"
		if s.State == goose.StateApplied {
			state = "applied " + s.AppliedAt.UTC().Format(time.RFC3339)
		}
		fmt.Fprintf(out, "%05d %-22s %s\n", s.Source.Version, path.Base(s.Source.Path), state)
	}
	return nil
}

// SchemaVersion returns the version of the latest applied migration and the
// latest version this build knows; serve can refuse an old schema.
func SchemaVersion(ctx context.Context, db *sql.DB) (current, latest int64, err error) {
	p, err := newProvider(db)
	if err != nil {
		return 0, 0, err
	}
	current, latest, err = p.GetVersions(ctx)
	if err != nil {
		return 0, 0, fmt.Errorf("postgis: schema version: %w", err)
	}
	return current, latest, nil
}

func newProvider(db *sql.DB) (*goose.Provider, error) {
	fsys, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		return nil, fmt.Errorf("postgis: migrations: %w", err)
	}
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return nil, fmt.Errorf("postgis: migrations: %w", err)
	}
	p, err := goose.NewProvider(goose.DialectPostgres, db, fsys,
		goose.WithSessionLocker(locker), goose.WithDisableGlobalRegistry(true))
	if err != nil {
		return nil, fmt.Errorf("postgis: migrations: %w", err)
	}
	return p, nil
}
