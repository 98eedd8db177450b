package tiles_test

import (
	"context"
	"database/sql"
	"fmt"
	"testing"

	"github.com/paulmach/orb/maptile"

	"github.com/serasi/serasi/geodata"
	"github.com/serasi/serasi/internal/boundaries"
	"github.com/serasi/serasi/internal/generalise"
	"github.com/serasi/serasi/internal/layers"
	"github.com/serasi/serasi/internal/store/memory"
	"github.com/serasi/serasi/internal/store/postgis"
	"github.com/serasi/serasi/internal/store/postgis/postgistest"
	"github.com/serasi/serasi/internal/tiles"
)

// TestPostGISBandsMatchGoEncoder imports Kota Baubau's boundaries with
// their generalised bands into both stores, as `serasi import boundaries`
// does, and compares the area layers' tiles over Baubau at every zoom
// 4-14 as TestPostGISMatchesGoEncoder does: the same features, properties
// and boxes, both drawn from the stored bands, both leaving out the areas
// under their min zoom (generalise.MinZoom), so that none is left to
// collapse on the 4096 grid.
func TestPostGISBandsMatchGoEncoder(t *testing.T) {
	u := postgistest.NewSeeded(t) // skips without PostGIS, fails under CI=true
	set, err := boundaries.Read("../../../shared/data/baubau-kelurahan.geojson", boundaries.Options{Generalise: generalise.Geometries})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	db, err := sql.Open("postgres", u)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := postgis.ImportBoundaries(ctx, db, set); err != nil {
		t.Fatal(err)
	}
	var bands int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM area_band WHERE layer = 'kelurahan'`).Scan(&bands); err != nil {
		t.Fatal(err)
	}
	if want := len(set.Kelurahans) * (len(generalise.Bands) - 1); bands != want {
		t.Errorf("%d kelurahan band rows, want %d", bands, want)
	}
	// Again: nothing to rewrite.
	if _, err := postgis.ImportBoundaries(ctx, db, set); err != nil {
		t.Fatal(err)
	}
	pg := postgistest.Open(t, u)
	dir := t.TempDir()
	if _, err := memory.ImportBoundaries(dir, set); err != nil {
		t.Fatal(err)
	}
	mem, err := memory.Open(geodata.FS, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer mem.Close()

	features := 0
	for _, name := range []string{"kelurahan", "kecamatan", "kabupaten_kota", "provinsi"} {
		l, ok := layers.New().Lookup(name)
		if !ok {
			t.Fatalf("no layer %s", name)
		}
		for z := maptile.Zoom(4); z <= 14; z++ {
			tile := maptile.At(baubau, z)
			if int(z) < l.MinZoom || int(z) > l.MaxZoom {
				continue
			}
			t.Run(fmt.Sprintf("%s/%d/%d/%d", name, z, tile.X, tile.Y), func(t *testing.T) {
				goData, err := tiles.Encode(ctx, mem, l, tile)
				if err != nil {
					t.Fatal(err)
				}
				pgData, err := tiles.Render(ctx, pg, l, tile)
				if err != nil {
					t.Fatal(err)
				}
				want, got := decode(t, goData), decode(t, pgData)
				if len(got) != 1 || len(want) != 1 {
					t.Fatalf("%d layers from PostGIS, %d from Go; want 1", len(got), len(want))
				}
				features += len(want[0].Features)
				compareLayers(t, l, want[0], got[0])
			})
		}
	}
	if features == 0 {
		t.Error("no feature in any tile compared")
	}
}
