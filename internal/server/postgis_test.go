package server_test

import (
	"context"
	"testing"
	"time"

	"github.com/serasi/serasi/internal/server/servertest"
	"github.com/serasi/serasi/internal/store"
	"github.com/serasi/serasi/internal/store/postgis"
	"github.com/serasi/serasi/internal/store/postgis/postgistest"
)

// TestGraphQLPostGIS runs the same GraphQL API suite over PostGIS seeded
// with the embedded data. It needs TEST_DATABASE_URL (scripts/pgtest run --
// go test ./internal/server/...); without it the test is skipped, except
// under CI=true, where postgistest fails it.
func TestGraphQLPostGIS(t *testing.T) {
	u := postgistest.NewSeeded(t)
	servertest.Run(t, func(t *testing.T) store.Store {
		return postgistest.Open(t, u)
	})
}

// TestWritesPostGIS runs the write suite over PostGIS; every group gets a
// database of its own, since the tests change the data.
func TestWritesPostGIS(t *testing.T) {
	postgistest.URL(t)
	servertest.RunWrites(t, func(t *testing.T) store.ReadWriter {
		return postgistest.Open(t, postgistest.NewSeeded(t))
	})
}

// TestSubscriptionsPostGIS runs the subscription suite over two stores on
// one database, as two instances: written through one, subscribed on the
// other.
func TestSubscriptionsPostGIS(t *testing.T) {
	postgistest.URL(t)
	servertest.RunSubscriptions(t, func(t *testing.T) servertest.SubscriptionStores {
		u := postgistest.NewSeeded(t)
		return servertest.SubscriptionStores{Writer: postgistest.Open(t, u), Reader: postgistest.Open(t, u),
			Shorten: func(t *testing.T) store.ReadWriter {
				s, err := postgis.Open(context.Background(), postgis.Config{URL: u, MaxOpenConns: 2, ChangeRetention: time.Millisecond})
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { s.Close() })
				return s
			}}
	})
}
