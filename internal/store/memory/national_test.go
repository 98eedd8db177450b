package memory_test

import (
	"testing"

	"github.com/serasi/serasi/geodata"
	"github.com/serasi/serasi/internal/boundaries"
	"github.com/serasi/serasi/internal/boundaries/boundariestest"
	"github.com/serasi/serasi/internal/store"
	"github.com/serasi/serasi/internal/store/memory"
	"github.com/serasi/serasi/internal/store/storetest"
)

type nationalHarness struct{ dir string }

func (h *nationalHarness) Open(t *testing.T, set *boundaries.Set) store.ReadWriter {
	h.dir = t.TempDir()
	if changed, err := memory.ImportBoundaries(h.dir, set); err != nil || !changed {
		t.Fatalf("ImportBoundaries into an empty data dir: changed %v, %v", changed, err)
	}
	s, err := memory.Open(geodata.FS, h.dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func (h *nationalHarness) Reimport(t *testing.T, set *boundaries.Set) bool {
	changed, err := memory.ImportBoundaries(h.dir, set)
	if err != nil {
		t.Fatal(err)
	}
	return changed
}

// TestNationalImport: the archive imported into a data dir, the store
// started from it (fails under CI=true without the archive).
func TestNationalImport(t *testing.T) {
	storetest.RunNationalImportTests(t, boundariestest.National(t), &nationalHarness{})
}
