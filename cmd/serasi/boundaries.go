package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/serasi/serasi/geodata"
	"github.com/serasi/serasi/internal/boundaries"
	"github.com/serasi/serasi/internal/dataset"
	"github.com/serasi/serasi/internal/generalise"
	"github.com/serasi/serasi/internal/store/memory"
	"github.com/serasi/serasi/internal/store/postgis"
)

// runImportBoundaries imports administrative boundaries:
//
//	serasi import boundaries PATH [--data-dir DIR | --database-url URL] [--dry-run]
//
// PATH is a wilayah_boundaries .geojson file, a folder of them, or the
// national .tar.zst as it is. Into PostGIS with a database URL, else into
// the embedded store's data directory (read at the next start).
func runImportBoundaries(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	flags := flag.NewFlagSet("import boundaries", flag.ContinueOnError)
	flags.SetOutput(stderr)
	flags.Usage = func() {
		fmt.Fprintln(stderr, "usage: serasi import boundaries PATH [flags]\n\n"+
			"Reads the provinsi, kabupaten/kota, kecamatan and kelurahan/desa boundaries of a\n"+
			"wilayah_boundaries GeoJSON file, a folder of them, or the national .tar.zst as it\n"+
			"is; normalises them (repairs counted, refusals listed), derives the levels the\n"+
			"source lacks, and loads them into PostGIS (with a database URL) or the embedded\n"+
			"store's data directory (used from its next start). The same input again changes\n"+
			"nothing.\n\nflags:")
		flags.PrintDefaults()
	}
	var db dbFlags
	db.register(flags)
	dataDir := flags.String("data-dir", envOr("SERASI_DATA_DIR", DefaultDataDir), "embedded store's data directory, used when no database URL is set (env SERASI_DATA_DIR)")
	dry := flags.Bool("dry-run", false, "read, normalise and report; write nothing")
	verbose := flags.Bool("v", false, "name each file as it is read")
	pos, err := parseInterspersed(flags, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		flags.Usage()
		return errors.New("import boundaries needs one path")
	}
	// Generalised once here, so both stores store and draw the same
	// geometry per zoom band.
	opt := boundaries.Options{Generalise: generalise.Geometries}
	if *verbose {
		opt.Progress = stderr
	}
	start := time.Now()
	set, err := boundaries.Read(pos[0], opt)
	if err != nil {
		return fmt.Errorf("import boundaries: %w", err)
	}
	fmt.Fprint(stdout, set.Report)
	fmt.Fprintf(stdout, "read and normalised in %v\n", time.Since(start).Round(time.Millisecond))
	if err := coversProgramData(set); err != nil {
		return fmt.Errorf("import boundaries: %w", err)
	}
	if *dry {
		fmt.Fprintln(stdout, "dry run: nothing written")
		return nil
	}
	start = time.Now()
	if db.url != "" {
		st, err := db.open(ctx)
		if err != nil {
			return fmt.Errorf("import boundaries: open PostGIS: %w", err)
		}
		defer st.Close()
		cur, latest, err := postgis.SchemaVersion(ctx, st.DB().DB)
		if err == nil && cur != latest {
			err = fmt.Errorf("the schema is at version %d, this binary needs %d: run 'serasi migrate up'", cur, latest)
		}
		if err != nil {
			return fmt.Errorf("import boundaries: %w", err)
		}
		counts, err := postgis.ImportBoundaries(ctx, st.DB().DB, set)
		if err != nil {
			return fmt.Errorf("import boundaries: %w", err)
		}
		changed := false
		for _, c := range counts {
			fmt.Fprintf(stdout, "%-15s %7d inserted %7d updated %7d unchanged", c.Table, c.Inserted, c.Updated, c.Unchanged)
			if c.NotInImport > 0 {
				fmt.Fprintf(stdout, " (%d already there and not in this import, left as they are)", c.NotInImport)
			}
			fmt.Fprintln(stdout)
			changed = changed || c.Inserted+c.Updated > 0
		}
		if !changed {
			fmt.Fprintln(stdout, "PostGIS already had exactly these boundaries: nothing changed")
		}
		fmt.Fprintf(stdout, "loaded into PostGIS in %v\n", time.Since(start).Round(time.Millisecond))
		return nil
	}
	if *dataDir == "" {
		return errors.New("import boundaries: no store: set DATABASE_URL, or --data-dir to the embedded store's data directory")
	}
	changed, err := memory.ImportBoundaries(*dataDir, set)
	if err != nil {
		return fmt.Errorf("import boundaries: %w", err)
	}
	abs, _ := filepath.Abs(filepath.Join(*dataDir, memory.BoundaryFile))
	if !changed {
		fmt.Fprintf(stdout, "%s already holds exactly these boundaries: nothing changed\n", abs)
		return nil
	}
	fmt.Fprintf(stdout, "wrote %s in %v; 'serasi serve --data-dir %s' answers from it from its next start\n",
		abs, time.Since(start).Round(time.Millisecond), *dataDir)
	return nil
}

// coversProgramData refuses a set that lacks a kelurahan the embedded
// program data (forums, projects, activities) names: the store could not
// start from it.
func coversProgramData(set *boundaries.Set) error {
	ds, err := dataset.Load(geodata.FS)
	if err != nil {
		return err
	}
	have := make(map[string]bool, len(set.Kelurahans))
	for _, k := range set.Kelurahans {
		have[k.Code] = true
	}
	for _, k := range ds.Kelurahans {
		if !have[k.Code] {
			return fmt.Errorf("the boundaries lack kelurahan %s %s, which the embedded program data uses; nothing was written", k.Code, k.Name)
		}
	}
	return nil
}
