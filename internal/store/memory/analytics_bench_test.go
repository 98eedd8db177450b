package memory

import (
	"context"
	"testing"

	"github.com/serasi/serasi/internal/domain"
)

// BenchmarkAnalytics measures the planner queries over the sample data and
// over 100,000 synthetic projects, and the neighbour relation computed at
// load.
//
//	go test -run '^$' -bench Analytics -count 5 ./internal/store/memory/
func BenchmarkAnalytics(b *testing.B) {
	ds := loadSample(b)
	ctx := context.Background()
	codes := make([]string, len(ds.Kelurahans))
	for i, k := range ds.Kelurahans {
		codes[i] = k.Code
	}
	b.Run("NeighboursAtLoad", func(b *testing.B) {
		s := NewFromDataset(ds)
		d := s.snapshot()
		b.ReportAllocs()
		for b.Loop() {
			neighbours(d.kelurahans, &d.kelIndex)
		}
	})
	for _, tc := range []struct {
		name     string
		projects int
	}{{"sample", 0}, {"100k", 100_000}} {
		src := ds
		if tc.projects > 0 {
			src = withSynthetic(ds, tc.projects)
		}
		s := NewFromDataset(src)
		b.Run("KelurahanNeighbours/"+tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.KelurahanNeighbours(ctx, codes); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("CoverageGaps/"+tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.CoverageGaps(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
		from := 2018
		b.Run("KelurahanSummaries/"+tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.KelurahanSummaries(ctx, domain.ProjectFilter{YearFrom: &from}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
