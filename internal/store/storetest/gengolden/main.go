// Command gengolden asks PostGIS for the geometric answers of the store
// conformance suite and writes them to internal/store/storetest/testdata/golden.json:
//
//	scripts/pgtest run -- go run ./internal/store/storetest/gengolden
//
// It connects to TEST_DATABASE_URL (set by scripts/pgtest), or DATABASE_URL,
// and creates nothing there but temporary tables (and the postgis extension
// if it is missing). Run it from the repository root after changing geodata/
// or the suite's inputs, and commit the file.
package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"os"
	"time"

	_ "github.com/lib/pq"

	"github.com/serasi/serasi/geodata"
	"github.com/serasi/serasi/internal/dataset"
	"github.com/serasi/serasi/internal/store/storetest"
)

func main() {
	out := flag.String("out", storetest.GoldenPath, "where to write the golden file")
	flag.Parse()
	if err := run(*out); err != nil {
		fmt.Fprintln(os.Stderr, "gengolden:", err)
		os.Exit(1)
	}
}

func run(out string) error {
	url := os.Getenv("TEST_DATABASE_URL")
	if url == "" {
		url = os.Getenv("DATABASE_URL")
	}
	if url == "" {
		return fmt.Errorf("neither TEST_DATABASE_URL nor DATABASE_URL is set; run: %s", storetest.GoldenCommand)
	}
	ds, err := dataset.Load(geodata.FS)
	if err != nil {
		return err
	}
	db, err := sql.Open("postgres", url)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	g, err := storetest.GenerateGolden(ctx, db, ds)
	if err != nil {
		return err
	}
	b, err := g.Marshal()
	if err != nil {
		return err
	}
	if err := os.WriteFile(out, b, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "gengolden: wrote %s: %d points, %d distance lists, %d shapes\n", out, len(g.Points), len(g.Distances), len(g.Shapes))
	return nil
}
