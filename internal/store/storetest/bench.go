package storetest

import (
	"context"
	"fmt"
	"testing"

	"github.com/serasi/serasi/internal/dataset"
	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/geobuild"
	"github.com/serasi/serasi/internal/store"
)

// BatchOfProjects returns n synthetic projects of ds (geobuild's, with
// fixed seed) as batch items with ids "prj-batch-000000"...
func BatchOfProjects(ds *dataset.Dataset, n int) []store.BatchItem {
	ps := geobuild.SyntheticProjects(ds, n, 1)
	items := make([]store.BatchItem, len(ps))
	for i, p := range ps {
		in := domain.ProjectInput{ID: fmt.Sprintf("prj-batch-%06d", i), Title: p.Title, Kind: p.Kind, Geometry: p.Geometry,
			ForumID: p.ForumID, Year: p.Year, BudgetRupiah: p.BudgetRupiah, Status: p.Status, StartDate: p.StartDate,
			FinishDate: p.FinishDate, Beneficiaries: p.Beneficiaries, Description: p.Description}
		items[i] = store.BatchItem{Project: &in}
	}
	return items
}

// BenchmarkBatch measures one ApplyBatch of n projects into a fresh store
// made by newStore (create), the same batch again (unchanged: every record
// is compared and none written), and the batch with every budget changed
// (update). Goal for n = 100,000: ≤ 5 s embedded, ≤ 15 s on PostGIS.
func BenchmarkBatch(b *testing.B, n int, newStore func(b *testing.B) store.FlowStore) {
	ds := loadDataset(b)
	items := BatchOfProjects(ds, n)
	ctx := context.Background()
	apply := func(b *testing.B, s store.FlowStore, items []store.BatchItem, want func(store.BatchResult) bool) {
		b.Helper()
		res, err := s.ApplyBatch(ctx, editor, store.BatchMeta{Source: "bench"}, items)
		if err != nil {
			b.Fatalf("ApplyBatch: %v", err)
		}
		if !want(res) {
			b.Fatalf("ApplyBatch = %d created, %d updated, %d unchanged", res.Created, res.Updated, res.Unchanged)
		}
	}
	created := func(r store.BatchResult) bool { return r.Created == n }
	b.Run("create", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			s := newStore(b)
			b.StartTimer()
			apply(b, s, items, created)
		}
	})
	s := newStore(b)
	apply(b, s, items, created)
	b.Run("unchanged", func(b *testing.B) {
		for b.Loop() {
			apply(b, s, items, func(r store.BatchResult) bool { return r.Unchanged == n })
		}
	})
	b.Run("update", func(b *testing.B) {
		for b.Loop() {
			for _, it := range items {
				it.Project.BudgetRupiah++
			}
			apply(b, s, items, func(r store.BatchResult) bool { return r.Updated == n })
		}
	})
}

// BenchmarkWrites measures single-record writes through store.Writer on a
// store made by newStore (the sample data): creates of a monument in Wale,
// and updates of one project, each naming the version it read.
func BenchmarkWrites(b *testing.B, newStore func(b *testing.B) store.ReadWriter) {
	ctx := context.Background()
	s := newStore(b)
	b.Run("create", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := s.CreateProject(ctx, editor, projectInput()); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("update", func(b *testing.B) {
		p, err := s.CreateProject(ctx, editor, projectInput())
		if err != nil {
			b.Fatal(err)
		}
		in := inputOf(p)
		b.ReportAllocs()
		for b.Loop() {
			in.BudgetRupiah++
			if p, err = s.UpdateProject(ctx, editor, p.ID, p.Version, in); err != nil {
				b.Fatal(err)
			}
		}
	})
	// Throughput of concurrent writers (8 per CPU), each creating projects.
	b.Run("parallel-create", func(b *testing.B) {
		b.SetParallelism(8)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := s.CreateProject(ctx, editor, projectInput()); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
}
