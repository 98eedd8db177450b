package storetest_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"

	_ "github.com/lib/pq"

	"github.com/serasi/serasi/geodata"
	"github.com/serasi/serasi/internal/dataset"
	"github.com/serasi/serasi/internal/store/postgis/postgistest"
	"github.com/serasi/serasi/internal/store/storetest"
)

// TestGoldenCurrent regenerates the golden answers in memory with PostGIS
// and compares them with the committed file, so that a change of the data
// or of the suite's inputs cannot leave the file behind.
func TestGoldenCurrent(t *testing.T) {
	u := postgistest.NewDatabase(t)
	db, err := sql.Open("postgres", u)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ds, err := dataset.Load(geodata.FS)
	if err != nil {
		t.Fatal(err)
	}
	got, err := storetest.GenerateGolden(context.Background(), db, ds)
	if err != nil {
		t.Fatal(err)
	}
	committed, err := os.ReadFile(filepath.Join("testdata", "golden.json"))
	if err != nil {
		t.Fatal(err)
	}
	want, err := storetest.ParseGolden(committed, ds)
	if err != nil {
		t.Fatalf("%v; run: %s", err, storetest.GoldenCommand)
	}
	if diff := storetest.CompareGolden(want, got); diff != "" {
		t.Fatalf("%s is not what PostGIS answers now: %s\nregenerate it and commit: %s", storetest.GoldenPath, diff, storetest.GoldenCommand)
	}
}
