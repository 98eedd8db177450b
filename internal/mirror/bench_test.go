package mirror_test

import (
	"context"
	"fmt"
	"runtime"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"github.com/serasi/serasi/internal/layers"
	"github.com/serasi/serasi/internal/mirror"
	"github.com/serasi/serasi/internal/tiles"
)

// BenchmarkCopyTile encodes uncached tiles over central Baubau from the
// copy of the sample data plus 100,000 synthetic projects (as the peers
// yardstick seeds PostGIS), against the same tiles from the embedded store
// alone (store).
func BenchmarkCopyTile(b *testing.B) {
	s := newStore(b, 100_000)
	copied := newMirror(b, s).Wrap(s)
	reg := layers.New()
	ctx := context.Background()
	for _, c := range []struct {
		layer string
		z     maptile.Zoom
	}{{"kelurahan", 12}, {"projects", 14}, {"projects", 16}, {"projects", 17}} {
		l, _ := reg.Lookup(c.layer)
		tile := maptile.At(baubau, c.z)
		for _, src := range []struct {
			name string
			s    any
		}{{"copy", copied}, {"store", s}} {
			b.Run(fmt.Sprintf("%s/z%d/%s", c.layer, c.z, src.name), func(b *testing.B) {
				b.ReportAllocs()
				st := copied
				if src.name == "store" {
					st = s
				}
				for b.Loop() {
					if _, err := tiles.Encode(ctx, st, l, tile); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkCopyItems is the OGC items page of the yardstick (limit=100 in
// its box, first page and after 5,000) from the copy, against the store.
func BenchmarkCopyItems(b *testing.B) {
	s := newStore(b, 100_000)
	copied := newMirror(b, s).Wrap(s)
	l, _ := layers.New().Lookup("projects")
	ctx := context.Background()
	box := orb.Bound{Min: orb.Point{122.585, -5.495}, Max: orb.Point{122.635, -5.445}}
	at, err := l.Fetch(ctx, s, layers.Query{BBox: &box, Offset: 4999, Limit: 1})
	if err != nil || len(at.Features) != 1 {
		b.Fatal(err, len(at.Features))
	}
	after := fmt.Sprint(at.Features[0].ID)
	for _, q := range []struct {
		name string
		q    layers.Query
	}{{"first", layers.Query{BBox: &box, Limit: 100}}, {"after5000", layers.Query{BBox: &box, After: after, Limit: 100}}} {
		for _, src := range []string{"copy", "store"} {
			b.Run(q.name+"/"+src, func(b *testing.B) {
				b.ReportAllocs()
				st := copied
				if src == "store" {
					st = s
				}
				for b.Loop() {
					if _, err := l.Fetch(ctx, st, q.q); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkCopyLoad loads the copy of the sample data plus 100,000
// synthetic projects from the embedded store, of every layer (all, as on
// PostGIS) and of the program layers only (program, as serve copies an
// embedded store); heap-MB is the live heap the copy holds (geometry
// included: the store hands out clones). ns/op includes two forced GCs per
// load.
func BenchmarkCopyLoad(b *testing.B) {
	s := newStore(b, 100_000)
	for _, c := range []struct {
		name   string
		layers []string
	}{{"all", nil}, {"program", []string{"forums", "projects", "activities"}}} {
		b.Run(c.name, func(b *testing.B) {
			var before, after runtime.MemStats
			for b.Loop() {
				runtime.GC()
				runtime.ReadMemStats(&before)
				m, err := mirror.New(context.Background(), s, mirror.Options{Layers: c.layers})
				if err != nil {
					b.Fatal(err)
				}
				runtime.GC()
				runtime.ReadMemStats(&after)
				b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/1e6, "heap-MB")
				runtime.KeepAlive(m)
			}
		})
	}
}
