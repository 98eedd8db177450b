package tiles_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/paulmach/orb/maptile"

	"github.com/serasi/serasi/geodata"
	"github.com/serasi/serasi/internal/dataset"
	"github.com/serasi/serasi/internal/geobuild"
	"github.com/serasi/serasi/internal/layers"
	"github.com/serasi/serasi/internal/store"
	"github.com/serasi/serasi/internal/store/memory"
	"github.com/serasi/serasi/internal/tiles"
)

type renderFunc func(ctx context.Context, s store.Store, l *layers.Layer, t maptile.Tile) ([]byte, error)

// benchTiles renders, uncached, the tile over central Baubau (122.61,-5.47)
// of every layer at z12, z14 and z16. Besides ns/op it reports the median
// render time and the tile size.
func benchTiles(b *testing.B, s store.Store, render renderFunc) {
	ctx := context.Background()
	for _, l := range layers.New().All() {
		for _, z := range []maptile.Zoom{12, 14, 16} {
			tile := maptile.At(baubau, z)
			b.Run(fmt.Sprintf("%s/z%d", l.Name, z), func(b *testing.B) {
				b.ReportAllocs()
				var size int
				times := make([]time.Duration, 0, b.N)
				for b.Loop() {
					start := time.Now()
					data, err := render(ctx, s, l, tile)
					times = append(times, time.Since(start))
					if err != nil {
						b.Fatal(err)
					}
					size = len(data)
				}
				slices.Sort(times)
				b.ReportMetric(float64(times[len(times)/2].Nanoseconds()), "p50-ns/op")
				b.ReportMetric(float64(size), "tile-bytes")
			})
		}
	}
}

// BenchmarkEncode is the Go encoder over the embedded store.
func BenchmarkEncode(b *testing.B) { benchTiles(b, newStore(b), tiles.Encode) }

// BenchmarkPostGISMVT is ST_AsMVT in PostGIS, as the tile server renders
// with the PostGIS store. Skipped without TEST_DATABASE_URL.
func BenchmarkPostGISMVT(b *testing.B) { benchTiles(b, newPostGIS(b), tiles.Render) }

// BenchmarkPostGISEncode is the Go encoder over records read from PostGIS
// (the tile server with Options.GoEncoder), for comparison.
func BenchmarkPostGISEncode(b *testing.B) { benchTiles(b, newPostGIS(b), tiles.Encode) }

// BenchmarkServeCached is the cost of a tile served from the cache.
func BenchmarkServeCached(b *testing.B) {
	srv := tiles.New(newStore(b), tiles.Options{})
	t := maptile.At(baubau, 14)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := srv.Tile(ctx, "kelurahan", 14, t.X, t.Y); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGzipLevel compresses typical tiles at each gzip level: ns/op is
// the CPU per tile, ratio the compressed share of the plain size. The
// projects tiles come from the sample data plus 100,000 synthetic projects,
// as in the load tests. It is how GzipLevel was chosen (README).
func BenchmarkGzipLevel(b *testing.B) {
	ds, err := dataset.Load(geodata.FS)
	if err != nil {
		b.Fatal(err)
	}
	ds.Projects = append(ds.Projects, geobuild.SyntheticProjects(ds, 100_000, 1)...)
	s := memory.NewFromDataset(ds)
	reg := layers.New()
	ctx := context.Background()
	for _, c := range []struct {
		layer string
		z     maptile.Zoom
	}{{"kelurahan", 12}, {"kelurahan", 14}, {"projects", 14}, {"projects", 16}} {
		l, _ := reg.Lookup(c.layer)
		raw, err := tiles.Encode(ctx, s, l, maptile.At(baubau, c.z))
		if err != nil {
			b.Fatal(err)
		}
		for _, level := range []int{1, 2, 4, 6, 9} {
			pool := tiles.GzipWriters(level)
			b.Run(fmt.Sprintf("%s/z%d/level%d", c.layer, c.z, level), func(b *testing.B) {
				b.ReportAllocs()
				b.SetBytes(int64(len(raw)))
				var out []byte
				for b.Loop() {
					if out, err = tiles.CompressLevel(raw, pool); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(len(out))/float64(len(raw)), "ratio")
				b.ReportMetric(float64(len(raw)), "plain-bytes")
			})
		}
	}
}
