package postgis_test

import (
	"context"
	"database/sql"
	"testing"

	"github.com/serasi/serasi/geodata"
	"github.com/serasi/serasi/internal/boundaries"
	"github.com/serasi/serasi/internal/boundaries/boundariestest"
	"github.com/serasi/serasi/internal/store"
	"github.com/serasi/serasi/internal/store/memory"
	"github.com/serasi/serasi/internal/store/postgis"
	"github.com/serasi/serasi/internal/store/postgis/postgistest"
	"github.com/serasi/serasi/internal/store/storetest"
)

// nationalHarness imports into a database that lives as long as the
// test it was made for (parent), not the subtest that opens it, so that
// both national suites run on one import.
type nationalHarness struct {
	parent *testing.T
	db     *sql.DB
	s      store.ReadWriter
}

func (h *nationalHarness) Open(t *testing.T, set *boundaries.Set) store.ReadWriter {
	u := postgistest.NewSeeded(h.parent)
	h.db = openSQL(h.parent, u)
	counts, err := postgis.ImportBoundaries(context.Background(), h.db, set)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range counts {
		t.Logf("%+v", c)
	}
	h.s = postgistest.Open(h.parent, u)
	return h.s
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

// TestNational imports the archive once, with its generalised bands as
// `serasi import boundaries` does, into a seeded database (most of the
// test's time) and runs the national suites on it: the import's
// (hierarchy, Baubau as embedded, records outside Baubau, a second import
// that changes nothing), the 10,000 conformance points, and the tile
// features against the embedded store with the same import. Skipped
// without PostGIS or the archive, failed under CI=true.
func TestNational(t *testing.T) {
	postgistest.URL(t)
	h := &nationalHarness{parent: t}
	set := boundariestest.NationalGeneralised(t)
	t.Run("Import", func(t *testing.T) {
		storetest.RunNationalImportTests(t, set, h)
	})
	if h.s == nil {
		t.Fatal("the import suite opened no store")
	}
	t.Run("Conformance", func(t *testing.T) {
		storetest.RunNationalConformanceTests(t, func(*testing.T, *boundaries.Set) store.Store { return h.s })
	})
	t.Run("Tiles", func(t *testing.T) {
		dir := t.TempDir()
		if _, err := memory.ImportBoundaries(dir, set); err != nil {
			t.Fatal(err)
		}
		mem, err := memory.Open(geodata.FS, dir)
		if err != nil {
			t.Fatal(err)
		}
		defer mem.Close()
		storetest.RunNationalTileTests(t, set, mem, h.s)
	})
}
