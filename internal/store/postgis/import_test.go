package postgis_test

import (
	"testing"

	"github.com/serasi/serasi/internal/importer"
	"github.com/serasi/serasi/internal/importer/importertest"
	"github.com/serasi/serasi/internal/store"
	"github.com/serasi/serasi/internal/store/postgis/postgistest"
)

func TestImportConformance(t *testing.T) {
	importertest.RunConformanceTests(t, func(t *testing.T) (store.ReadWriter, importer.BatchWriter) {
		s := postgistest.Open(t, postgistest.NewSeeded(t))
		return s, importer.FlowBatch{Store: s}
	})
}

// BenchmarkImport: scripts/pgtest run -- go test -run x -bench Import -benchtime 1x ./internal/store/postgis/
func BenchmarkImport(b *testing.B) {
	importertest.RunBenchmarks(b, func(b *testing.B) (store.ReadWriter, importer.BatchWriter) {
		s := postgistest.Open(b, postgistest.NewSeeded(b))
		return s, importer.FlowBatch{Store: s}
	})
}
