package postgis_test

import (
	"context"
	"testing"

	"github.com/serasi/serasi/internal/store"
	"github.com/serasi/serasi/internal/store/postgis"
	"github.com/serasi/serasi/internal/store/postgis/postgistest"
	"github.com/serasi/serasi/internal/store/storetest"
)

// TestWriteConformance runs the write suite; every group gets a database
// of its own, since the tests change the data.
func TestWriteConformance(t *testing.T) {
	storetest.RunWriteConformanceTests(t, func(t *testing.T) store.ReadWriter {
		return postgistest.Open(t, postgistest.NewSeeded(t))
	})
}

// TestFlowConformance runs the batch and change-feed suite, a database per
// group.
func TestFlowConformance(t *testing.T) {
	storetest.RunFlowConformanceTests(t, func(t *testing.T) store.FlowStore {
		return postgistest.Open(t, postgistest.NewSeeded(t))
	})
}

func TestChangeRetention(t *testing.T) {
	s, err := postgis.Open(context.Background(), postgis.Config{URL: postgistest.NewSeeded(t), ChangeRetention: storetest.RetentionWindow})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	storetest.RunRetentionTest(t, s)
}
