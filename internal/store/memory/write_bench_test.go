package memory_test

import (
	"context"
	"flag"
	"fmt"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/serasi/serasi/geodata"
	"github.com/serasi/serasi/internal/dataset"
	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/store"
	"github.com/serasi/serasi/internal/store/memory"
	"github.com/serasi/serasi/internal/store/storetest"
)

// BenchmarkWriteProject100k measures single project writes against 100,000
// projects, in memory and with a data file whose fsync is off (bbolt
// NoSync: the figure is the write apart from the disk), and reports the
// median (p50-ns/op) beside the mean. A write copies the path of its record
// in the copy-on-write trees, so it should not grow with the projects.
//
//	go test -run '^$' -bench WriteProject100k -benchtime 2000x ./internal/store/memory/
func BenchmarkWriteProject100k(b *testing.B) {
	ds, err := dataset.Load(geodata.FS)
	if err != nil {
		b.Fatal(err)
	}
	sample := ds.Projects
	projects := make([]domain.Project, 0, 100_000)
	for i := range 100_000 {
		p := sample[i%len(sample)]
		p.ID = fmt.Sprintf("prj-bench-%06d", i)
		projects = append(projects, p)
	}
	ctx := context.Background()
	b.Run("ephemeral", func(b *testing.B) {
		ds.Projects = projects
		writeProjectBench(b, memory.NewFromDataset(ds))
	})
	b.Run("durable-nosync", func(b *testing.B) {
		s, err := memory.Open(geodata.FS, b.TempDir())
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { s.Close() })
		memory.SetNoSync(s, true)
		items := make([]store.BatchItem, len(projects))
		for i, p := range projects {
			items[i] = store.BatchItem{Project: &domain.ProjectInput{ID: p.ID, Title: p.Title, Kind: p.Kind,
				Geometry: p.Geometry, ForumID: p.ForumID, Year: p.Year, BudgetRupiah: p.BudgetRupiah, Status: p.Status,
				StartDate: p.StartDate, FinishDate: p.FinishDate, Beneficiaries: p.Beneficiaries, Description: p.Description}}
		}
		if _, err := s.ApplyBatch(ctx, testEditor, store.BatchMeta{Source: "bench"}, items); err != nil {
			b.Fatal(err)
		}
		writeProjectBench(b, s)
	})
}

func writeProjectBench(b *testing.B, s store.ReadWriter) {
	ctx := context.Background()
	b.Run("update", func(b *testing.B) {
		p, err := s.Project(ctx, "prj-bench-050000")
		if err != nil {
			b.Fatal(err)
		}
		in := domain.ProjectInput{Title: p.Title, Kind: p.Kind, Geometry: p.Geometry, ForumID: p.ForumID, Year: p.Year,
			BudgetRupiah: p.BudgetRupiah, Status: p.Status, StartDate: p.StartDate, FinishDate: p.FinishDate}
		var lat latencies
		b.ReportAllocs()
		for b.Loop() {
			start := time.Now()
			if p, err = s.UpdateProject(ctx, testEditor, p.ID, p.Version, in); err != nil {
				b.Fatal(err)
			}
			lat = append(lat, time.Since(start))
		}
		lat.report(b)
	})
	b.Run("create", func(b *testing.B) {
		var lat latencies
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			start := time.Now()
			if _, err := s.CreateProject(ctx, testEditor, roadInput("bench", i)); err != nil {
				b.Fatal(err)
			}
			lat = append(lat, time.Since(start))
		}
		lat.report(b)
	})
}

// latencies are the times of single operations of a benchmark.
type latencies []time.Duration

// report adds their median as the metric p50-ns/op.
func (l latencies) report(b *testing.B) {
	if len(l) == 0 {
		return
	}
	slices.Sort(l)
	b.ReportMetric(float64(l[len(l)/2].Nanoseconds()), "p50-ns/op")
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

// BenchmarkWriteFeed measures what the change feed costs a write: the same
// single-record writes (storetest.BenchmarkWrites) on two stores with a data
// file whose fsync is off (NoSync, to see the bucket rather than the disk),
// one with the feed and one without (WithoutChangeFeed), in rounds that
// interleave them (-feedrounds of them):
//
//	go test -run '^$' -bench WriteFeed -benchtime 2000x ./internal/store/memory/
func BenchmarkWriteFeed(b *testing.B) {
	open := func(b *testing.B, feed bool) *memory.Store {
		s, err := memory.Open(geodata.FS, b.TempDir())
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { s.Close() })
		memory.SetNoSync(s, true)
		if !feed {
			memory.WithoutChangeFeed(s)
		}
		return s
	}
	with, without := open(b, true), open(b, false)
	// Each round also prints the process's CPU time for its writes, feed
	// and no feed: the same writes, so their ratio is the feed's cost in
	// CPU, which load on a shared machine disturbs less than wall time.
	run := func(name string, s store.ReadWriter) time.Duration {
		before := processCPU()
		b.Run(name, func(b *testing.B) {
			storetest.BenchmarkWrites(b, func(b *testing.B) store.ReadWriter { return s })
		})
		return processCPU() - before
	}
	for r := range *writeFeedRounds {
		feed := run(fmt.Sprintf("round%d/feed", r+1), with)
		noFeed := run(fmt.Sprintf("round%d/nofeed", r+1), without)
		if feed > 0 && noFeed > 0 {
			// Printed, not logged: go test shows no log of a benchmark
			// that has sub-benchmarks.
			fmt.Printf("BenchmarkWriteFeed/round%d cpu feed %v nofeed %v ratio %.3f\n", r+1, feed.Round(time.Millisecond),
				noFeed.Round(time.Millisecond), float64(feed)/float64(noFeed))
		}
	}
}

// processCPU is the CPU time this process has used, 0 when the system
// does not say.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// writeFeedRounds is how many rounds BenchmarkWriteFeed interleaves: on a
// shared machine more, shorter rounds give steadier medians.
var writeFeedRounds = flag.Int("feedrounds", 5, "rounds of BenchmarkWriteFeed")
