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
