package server_test

import (
	"testing"

	"github.com/serasi/serasi/internal/server/servertest"
	"github.com/serasi/serasi/internal/store"
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
