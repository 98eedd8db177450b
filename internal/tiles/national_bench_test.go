package tiles_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"github.com/serasi/serasi/geodata"
	"github.com/serasi/serasi/internal/boundaries"
	"github.com/serasi/serasi/internal/boundaries/boundariestest"
	"github.com/serasi/serasi/internal/generalise"
	"github.com/serasi/serasi/internal/layers"
	"github.com/serasi/serasi/internal/store"
	"github.com/serasi/serasi/internal/store/memory"
	"github.com/serasi/serasi/internal/store/postgis"
	"github.com/serasi/serasi/internal/store/postgis/postgistest"
	"github.com/serasi/serasi/internal/tiles"
)

// jakarta is in the densest part of the country (Java): the tiles over it
// are the largest a kelurahan layer serves.
var jakarta = orb.Point{106.8272, -6.1754}

var nationalMemory struct {
	once sync.Once
	set  *boundaries.Set
	s    *memory.Store
	err  error
}

// nationalStore is the embedded store on the national boundaries imported
// as `serasi import boundaries` does (with the generalised bands), once
// per test binary.
func nationalStore(b *testing.B) *memory.Store {
	b.Helper()
	path := boundariestest.Path(b)
	nationalMemory.once.Do(func() {
		set, err := boundaries.Read(path, boundaries.Options{Generalise: generalise.Geometries})
		if err != nil {
			nationalMemory.err = err
			return
		}
		nationalMemory.set = set
		dir, err := os.MkdirTemp("", "serasi-national-tiles-")
		if err != nil {
			nationalMemory.err = err
			return
		}
		if _, err := memory.ImportBoundaries(dir, set); err != nil {
			nationalMemory.err = err
			return
		}
		nationalMemory.s, nationalMemory.err = memory.Open(geodata.FS, dir)
	})
	if nationalMemory.err != nil {
		b.Fatal(nationalMemory.err)
	}
	return nationalMemory.s
}

// noBands hides the store's generalised bands: the tile is drawn from the
// original geometries, simplified at request time (the baseline).
type noBands struct{ store.Store }

// BenchmarkKelurahanTilesNational renders, uncached and with the Go
// encoder, the kelurahan tile over Jakarta at every zoom 4-14, from the
// stored bands ("bands") and from the original geometries ("original"),
// interleaved. Besides ns/op it reports the median render time and the
// tile size. Targets (issue 14): z5 ≤ 500 KB and ≤ 200 ms, z10 ≤ 30 ms.
//
//	go test ./internal/tiles -run '^$' -bench KelurahanTilesNational -benchtime 5x -count 3
func BenchmarkKelurahanTilesNational(b *testing.B) {
	s := nationalStore(b)
	l, _ := layers.New().Lookup("kelurahan")
	ctx := context.Background()
	for z := maptile.Zoom(4); z <= 14; z++ {
		tile := maptile.At(jakarta, z)
		for _, v := range []struct {
			name string
			s    store.Store
		}{{"bands", s}, {"original", noBands{s}}} {
			if v.name == "original" && generalise.Bands[generalise.BandIndex(int(z))].Tolerance == 0 {
				continue // the same geometry
			}
			b.Run(fmt.Sprintf("z%d/%s", z, v.name), func(b *testing.B) {
				benchTile(b, func() ([]byte, error) { return tiles.Encode(ctx, v.s, l, tile) })
			})
		}
	}
}

// BenchmarkKelurahanTilesNationalPostGIS renders, uncached, the kelurahan
// tile over Jakarta at every zoom 4-14 from PostGIS (ST_AsMVT, the
// national boundaries imported with their bands as `serasi import
// boundaries` does) and from the embedded store with the same import (the
// Go encoder), interleaved zoom by zoom. It reports the median render
// time and the tile size of each. The import takes most of the run (about
// 13 minutes); without PostGIS or the national data it is skipped.
//
//	scripts/pgtest run -- go test ./internal/tiles -run '^$' -bench KelurahanTilesNationalPostGIS -benchtime 5x
func BenchmarkKelurahanTilesNationalPostGIS(b *testing.B) {
	u := postgistest.NewSeeded(b)
	mem := nationalStore(b)
	db, err := sql.Open("postgres", u)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if _, err := postgis.ImportBoundaries(context.Background(), db, nationalMemory.set); err != nil {
		b.Fatal(err)
	}
	pg := postgistest.Open(b, u)
	l, _ := layers.New().Lookup("kelurahan")
	ctx := context.Background()
	for z := maptile.Zoom(4); z <= 14; z++ {
		tile := maptile.At(jakarta, z)
		for _, v := range []struct {
			name string
			s    store.Store
		}{{"postgis", pg}, {"embedded", mem}} {
			b.Run(fmt.Sprintf("z%d/%s", z, v.name), func(b *testing.B) {
				benchTile(b, func() ([]byte, error) { return tiles.Render(ctx, v.s, l, tile) })
			})
		}
	}
}

// benchTile runs render for b and reports the median time per tile and
// the size of the last tile.
func benchTile(b *testing.B, render func() ([]byte, error)) {
	b.ReportAllocs()
	var size int
	var times []time.Duration
	for b.Loop() {
		start := time.Now()
		data, err := render()
		times = append(times, time.Since(start))
		if err != nil {
			b.Fatal(err)
		}
		size = len(data)
	}
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "ms-p50/tile")
	b.ReportMetric(float64(size)/1024, "KB/tile")
}
