package changefeed_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/serasi/serasi/geodata"
	"github.com/serasi/serasi/internal/changefeed"
	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/store/memory"
)

var editor = domain.Actor{TokenID: "tokeditor", Name: "editor", Role: domain.RoleEditor}

func monument(title string) domain.ProjectInput {
	return domain.ProjectInput{Title: title, Kind: domain.HarmonyMonument, Geometry: orb.Point{122.6077, -5.4560},
		Year: 2024, Status: domain.ProjectPlanned}
}

// recorder collects what a follower hands on.
type recorder struct {
	mu      sync.Mutex
	changes []domain.Change
	resets  int
	got     chan struct{}
}

func newRecorder() *recorder { return &recorder{got: make(chan struct{}, 100)} }

func (r *recorder) opts() changefeed.Options {
	return changefeed.Options{
		Poll: time.Hour, // only wake-ups and CatchUp in these tests
		Apply: func(cs []domain.Change) {
			r.mu.Lock()
			r.changes = append(r.changes, cs...)
			r.mu.Unlock()
			r.got <- struct{}{}
		},
		Reset: func() {
			r.mu.Lock()
			r.resets++
			r.mu.Unlock()
			r.got <- struct{}{}
		},
	}
}

func (r *recorder) snapshot() ([]domain.Change, int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]domain.Change(nil), r.changes...), r.resets
}

func TestFollowerRunsOnWakeUps(t *testing.T) {
	s, err := memory.New(geodata.FS)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	before, err := s.CreateProject(ctx, editor, monument("Sebelum"))
	if err != nil {
		t.Fatal(err)
	}
	r := newRecorder()
	f := changefeed.New(ctx, s, r.opts())
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); f.Run(runCtx) }()
	defer func() { cancel(); <-done }()

	p, err := s.CreateProject(ctx, editor, monument("Sesudah"))
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-r.got:
	case <-time.After(5 * time.Second):
		t.Fatal("no change within 5 s of a write")
	}
	cs, resets := r.snapshot()
	if resets != 0 || len(cs) != 1 || cs[0].RecordID != p.ID || cs[0].Operation != domain.OpCreate {
		t.Errorf("follower got %+v (%d resets), want only the create of %s (not %s, before it started)", cs, resets, p.ID, before.ID)
	}
	if f.Seq() != cs[0].Seq {
		t.Errorf("Seq = %d, want %d", f.Seq(), cs[0].Seq)
	}
}

func TestFollowerResetsAfterRetention(t *testing.T) {
	s, err := memory.New(geodata.FS)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	r := newRecorder()
	f := changefeed.New(ctx, s, r.opts())
	if _, err := s.CreateProject(ctx, editor, monument("Satu")); err != nil {
		t.Fatal(err)
	}
	// Every write now drops every older change: the follower, at 0, has
	// missed the first when it reads after the second.
	s.SetChangeRetention(time.Nanosecond)
	time.Sleep(time.Millisecond)
	if _, err := s.CreateProject(ctx, editor, monument("Dua")); err != nil {
		t.Fatal(err)
	}
	if err := f.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	cs, resets := r.snapshot()
	if resets != 1 || len(cs) != 0 {
		t.Errorf("after missed changes: %d resets, changes %+v; want one reset", resets, cs)
	}
	page, _ := s.Changes(ctx, 0, 10)
	if f.Seq() != page.Latest || len(page.Changes) != 1 {
		t.Errorf("Seq = %d, feed %+v: want the follower at the latest, the feed with one change", f.Seq(), page)
	}
}
