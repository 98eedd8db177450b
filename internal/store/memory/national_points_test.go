package memory_test

import (
	"testing"

	"github.com/serasi/serasi/geodata"
	"github.com/serasi/serasi/internal/boundaries"
	"github.com/serasi/serasi/internal/store"
	"github.com/serasi/serasi/internal/store/memory"
	"github.com/serasi/serasi/internal/store/storetest"
)

// TestNationalConformance runs the national conformance suite on a data directory
// with the national boundaries imported, as `serasi import boundaries`
// does. Skipped without the national data, failed under CI=true.
func TestNationalConformance(t *testing.T) {
	storetest.RunNationalConformanceTests(t, func(t *testing.T, set *boundaries.Set) store.Store {
		dir := t.TempDir()
		if _, err := memory.ImportBoundaries(dir, set); err != nil {
			t.Fatal(err)
		}
		s, err := memory.Open(geodata.FS, dir)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	})
}
