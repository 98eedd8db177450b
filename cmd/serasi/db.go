package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"time"

	"github.com/serasi/serasi/geodata"
	"github.com/serasi/serasi/internal/dataset"
	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/store/postgis"
)

// dbFlags are the flags migrate and seed share.
type dbFlags struct {
	url          string
	connectRetry time.Duration
}

func (f *dbFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.url, "database-url", os.Getenv("DATABASE_URL"),
		"PostgreSQL URL, e.g. postgres://user@host:5432/serasi?sslmode=disable (default $DATABASE_URL)")
	fs.DurationVar(&f.connectRetry, "connect-retry", 10*time.Second, "how long to keep trying to reach the database")
}

func (f *dbFlags) open(ctx context.Context) (*postgis.Store, error) {
	if f.url == "" {
		return nil, errors.New("no database: set --database-url or DATABASE_URL")
	}
	// No statement timeout: a seed of 100,000 projects is one long statement.
	return postgis.Open(ctx, postgis.Config{URL: f.url, MaxOpenConns: 2, ConnectRetry: f.connectRetry})
}

// parseInterspersed parses flags that may come before or after the
// positional arguments ("migrate up --database-url ..." and
// "migrate --database-url ... up" both work) and returns the positionals.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

func runMigrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: serasi migrate [up|down|reset|status] [flags]\n\n"+
			"  up      apply every pending migration (default)\n"+
			"  down    roll back the latest migration\n"+
			"  reset   roll back every migration (drops the tables and their data)\n"+
			"  status  list the migrations and whether each is applied\n\nflags:")
		fs.PrintDefaults()
	}
	var db dbFlags
	db.register(fs)
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	command := postgis.MigrateUp
	switch len(pos) {
	case 0:
	case 1:
		command = pos[0]
	default:
		fs.Usage()
		return fmt.Errorf("migrate takes one command, got %q", pos)
	}
	switch command {
	case postgis.MigrateUp, postgis.MigrateDown, postgis.MigrateReset, "status":
	default:
		fs.Usage()
		return fmt.Errorf("unknown migrate command %q", command)
	}

	s, err := db.open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	if command == "status" {
		return postgis.MigrationStatus(ctx, s.DB().DB, stdout)
	}
	return postgis.MigrateVerbose(ctx, s.DB().DB, command, stdout)
}

func runSeed(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: serasi seed [flags]\n\n"+
			"Loads the embedded geodata and sample program data into a migrated PostGIS\n"+
			"database. Running it again changes nothing; records that differ are updated.\n\nflags:")
		fs.PrintDefaults()
	}
	var db dbFlags
	db.register(fs)
	projects := fs.String("projects", "", "also load the projects of this file (projects.geojson format, e.g. from 'serasi generate')")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		fs.Usage()
		return fmt.Errorf("seed takes no arguments, got %q", pos)
	}

	ds, err := dataset.Load(geodata.FS)
	if err != nil {
		return err
	}
	s, err := db.open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	if *projects != "" {
		// The projects may lie anywhere the database has a kelurahan: the
		// whole country after 'serasi import boundaries'.
		against, err := withStoredKelurahans(ctx, ds, s)
		if err != nil {
			return err
		}
		extra, err := loadProjects(against, *projects)
		if err != nil {
			return err
		}
		ds.Projects = append(ds.Projects, extra...)
	}
	start := time.Now()
	if err := postgis.Seed(ctx, s.DB().DB, ds); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "seeded %d kecamatan, %d kelurahan, %d forums, %d projects, %d activities in %s\n",
		len(ds.Kecamatans), len(ds.Kelurahans), len(ds.Forums), len(ds.Projects), len(ds.Activities),
		time.Since(start).Round(time.Millisecond))
	return nil
}

// withStoredKelurahans returns ds itself when the store holds no kelurahan
// beyond the embedded ones, else a dataset to check program records
// against: every kelurahan of the store and the embedded ones (which seed
// writes), with the embedded forums.
func withStoredKelurahans(ctx context.Context, ds *dataset.Dataset, s *postgis.Store) (*dataset.Dataset, error) {
	stored, err := s.Kelurahans(ctx, domain.KelurahanFilter{})
	if err != nil {
		return nil, err
	}
	kels := slices.Clone(ds.Kelurahans)
	for _, k := range stored {
		if _, ok := ds.Kelurahan(k.Code); !ok {
			kels = append(kels, k)
		}
	}
	if len(kels) == len(ds.Kelurahans) {
		return ds, nil
	}
	return dataset.New(nil, kels, slices.Clone(ds.Forums))
}

// loadProjects reads a file of projects against the kelurahan and forums of ds.
func loadProjects(ds *dataset.Dataset, path string) ([]domain.Project, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	ps, err := ds.LoadProjects(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	// Synthetic ids must not collide with the sample's: a collision would
	// silently replace a sample project.
	sample := make(map[string]bool, len(ds.Projects))
	for _, p := range ds.Projects {
		sample[p.ID] = true
	}
	for _, p := range ps {
		if sample[p.ID] {
			return nil, fmt.Errorf("%s: project %q is also in the sample data", path, p.ID)
		}
	}
	return ps, nil
}
