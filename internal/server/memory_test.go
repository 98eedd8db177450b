package server_test

import (
	"testing"
	"time"

	"github.com/serasi/serasi/geodata"
	"github.com/serasi/serasi/internal/server"
	"github.com/serasi/serasi/internal/server/servertest"
	"github.com/serasi/serasi/internal/store"
	"github.com/serasi/serasi/internal/store/memory"
)

// TestGraphQLMemory runs the GraphQL API suite over the embedded store.
func TestGraphQLMemory(t *testing.T) {
	servertest.Run(t, func(t *testing.T) store.Store {
		st, err := memory.New(geodata.FS)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	})
}

// TestWritesMemory runs the write suite over the embedded store with a
// data directory, as serve runs it by default.
func TestWritesMemory(t *testing.T) {
	servertest.RunWrites(t, func(t *testing.T) store.ReadWriter {
		st, err := memory.Open(geodata.FS, t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	})
}

// TestWritesMemoryCopy runs it with the map copy over the embedded store
// (serve --map-copy-embedded): tiles, pages and features follow the
// writes through the copy.
func TestWritesMemoryCopy(t *testing.T) {
	servertest.RunWritesWith(t, server.Config{CopyInProcess: true}, func(t *testing.T) store.ReadWriter {
		st, err := memory.Open(geodata.FS, t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	})
}

// TestWritesMemoryEphemeral runs it over the purely in-memory store (serve --ephemeral).
func TestWritesMemoryEphemeral(t *testing.T) {
	servertest.RunWrites(t, func(t *testing.T) store.ReadWriter {
		st, err := memory.New(geodata.FS)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	})
}

// TestSubscriptionsMemory runs the subscription suite over the embedded
// store: changes are written to the store directly, not through the
// server that follows its feed, as another instance's would be.
func TestSubscriptionsMemory(t *testing.T) {
	servertest.RunSubscriptions(t, func(t *testing.T) servertest.SubscriptionStores {
		st, err := memory.Open(geodata.FS, t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return servertest.SubscriptionStores{Writer: st, Reader: st, Shorten: func(t *testing.T) store.ReadWriter {
			st.SetChangeRetention(time.Millisecond)
			return st
		}}
	})
}
