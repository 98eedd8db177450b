package server_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/paulmach/orb/encoding/mvt"

	"github.com/serasi/serasi/geodata"
	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/server"
	"github.com/serasi/serasi/internal/store"
	"github.com/serasi/serasi/internal/store/memory"
)

// hidingStore stands in for a write: once hide is set, it answers no
// kelurahan, as if every one had been deleted.
type hidingStore struct {
	store.Store
	hide atomic.Bool
}

func (s *hidingStore) Kelurahans(ctx context.Context, f domain.KelurahanFilter) ([]domain.Kelurahan, error) {
	if s.hide.Load() {
		return nil, nil
	}
	return s.Store.Kelurahans(ctx, f)
}

// TestInvalidateTiles checks, through the real handler, that a cached tile
// outlives a change of the data until InvalidateTiles, and not after.
func TestInvalidateTiles(t *testing.T) {
	mem, err := memory.New(geodata.FS)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { mem.Close() })
	st := &hidingStore{Store: mem}
	srv := server.New(server.Config{}, st, nil)

	// The tile over Wale, central Baubau.
	const path = "/tiles/kelurahan/14/13772/8441.mvt"
	features := func() int {
		t.Helper()
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if rec.Code != http.StatusOK {
			t.Fatalf("GET %s: status %d\n%s", path, rec.Code, rec.Body)
		}
		ls, err := mvt.Unmarshal(rec.Body.Bytes())
		if err != nil || len(ls) != 1 {
			t.Fatalf("GET %s: %d layers, %v", path, len(ls), err)
		}
		return len(ls[0].Features)
	}

	before := features()
	if before == 0 {
		t.Fatal("no kelurahan in the tile over Wale")
	}
	st.hide.Store(true)
	if n := features(); n != before {
		t.Fatalf("before InvalidateTiles: %d features, want the cached %d", n, before)
	}
	srv.InvalidateTiles()
	if n := features(); n != 0 {
		t.Errorf("after InvalidateTiles: %d features, want 0", n)
	}
}
