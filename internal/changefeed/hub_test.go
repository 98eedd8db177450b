package changefeed_test

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/serasi/serasi/geodata"
	"github.com/serasi/serasi/internal/changefeed"
	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/store/memory"
)

func pointChange(seq int64, typ domain.RecordType, p orb.Point) domain.Change {
	b := p.Bound()
	return domain.Change{Seq: seq, RecordType: typ, RecordID: fmt.Sprint("r", seq), Operation: domain.OpCreate, Version: 1, NewBound: &b}
}

func TestFilterMatch(t *testing.T) {
	wale := orb.Point{122.6077, -5.4560}
	far := orb.Point{122.70, -5.40}
	square := orb.Polygon{{{122.60, -5.46}, {122.61, -5.46}, {122.61, -5.45}, {122.60, -5.45}, {122.60, -5.46}}}
	box := square.Bound()
	moved := pointChange(9, domain.RecordProject, wale)
	old := far.Bound()
	moved.OldBound, moved.NewBound = moved.NewBound, &old
	deleted := pointChange(10, domain.RecordProject, wale)
	deleted.OldBound, deleted.NewBound = deleted.NewBound, nil
	for _, tc := range []struct {
		name string
		f    changefeed.Filter
		c    domain.Change
		want bool
	}{
		{"zero filter", changefeed.Filter{}, pointChange(1, domain.RecordForum, far), true},
		{"type kept", changefeed.Filter{Types: []domain.RecordType{domain.RecordProject}}, pointChange(1, domain.RecordProject, far), true},
		{"type dropped", changefeed.Filter{Types: []domain.RecordType{domain.RecordForum}}, pointChange(1, domain.RecordProject, far), false},
		{"in box", changefeed.Filter{BBox: &box}, pointChange(1, domain.RecordProject, wale), true},
		{"out of box", changefeed.Filter{BBox: &box}, pointChange(1, domain.RecordProject, far), false},
		{"moved out of box: old bound", changefeed.Filter{BBox: &box}, moved, true},
		{"deleted in box", changefeed.Filter{BBox: &box}, deleted, true},
		{"in area", changefeed.Filter{Areas: []orb.Geometry{square}}, pointChange(1, domain.RecordProject, wale), true},
		{"out of area", changefeed.Filter{Areas: []orb.Geometry{square}}, pointChange(1, domain.RecordProject, far), false},
		{"no bounds, box asked", changefeed.Filter{BBox: &box}, domain.Change{Seq: 1, RecordType: domain.RecordProject}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.f.Match(tc.c); got != tc.want {
				t.Errorf("Match = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestHubFansOutAndDropsSlowConsumers(t *testing.T) {
	var loads atomic.Int32
	h := changefeed.NewHub(changefeed.HubOptions{Buffer: 2, Max: 3, Load: func(ctx context.Context, c domain.Change) (any, error) {
		loads.Add(1)
		return c.RecordID, nil
	}})
	if _, err := h.Subscribe(changefeed.Filter{}); !errors.Is(err, changefeed.ErrNotReady) {
		t.Fatalf("before the start is known: %v, want ErrNotReady", err)
	}
	h.Reset(5)
	fast, _ := h.Subscribe(changefeed.Filter{})
	slow, _ := h.Subscribe(changefeed.Filter{})
	forums, _ := h.Subscribe(changefeed.Filter{Types: []domain.RecordType{domain.RecordForum}})
	if fast.Start != 5 {
		t.Errorf("Start = %d, want 5", fast.Start)
	}
	if _, err := h.Subscribe(changefeed.Filter{}); !errors.Is(err, changefeed.ErrTooManySubscribers) {
		t.Errorf("fourth: %v, want ErrTooManySubscribers", err)
	}
	p := orb.Point{122.6, -5.45}
	h.Apply([]domain.Change{pointChange(4, domain.RecordProject, p), pointChange(6, domain.RecordProject, p), pointChange(7, domain.RecordProject, p)})
	// fast reads as they come; 4 is behind the start and skipped.
	var got []int64
	for range 2 {
		ev := <-fast.Events()
		got = append(got, ev.Seq)
	}
	if fmt.Sprint(got) != "[6 7]" {
		t.Errorf("fast got %v, want [6 7]", got)
	}
	// The events are shared: one load however many subscribers ask.
	ev := <-slow.Events()
	for range 3 {
		if r, err := ev.Record(context.Background()); r != "r6" || err != nil {
			t.Errorf("Record = %v, %v", r, err)
		}
	}
	if loads.Load() != 1 {
		t.Errorf("%d loads, want 1", loads.Load())
	}
	h.Apply([]domain.Change{pointChange(8, domain.RecordProject, p), pointChange(9, domain.RecordProject, p)})
	// slow still holds 7, so 9 does not fit: it is dropped, the others not.
	select {
	case <-slow.Done():
	default:
		t.Fatal("the slow subscriber was not dropped")
	}
	if !errors.Is(slow.Err(), changefeed.ErrSlowConsumer) || fast.Err() != nil || forums.Err() != nil {
		t.Errorf("errs: slow %v, fast %v, forums %v", slow.Err(), fast.Err(), forums.Err())
	}
	if len(forums.Events()) != 0 {
		t.Errorf("the forums subscriber got %d project changes", len(forums.Events()))
	}
	// Its place is free again.
	again, err := h.Subscribe(changefeed.Filter{})
	if err != nil || again.Start != 9 {
		t.Fatalf("resubscribe: %v, Start %d, want 9", err, again.Start)
	}
	h.Reset(20)
	for _, s := range []*changefeed.Subscription{fast, forums, again} {
		if !errors.Is(s.Err(), changefeed.ErrReset) {
			t.Errorf("after Reset: %v, want ErrReset", s.Err())
		}
	}
	last, _ := h.Subscribe(changefeed.Filter{})
	h.Close()
	if !errors.Is(last.Err(), changefeed.ErrClosed) {
		t.Errorf("after Close: %v, want ErrClosed", last.Err())
	}
	if _, err := h.Subscribe(changefeed.Filter{}); !errors.Is(err, changefeed.ErrClosed) {
		t.Errorf("subscribe after Close: %v, want ErrClosed", err)
	}
}

// TestFollowerFeedsConsumers: a follower hands every page to its options
// and to each consumer, and tells a new consumer where it stands.
func TestFollowerFeedsConsumers(t *testing.T) {
	s, err := memory.New(geodata.FS)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := s.CreateProject(ctx, editor, monument("Sebelum")); err != nil {
		t.Fatal(err)
	}
	r := newRecorder()
	f := changefeed.New(ctx, s, r.opts())
	h := changefeed.NewHub(changefeed.HubOptions{})
	f.Subscribe(h)
	sub, err := h.Subscribe(changefeed.Filter{})
	if err != nil || sub.Start != f.Seq() {
		t.Fatalf("subscribe: %v, Start %d, follower at %d", err, sub.Start, f.Seq())
	}
	p, err := s.CreateProject(ctx, editor, monument("Sesudah"))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	select {
	case ev := <-sub.Events():
		if ev.RecordID != p.ID {
			t.Errorf("hub got %s, want %s", ev.RecordID, p.ID)
		}
	case <-time.After(time.Second):
		t.Fatal("the hub got nothing")
	}
	if cs, _ := r.snapshot(); len(cs) != 1 || cs[0].RecordID != p.ID {
		t.Errorf("Options.Apply got %+v, want the one change", cs)
	}
}
