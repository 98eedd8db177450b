// Package changefeed follows a store's durable change feed
// (store.ChangeFeed) and hands every change, in order, to what must forget
// derived state: the vector-tile cache of every instance.
package changefeed

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/store"
)

// DefaultPoll is how often a follower reads the feed when no wake-up came:
// the most a lost notification adds to the latency of a change.
const DefaultPoll = time.Second

// pageSize is how many changes one read takes.
const pageSize = 1000

// Options configure a Follower.
type Options struct {
	// Poll is the fallback interval; default DefaultPoll.
	Poll time.Duration
	// Apply receives each page of new changes, in Seq order.
	Apply func(cs []domain.Change)
	// Reset is called instead when the follower cannot know what changed:
	// changes it had not read were dropped by retention, or it could not
	// read the feed when it started. Everything derived must be forgotten.
	Reset func()
	// Logger receives read failures; default slog.Default().
	Logger *slog.Logger
}

// Follower reads a feed from the point it was made at. Run follows it in
// the background; CatchUp reads it now (a writer that must see its own
// write). Both are safe to call concurrently.
type Follower struct {
	feed store.ChangeFeed
	opts Options

	mu        sync.Mutex // serialises reads, so that changes are applied once and in order
	since     int64      // the last Seq applied; -1 until the start is known
	consumers []Consumer // besides opts.Apply and opts.Reset (Subscribe)
}

// Consumer is one more reader of what a Follower reads: every instance
// has one follower, which feeds the tile cache (Options) and any number of
// consumers (the subscription Hub, an in-process copy of the layers).
type Consumer interface {
	// Apply receives each page of new changes, in Seq order, after
	// Options.Apply; it must not block (it holds up the follower).
	Apply(cs []domain.Change)
	// Reset says the follower now stands at Seq latest and cannot tell
	// what changed before (-1: it does not know yet). Subscribe calls it
	// once with where the follower stands.
	Reset(latest int64)
}

// Subscribe adds c to the consumers of f and tells it where f stands.
func (f *Follower) Subscribe(c Consumer) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.consumers = append(f.consumers, c)
	c.Reset(f.since)
}

func (f *Follower) apply(cs []domain.Change) {
	f.opts.Apply(cs)
	for _, c := range f.consumers {
		c.Apply(cs)
	}
}

func (f *Follower) reset(latest int64) {
	f.opts.Reset()
	f.since = latest
	for _, c := range f.consumers {
		c.Reset(latest)
	}
}

// New returns a follower of feed that starts after the feed's latest
// change now. When the feed cannot be read now, the first successful read
// resets and starts from there.
func New(ctx context.Context, feed store.ChangeFeed, opts Options) *Follower {
	if opts.Poll <= 0 {
		opts.Poll = DefaultPoll
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Apply == nil {
		opts.Apply = func([]domain.Change) {}
	}
	if opts.Reset == nil {
		opts.Reset = func() {}
	}
	f := &Follower{feed: feed, opts: opts, since: -1}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if page, err := feed.Changes(ctx, 0, 0); err == nil {
		f.since = page.Latest
	} else {
		opts.Logger.WarnContext(ctx, "change feed: cannot read the start; the first read will reset", "err", err)
	}
	return f
}

// Seq returns the last sequence number applied (-1 before the start is known).
func (f *Follower) Seq() int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.since
}

// CatchUp reads and applies every change committed so far.
func (f *Follower) CatchUp(ctx context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.since < 0 {
		page, err := f.feed.Changes(ctx, 0, 0)
		if err != nil {
			return err
		}
		f.reset(page.Latest)
		return nil
	}
	for {
		page, err := f.feed.Changes(ctx, f.since, pageSize)
		if err != nil {
			return err
		}
		if page.Missed(f.since) {
			f.reset(page.Latest)
			return nil
		}
		if len(page.Changes) == 0 {
			return nil
		}
		f.apply(page.Changes)
		f.since = page.Changes[len(page.Changes)-1].Seq
		if len(page.Changes) < pageSize {
			return nil
		}
	}
}

// Run follows the feed until ctx ends: it reads after every wake-up of
// feed.Listen and every Poll besides.
func (f *Follower) Run(ctx context.Context) {
	wake := f.feed.Listen(ctx)
	tick := time.NewTicker(f.opts.Poll)
	defer tick.Stop()
	for {
		if err := f.CatchUp(ctx); err != nil && ctx.Err() == nil {
			f.opts.Logger.WarnContext(ctx, "change feed: read failed; retrying at the next poll", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case _, ok := <-wake:
			if !ok {
				wake = nil // closed: only the poll is left
			}
		case <-tick.C:
		}
	}
}
