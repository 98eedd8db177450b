package postgis_test

import (
	"context"
	"testing"

	"github.com/serasi/serasi/internal/domain"
)

// BenchmarkPostGISAnalytics measures the planner queries over the sample
// data plus benchProjects synthetic projects.
//
//	scripts/pgtest run -- go test -run '^$' -bench PostGISAnalytics ./internal/store/postgis/
func BenchmarkPostGISAnalytics(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	ks, err := s.Kelurahans(ctx, domain.KelurahanFilter{})
	if err != nil {
		b.Fatal(err)
	}
	codes := make([]string, len(ks))
	for i, k := range ks {
		codes[i] = k.Code
	}
	b.Run("KelurahanNeighbours", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.KelurahanNeighbours(ctx, codes); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("CoverageGaps", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.CoverageGaps(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
	from := 2018
	b.Run("KelurahanSummaries", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.KelurahanSummaries(ctx, domain.ProjectFilter{YearFrom: &from}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
