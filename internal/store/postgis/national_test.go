package postgis_test

import (
	"context"
	"database/sql"
	"testing"

	"github.com/serasi/serasi/internal/boundaries"
	"github.com/serasi/serasi/internal/boundaries/boundariestest"
	"github.com/serasi/serasi/internal/store"
	"github.com/serasi/serasi/internal/store/postgis"
	"github.com/serasi/serasi/internal/store/postgis/postgistest"
	"github.com/serasi/serasi/internal/store/storetest"
)

type nationalHarness struct{ db *sql.DB }

func (h *nationalHarness) Open(t *testing.T, set *boundaries.Set) store.ReadWriter {
	u := postgistest.NewSeeded(t)
	h.db = openSQL(t, u)
	counts, err := postgis.ImportBoundaries(context.Background(), h.db, set)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range counts {
		t.Logf("%+v", c)
	}
	return postgistest.Open(t, u)
}

func (h *nationalHarness) Reimport(t *testing.T, set *boundaries.Set) bool {
	counts, err := postgis.ImportBoundaries(context.Background(), h.db, set)
	if err != nil {
		t.Fatal(err)
	}
	changed := false
	for _, c := range counts {
		changed = changed || c.Inserted+c.Updated > 0
	}
	return changed
}

// TestNationalImport: the archive imported into a seeded database (skips
// without PostGIS or the archive, fails under CI=true).
func TestNationalImport(t *testing.T) {
	postgistest.URL(t)
	storetest.RunNationalImportTests(t, boundariestest.National(t), &nationalHarness{})
}
