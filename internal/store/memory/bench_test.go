package memory

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"

	"github.com/serasi/serasi/geodata"
	"github.com/serasi/serasi/internal/dataset"
	"github.com/serasi/serasi/internal/geobuild"
)

func loadSample(tb testing.TB) *dataset.Dataset {
	tb.Helper()
	ds, err := dataset.Load(geodata.FS)
	if err != nil {
		tb.Fatal(err)
	}
	return ds
}

// withSynthetic returns ds with its projects replaced by n synthetic ones.
func withSynthetic(ds *dataset.Dataset, n int) *dataset.Dataset {
	big := *ds
	big.Projects = geobuild.SyntheticProjects(ds, n, 42)
	return &big
}

// randomPoints returns n points over the bound of the kelurahan (land and
// sea), the same on every run.
func randomPoints(ds *dataset.Dataset, n int) []orb.Point {
	b := ds.Kelurahans[0].Bound
	for _, k := range ds.Kelurahans {
		b = b.Union(k.Bound)
	}
	rng := rand.New(rand.NewPCG(7, 11))
	pts := make([]orb.Point, n)
	for i := range pts {
		pts[i] = orb.Point{b.Min[0] + rng.Float64()*(b.Max[0]-b.Min[0]), b.Min[1] + rng.Float64()*(b.Max[1]-b.Min[1])}
	}
	return pts
}

func BenchmarkKelurahanAt(b *testing.B) {
	ds := loadSample(b)
	s := NewFromDataset(ds)
	pts := randomPoints(ds, 1024)
	ctx := context.Background()
	// Store is the whole method, including the copy of the polygon it
	// returns; index is the lookup alone.
	b.Run("Store", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			_, _ = s.KelurahanAt(ctx, pts[i%len(pts)])
		}
	})
	b.Run("index", func(b *testing.B) {
		d := s.snapshot()
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			_ = d.kelurahanAt(pts[i%len(pts)])
		}
	})
}

func BenchmarkNearestProjects(b *testing.B) {
	ds := loadSample(b)
	ctx := context.Background()
	pts := randomPoints(ds, 1024)
	for _, bc := range []struct {
		name string
		ds   *dataset.Dataset
	}{
		{"sample", ds},
		{"synthetic100k", withSynthetic(ds, 100_000)},
	} {
		s := NewFromDataset(bc.ds)
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				if _, err := s.NearestProjects(ctx, pts[i%len(pts)], 10, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
