package memory_test

import (
	"testing"

	"github.com/serasi/serasi/geodata"
	"github.com/serasi/serasi/internal/store"
	"github.com/serasi/serasi/internal/store/memory"
	"github.com/serasi/serasi/internal/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.RunConformanceTests(t, func(t *testing.T) store.Store {
		s, err := memory.New(geodata.FS)
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

// The read suite on a store opened from a data directory: the records come
// back from the file, not from the embedded data.
func TestConformanceDurable(t *testing.T) {
	storetest.RunConformanceTests(t, func(t *testing.T) store.Store {
		return openDurable(t, t.TempDir())
	})
}

func TestWriteConformance(t *testing.T) {
	storetest.RunWriteConformanceTests(t, func(t *testing.T) store.ReadWriter {
		s, err := memory.New(geodata.FS)
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

func TestWriteConformanceDurable(t *testing.T) {
	storetest.RunWriteConformanceTests(t, func(t *testing.T) store.ReadWriter {
		return openDurable(t, t.TempDir())
	})
}

// openDurable opens a store on dir and closes it when the test ends.
func openDurable(t testing.TB, dir string) *memory.Store {
	t.Helper()
	s, err := memory.Open(geodata.FS, dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestFlowConformance(t *testing.T) {
	storetest.RunFlowConformanceTests(t, func(t *testing.T) store.FlowStore {
		s, err := memory.New(geodata.FS)
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

func TestFlowConformanceDurable(t *testing.T) {
	storetest.RunFlowConformanceTests(t, func(t *testing.T) store.FlowStore {
		return openDurable(t, t.TempDir())
	})
}

func TestChangeRetention(t *testing.T) {
	t.Run("ephemeral", func(t *testing.T) {
		s, err := memory.New(geodata.FS)
		if err != nil {
			t.Fatal(err)
		}
		s.SetChangeRetention(storetest.RetentionWindow)
		storetest.RunRetentionTest(t, s)
	})
	t.Run("durable", func(t *testing.T) {
		s := openDurable(t, t.TempDir())
		s.SetChangeRetention(storetest.RetentionWindow)
		storetest.RunRetentionTest(t, s)
	})
}
