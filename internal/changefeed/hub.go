package changefeed

import (
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/paulmach/orb"

	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/spatial"
	"github.com/serasi/serasi/internal/store"
)

// Defaults of HubOptions.
const (
	DefaultMaxSubscribers = 10_000
	DefaultBuffer         = 256
)

// Why a subscription ended, other than its own Close.
var (
	// ErrSlowConsumer: the subscriber's buffer was full when a change came;
	// it is dropped rather than held in memory without bound.
	ErrSlowConsumer = errors.New("changefeed: subscriber too slow: its buffer of changes is full")
	// ErrReset: the instance's follower lost its place in the feed (changes
	// dropped by retention while it could not read); a subscriber resumes
	// with its last Seq and the feed says what it can still have.
	ErrReset = errors.New("changefeed: the instance lost its place in the change feed")
	// ErrClosed: the hub was closed (the instance shuts down).
	ErrClosed = errors.New("changefeed: the instance is shutting down")
	// ErrTooManySubscribers: the hub already holds Max.
	ErrTooManySubscribers = errors.New("changefeed: too many subscriptions on this instance")
	// ErrNotReady: the follower has not read the feed yet, so a new
	// subscriber could not be told where it starts.
	ErrNotReady = errors.New("changefeed: the change feed has not been read yet")
)

// HubOptions configure a Hub.
type HubOptions struct {
	// MaxSubscribers bounds the subscriptions of the instance
	// (DefaultMaxSubscribers).
	Max int
	// Buffer is how many changes a subscriber may fall behind before it is
	// dropped with ErrSlowConsumer (DefaultBuffer).
	Buffer int
	// Load reads the record a change is about, as stored now; it is called
	// at most once per change however many subscribers ask (Event.Record).
	Load func(ctx context.Context, c domain.Change) (any, error)
}

// Hub hands the changes an instance's Follower reads to every subscriber
// of that instance (GraphQL subscriptions): one read of the feed, however
// many subscribers. It is a Consumer; it never blocks the follower: a
// subscriber whose buffer is full is dropped.
type Hub struct {
	opts HubOptions

	mu     sync.Mutex
	seq    int64 // the last Seq handed on; -1 while unknown
	subs   map[*Subscription]struct{}
	closed bool
}

var _ Consumer = (*Hub)(nil)

// NewHub returns a hub; it starts handing changes on once a Follower's
// Subscribe has told it where the feed stands.
func NewHub(opts HubOptions) *Hub {
	if opts.Max <= 0 {
		opts.Max = DefaultMaxSubscribers
	}
	if opts.Buffer <= 0 {
		opts.Buffer = DefaultBuffer
	}
	return &Hub{opts: opts, seq: -1, subs: map[*Subscription]struct{}{}}
}

// Event is a change as a subscriber receives it, shared by all of them.
type Event struct {
	domain.Change
	load   func(ctx context.Context, c domain.Change) (any, error)
	once   sync.Once
	record any
	err    error
}

// NewEvent wraps c (a change read from the feed rather than handed on by
// the hub, e.g. when a subscriber resumes) with the hub's record loader.
func (h *Hub) NewEvent(c domain.Change) *Event { return &Event{Change: c, load: h.opts.Load} }

// Record returns the change's record as stored when it was first asked for
// (a domain.Project, Forum or Activity; its version may be newer than the
// change's), or nil when it no longer exists. The first caller loads it;
// everyone else waits for that load.
func (e *Event) Record(ctx context.Context) (any, error) {
	e.once.Do(func() {
		if e.load == nil {
			return
		}
		// Not the first asker's context: its end must not fail the others.
		lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		e.record, e.err = e.load(lctx, e.Change)
		if domain.ErrorCode(e.err) == domain.ENOTFOUND {
			e.record, e.err = nil, nil
		}
	})
	return e.record, e.err
}

// Filter says which changes a subscriber wants; the zero Filter takes all.
type Filter struct {
	// Types keeps changes of these record types (none: every type).
	Types []domain.RecordType
	// BBox keeps changes whose old or new bounds meet it.
	BBox *orb.Bound
	// Areas keeps changes whose old or new bounds meet one of these
	// polygons (the kelurahan a subscriber asked for).
	Areas []orb.Geometry
}

// Match reports whether c passes f.
func (f Filter) Match(c domain.Change) bool {
	if len(f.Types) > 0 && !slices.Contains(f.Types, c.RecordType) {
		return false
	}
	if f.BBox != nil && !meetsBound(c, *f.BBox) {
		return false
	}
	if len(f.Areas) > 0 && !meetsArea(c, f.Areas) {
		return false
	}
	return true
}

func meetsBound(c domain.Change, b orb.Bound) bool {
	return (c.OldBound != nil && c.OldBound.Intersects(b)) || (c.NewBound != nil && c.NewBound.Intersects(b))
}

func meetsArea(c domain.Change, areas []orb.Geometry) bool {
	for _, b := range []*orb.Bound{c.OldBound, c.NewBound} {
		if b == nil {
			continue
		}
		var g orb.Geometry = b.ToPolygon()
		if b.Min == b.Max {
			g = b.Min
		}
		for _, a := range areas {
			if spatial.Intersects(a, g) {
				return true
			}
		}
	}
	return false
}

// Subscription is one subscriber's queue of events.
type Subscription struct {
	hub    *Hub
	filter Filter
	ch     chan *Event
	done   chan struct{}
	// Start is the Seq of the last change before this subscription: the
	// hub hands on every matching change after it, and a subscriber that
	// resumes from an older Seq reads the feed up to Start first.
	Start int64

	once sync.Once
	err  error
}

// Subscribe registers a subscriber of the changes that pass f.
// ErrTooManySubscribers or ErrNotReady when it cannot.
func (h *Hub) Subscribe(f Filter) (*Subscription, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil, ErrClosed
	}
	if h.seq < 0 {
		return nil, ErrNotReady
	}
	if len(h.subs) >= h.opts.Max {
		return nil, ErrTooManySubscribers
	}
	s := &Subscription{hub: h, filter: f, ch: make(chan *Event, h.opts.Buffer), done: make(chan struct{}), Start: h.seq}
	h.subs[s] = struct{}{}
	return s, nil
}

// Len returns the number of subscriptions.
func (h *Hub) Len() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.subs)
}

// Apply implements Consumer: it hands cs to every subscriber they match.
func (h *Hub) Apply(cs []domain.Change) {
	if len(cs) == 0 {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, c := range cs {
		if c.Seq <= h.seq {
			continue // a Reset told us it is behind us
		}
		var ev *Event
		for s := range h.subs {
			if !s.filter.Match(c) {
				continue
			}
			if ev == nil {
				ev = h.NewEvent(c)
			}
			select {
			case s.ch <- ev:
			default:
				h.dropLocked(s, ErrSlowConsumer)
			}
		}
		h.seq = c.Seq
	}
}

// Reset implements Consumer: every subscriber is dropped with ErrReset
// (it cannot know what it missed) and the hub goes on from latest.
func (h *Hub) Reset(latest int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs {
		h.dropLocked(s, ErrReset)
	}
	h.seq = latest
}

// Close drops every subscriber with ErrClosed and refuses new ones.
func (h *Hub) Close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = true
	for s := range h.subs {
		h.dropLocked(s, ErrClosed)
	}
}

func (h *Hub) dropLocked(s *Subscription, err error) {
	delete(h.subs, s)
	s.once.Do(func() {
		s.err = err
		close(s.done)
	})
}

// Events delivers the subscription's events in Seq order.
func (s *Subscription) Events() <-chan *Event { return s.ch }

// Done is closed when the hub dropped the subscription (Err says why) or
// it was closed.
func (s *Subscription) Done() <-chan struct{} { return s.done }

// Err says why the subscription ended: ErrSlowConsumer, ErrReset, or nil
// (still open, or closed by its owner).
func (s *Subscription) Err() error {
	select {
	case <-s.done:
		return s.err
	default:
		return nil
	}
}

// Close ends the subscription; events already queued stay readable.
func (s *Subscription) Close() {
	s.hub.mu.Lock()
	defer s.hub.mu.Unlock()
	s.hub.dropLocked(s, nil)
}

// Resume hands yield, in order, the changes after since that s did not
// get from the hub (those up to s.Start) and pass its filter, read from
// feed a page at a time; it stops early when yield returns false. A
// *MissedError when retention dropped some of them.
func (s *Subscription) Resume(ctx context.Context, feed store.ChangeFeed, since int64, yield func(*Event) bool) error {
	for since < s.Start {
		page, err := feed.Changes(ctx, since, int(min(pageSize, s.Start-since)))
		if err != nil {
			return err
		}
		if page.Missed(since) {
			return &MissedError{Since: since, Oldest: page.Oldest}
		}
		if len(page.Changes) == 0 {
			return nil
		}
		for _, c := range page.Changes {
			if c.Seq > s.Start {
				return nil
			}
			if s.filter.Match(c) && !yield(s.hub.NewEvent(c)) {
				return nil
			}
		}
		since = page.Changes[len(page.Changes)-1].Seq
	}
	return nil
}

// MissedError says a subscriber resumed from a Seq whose successors the
// feed no longer holds (retention): it must reload and start afresh.
type MissedError struct {
	Since, Oldest int64
}

func (e *MissedError) Error() string {
	return "changefeed: changes after the given position were dropped by retention"
}
