package memory_test

import (
	"testing"

	"github.com/serasi/serasi/geodata"
	"github.com/serasi/serasi/internal/importer"
	"github.com/serasi/serasi/internal/importer/importertest"
	"github.com/serasi/serasi/internal/store"
	"github.com/serasi/serasi/internal/store/memory"
)

func TestImportConformance(t *testing.T) {
	importertest.RunConformanceTests(t, func(t *testing.T) (store.ReadWriter, importer.BatchWriter) {
		s, err := memory.New(geodata.FS)
		if err != nil {
			t.Fatal(err)
		}
		return s, importer.FlowBatch{Store: s}
	})
}

func TestImportConformanceDurable(t *testing.T) {
	importertest.RunConformanceTests(t, func(t *testing.T) (store.ReadWriter, importer.BatchWriter) {
		s := openDurable(t, t.TempDir())
		return s, importer.FlowBatch{Store: s}
	})
}

// BenchmarkImport: go test -run x -bench Import -benchtime 1x ./internal/store/memory/
func BenchmarkImport(b *testing.B) {
	importertest.RunBenchmarks(b, func(b *testing.B) (store.ReadWriter, importer.BatchWriter) {
		s := openDurable(b, b.TempDir())
		return s, importer.FlowBatch{Store: s}
	})
}
