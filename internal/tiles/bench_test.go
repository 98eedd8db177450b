package tiles_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/paulmach/orb/maptile"

	"github.com/serasi/serasi/internal/layers"
	"github.com/serasi/serasi/internal/tiles"
)

// BenchmarkEncode renders, uncached, the tile over central Baubau
// (122.61,-5.47) of every layer at z12, z14 and z16. Besides ns/op it
// reports the median render time and the tile size.
func BenchmarkEncode(b *testing.B) {
	s := newStore(b)
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
					data, err := tiles.Encode(ctx, s, l, tile)
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
