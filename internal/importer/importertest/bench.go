package importertest

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"sync"
	"testing"

	"github.com/paulmach/orb"

	"github.com/serasi/serasi/geodata"
	"github.com/serasi/serasi/internal/dataset"
	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/export"
	"github.com/serasi/serasi/internal/geobuild"
	"github.com/serasi/serasi/internal/importer"
	"github.com/serasi/serasi/internal/layers"
	"github.com/serasi/serasi/internal/store"
	"github.com/serasi/serasi/internal/store/memory"
)

// BenchProjects is the number of synthetic projects the benchmarks import
// and export: IMPORT_BENCH_N, default 100,000 (the goal: import
// ≤ 10 s embedded, ≤ 20 s PostGIS; export to XLSX or GPKG ≤ 10 s).
func BenchProjects() int {
	if n, err := strconv.Atoi(os.Getenv("IMPORT_BENCH_N")); err == nil && n > 0 {
		return n
	}
	return 100_000
}

var (
	benchOnce  sync.Once
	benchFiles map[export.Format][]byte
	benchErr   error
)

// benchFile is BenchProjects synthetic projects (geobuild, seed 1) as the
// export writes them: the file a planner would re-import.
func benchFile(b *testing.B, f export.Format) []byte {
	b.Helper()
	benchOnce.Do(func() {
		ds, err := dataset.Load(geodata.FS)
		if err != nil {
			benchErr = err
			return
		}
		ds.Projects = geobuild.SyntheticProjects(ds, BenchProjects(), 1)
		// The synthetic descriptions are paragraphs; a sheet of 100,000
		// projects with them is over the 20 MB an import takes.
		// Six decimals (about 10 cm) are what GPS and a sheet carry; nine
		// make every WKT a third longer.
		for i := range ds.Projects {
			ds.Projects[i].Description = ""
			ds.Projects[i].Geometry = orb.Round(ds.Projects[i].Geometry, 1e6)
			ds.Projects[i].KelurahanCode = "" // a rounded point may have crossed a boundary: the import finds it
		}
		src := memory.NewFromDataset(ds)
		filters, err := layers.ParseFilters("projects", url.Values{})
		if err != nil {
			benchErr = err
			return
		}
		benchFiles = map[export.Format][]byte{}
		for _, format := range []export.Format{export.CSV, export.XLSX} {
			var buf bytes.Buffer
			if err := export.Write(context.Background(), src, &buf, importer.Projects, format, filters); err != nil {
				benchErr = err
				return
			}
			benchFiles[format] = buf.Bytes()
			// IMPORT_BENCH_DUMP=DIR keeps the files, to time the binary on them.
			if dir := os.Getenv("IMPORT_BENCH_DUMP"); dir != "" {
				if err := os.WriteFile(fmt.Sprintf("%s/projects-%d.%s", dir, BenchProjects(), format), buf.Bytes(), 0o644); err != nil {
					benchErr = err
					return
				}
			}
			if format == export.CSV && buf.Len() > importer.MaxFileBytes {
				benchErr = fmt.Errorf("the benchmark's CSV has %d bytes, more than an import takes", buf.Len())
				return
			}
		}
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchFiles[f]
}

// RunBenchmarks measures, on stores made by h (with the sample data), the
// import of BenchProjects projects from CSV and from XLSX into an empty
// program, and their export to XLSX and GPKG. Run with -benchtime=1x: one
// iteration is one whole file.
func RunBenchmarks(b *testing.B, h func(b *testing.B) (store.ReadWriter, importer.BatchWriter)) {
	ctx := context.Background()
	for _, format := range []export.Format{export.CSV, export.XLSX} {
		b.Run("Import"+string(format), func(b *testing.B) {
			data := benchFile(b, format)
			b.SetBytes(int64(len(data)))
			b.ResetTimer()
			for range b.N {
				b.StopTimer()
				s, w := h(b)
				im := &importer.Importer{Store: s, Writer: w}
				b.StartTimer()
				rep, err := im.Import(ctx, bytes.NewReader(data), importer.Options{Layer: importer.Projects, Name: "bench." + string(format), Actor: editor})
				if err != nil {
					b.Fatal(err)
				}
				if !rep.OK() || rep.Created != BenchProjects() {
					b.Fatalf("import: %d created, %d problems (first %+v)", rep.Created, len(rep.Problems), rep.Problems[:min(1, len(rep.Problems))])
				}
			}
			b.ReportMetric(float64(BenchProjects()), "projects")
		})
	}
	// The reading, mapping and parsing alone, with a writer that only
	// counts: what the import costs before the store's checks and write.
	for _, format := range []export.Format{export.CSV, export.XLSX} {
		b.Run("Read"+string(format), func(b *testing.B) {
			data := benchFile(b, format)
			s, _ := h(b)
			im := &importer.Importer{Store: s, Writer: countingWriter{}}
			b.SetBytes(int64(len(data)))
			b.ResetTimer()
			for range b.N {
				rep, err := im.Import(ctx, bytes.NewReader(data), importer.Options{Layer: importer.Projects, Name: "bench." + string(format), Actor: editor})
				if err != nil || !rep.OK() || rep.Created != BenchProjects() {
					b.Fatalf("read: %v %d created", err, rep.Created)
				}
			}
		})
	}
	for _, format := range []export.Format{export.XLSX, export.GPKG} {
		b.Run("Export"+string(format), func(b *testing.B) {
			s, w := h(b)
			im := &importer.Importer{Store: s, Writer: w}
			rep, err := im.Import(ctx, bytes.NewReader(benchFile(b, export.CSV)), importer.Options{Layer: importer.Projects, Name: "bench.csv", Actor: editor})
			if err != nil || !rep.OK() {
				b.Fatalf("loading the projects: %v %+v", err, rep.Problems[:min(1, len(rep.Problems))])
			}
			filters, _ := layers.ParseFilters("projects", url.Values{})
			b.ResetTimer()
			var n int
			for range b.N {
				var buf bytes.Buffer
				if err := export.Write(ctx, s, &buf, importer.Projects, format, filters); err != nil {
					b.Fatal(err)
				}
				n = buf.Len()
			}
			b.ReportMetric(float64(n)/(1<<20), "MiB")
		})
	}
}

// countingWriter takes every item as created and writes nothing.
type countingWriter struct{}

func (countingWriter) WriteBatch(ctx context.Context, actor domain.Actor, b importer.Batch) (importer.BatchResult, error) {
	return importer.BatchResult{Created: len(b.Forums) + len(b.Projects) + len(b.Activities)}, nil
}
