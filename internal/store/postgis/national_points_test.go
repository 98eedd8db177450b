package postgis_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/serasi/serasi/internal/boundaries"
	"github.com/serasi/serasi/internal/store"
	"github.com/serasi/serasi/internal/store/postgis"
	"github.com/serasi/serasi/internal/store/postgis/postgistest"
	"github.com/serasi/serasi/internal/store/storetest"
)

// TestNationalConformance runs the national conformance suite on a database seeded
// with the sample data and then given the national boundaries, as
// `serasi import boundaries` does. Skipped without PostGIS or the national
// data, failed under CI=true.
func TestNationalConformance(t *testing.T) {
	postgistest.URL(t)
	storetest.RunNationalConformanceTests(t, func(t *testing.T, set *boundaries.Set) store.Store {
		u := postgistest.NewSeeded(t)
		db, err := sql.Open("postgres", u)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
		defer cancel()
		start := time.Now()
		if _, err := postgis.ImportBoundaries(ctx, db, set); err != nil {
			t.Fatal(err)
		}
		t.Logf("national boundaries imported in %v", time.Since(start).Round(time.Second))
		return postgistest.Open(t, u)
	})
}
