package tiles_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"

	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/store"
	"github.com/serasi/serasi/internal/tiles"
)

// blockingStore holds every kelurahan read until its context ends, and
// reports the context's error on ended.
type blockingStore struct {
	store.Store
	started chan struct{}
	ended   chan error
}

func (b *blockingStore) Kelurahans(ctx context.Context, f domain.KelurahanFilter) ([]domain.Kelurahan, error) {
	b.started <- struct{}{}
	<-ctx.Done()
	b.ended <- ctx.Err()
	return nil, ctx.Err()
}

// TestRenderStopsWhenCallersGo: two requests wait on one render; the first
// going away leaves the render running for the second, the second going
// away stops it.
func TestRenderStopsWhenCallersGo(t *testing.T) {
	bs := &blockingStore{Store: newStore(t), started: make(chan struct{}, 4), ended: make(chan error, 4)}
	srv := tiles.New(bs, tiles.Options{})
	c := maptile.At(baubau, 13)
	ctxA, cancelA := context.WithCancel(context.Background())
	ctxB, cancelB := context.WithCancel(context.Background())
	defer cancelB()
	errs := make(chan error, 2)
	go func() { _, err := srv.Tile(ctxA, "kelurahan", 13, c.X, c.Y); errs <- err }()
	<-bs.started
	go func() { _, err := srv.GzipTile(ctxB, "kelurahan", 13, c.X, c.Y); errs <- err }()
	// B's gzip form waits on the plain render A started; give it time to join.
	time.Sleep(50 * time.Millisecond)
	cancelA()
	if err := <-errs; !errors.Is(err, context.Canceled) {
		t.Fatalf("first caller: %v, want context.Canceled", err)
	}
	select {
	case err := <-bs.ended:
		t.Fatalf("the render stopped (%v) while a caller still waited", err)
	case <-bs.started:
		t.Fatal("a second render started for the same tile")
	case <-time.After(100 * time.Millisecond):
	}
	cancelB()
	if err := <-errs; !errors.Is(err, context.Canceled) {
		t.Fatalf("second caller: %v, want context.Canceled", err)
	}
	select {
	case err := <-bs.ended:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("render context ended with %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the render still runs after every caller has gone")
	}
}

// TestGzipOnlyWhenAsked: the plain and gzipped forms are cached apart and
// both come from one render; the gzipped form decodes to the plain one.
func TestGzipOnlyWhenAsked(t *testing.T) {
	cs := &countingStore{Store: newStore(t)}
	srv := tiles.New(cs, tiles.Options{})
	c := maptile.At(baubau, 13)
	ctx := context.Background()
	plain, err := srv.Tile(ctx, "kelurahan", 13, c.X, c.Y)
	if err != nil {
		t.Fatal(err)
	}
	if plain.Gzip {
		t.Fatal("Tile returned the gzipped form")
	}
	gz, err := srv.GzipTile(ctx, "kelurahan", 13, c.X, c.Y)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := srv.GzipTile(ctx, "kelurahan", 13, c.X, c.Y)
	if !gz.Gzip || again != gz || cs.calls.Load() != 1 {
		t.Fatalf("gzip %v, cached %v, %d renders; want one render", gz.Gzip, again == gz, cs.calls.Load())
	}
	ls, err := mvt.UnmarshalGzipped(gz.Raw)
	if err != nil {
		t.Fatal(err)
	}
	if want := decode(t, plain.Raw); len(ls) != 1 || len(ls[0].Features) != len(want[0].Features) {
		t.Errorf("gzipped tile has %d layers; plain and gzipped feature counts differ", len(ls))
	}
	if gz.ETag == plain.ETag {
		t.Error("one ETag for both forms")
	}
	// After an invalidation both forms are rendered afresh, once.
	srv.Invalidate()
	if _, err := srv.GzipTile(ctx, "kelurahan", 13, c.X, c.Y); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Tile(ctx, "kelurahan", 13, c.X, c.Y); err != nil {
		t.Fatal(err)
	}
	if cs.calls.Load() != 2 {
		t.Errorf("%d renders after Invalidate, want 2 in all", cs.calls.Load())
	}
}

// TestServeTileClientGone: a request whose client has gone gets no answer
// written and no error logged as internal.
func TestServeTileClientGone(t *testing.T) {
	bs := &blockingStore{Store: newStore(t), started: make(chan struct{}, 1), ended: make(chan error, 1)}
	h := tiles.Routes(bs, tiles.Options{})
	c := maptile.At(baubau, 13)
	ctx, cancel := context.WithCancel(context.Background())
	req := httptest.NewRequest("GET", fmt.Sprintf("/tiles/kelurahan/13/%d/%d.mvt", c.X, c.Y), nil).WithContext(ctx)
	rec := httptest.NewRecorder()
	done := make(chan struct{})
	go func() { h.ServeHTTP(rec, req); close(done) }()
	<-bs.started
	cancel()
	<-done
	if rec.Body.Len() != 0 || rec.Code != 200 || len(rec.Header()) != 0 {
		t.Errorf("answered a gone client: status %d, %q", rec.Code, rec.Body)
	}
}
