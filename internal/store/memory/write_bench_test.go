package memory_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/serasi/serasi/geodata"
	"github.com/serasi/serasi/internal/dataset"
	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/store"
	"github.com/serasi/serasi/internal/store/memory"
	"github.com/serasi/serasi/internal/store/storetest"
)

// BenchmarkWriteProject100k measures a project write against 100,000
// projects: the copy-on-write snapshot copies the project slice (and, for a
// create, the id map) but only touches one R-tree path.
func BenchmarkWriteProject100k(b *testing.B) {
	ds, err := dataset.Load(geodata.FS)
	if err != nil {
		b.Fatal(err)
	}
	sample := ds.Projects
	ds.Projects = make([]domain.Project, 0, 100_000)
	for i := range 100_000 {
		p := sample[i%len(sample)]
		p.ID = fmt.Sprintf("prj-bench-%06d", i)
		ds.Projects = append(ds.Projects, p)
	}
	s := memory.NewFromDataset(ds)
	ctx := context.Background()
	b.Run("update", func(b *testing.B) {
		p, err := s.Project(ctx, "prj-bench-050000")
		if err != nil {
			b.Fatal(err)
		}
		in := domain.ProjectInput{Title: p.Title, Kind: p.Kind, Geometry: p.Geometry, ForumID: p.ForumID, Year: p.Year,
			BudgetRupiah: p.BudgetRupiah, Status: p.Status, StartDate: p.StartDate, FinishDate: p.FinishDate}
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			if _, err := s.UpdateProject(ctx, testEditor, p.ID, p.Version+i, in); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("create", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			if _, err := s.CreateProject(ctx, testEditor, roadInput("bench", i)); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkApplyBatch100k: go test -run x -bench ApplyBatch -benchtime 1x ./internal/store/memory/
func BenchmarkApplyBatch100k(b *testing.B) {
	storetest.BenchmarkBatch(b, 100_000, func(b *testing.B) store.FlowStore {
		s, err := memory.New(geodata.FS)
		if err != nil {
			b.Fatal(err)
		}
		return s
	})
}

// BenchmarkApplyBatch100kDurable is BenchmarkApplyBatch100k with a data file.
func BenchmarkApplyBatch100kDurable(b *testing.B) {
	storetest.BenchmarkBatch(b, 100_000, func(b *testing.B) store.FlowStore {
		s, err := memory.Open(geodata.FS, b.TempDir())
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { s.Close() })
		return s
	})
}

// BenchmarkWrites: single-record writes on the sample data, in memory and
// with a data file (fsynced per write).
func BenchmarkWrites(b *testing.B) {
	b.Run("ephemeral", func(b *testing.B) {
		storetest.BenchmarkWrites(b, func(b *testing.B) store.ReadWriter {
			s, err := memory.New(geodata.FS)
			if err != nil {
				b.Fatal(err)
			}
			return s
		})
	})
	b.Run("durable", func(b *testing.B) {
		storetest.BenchmarkWrites(b, func(b *testing.B) store.ReadWriter {
			s, err := memory.Open(geodata.FS, b.TempDir())
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { s.Close() })
			return s
		})
	})
}
