package graph

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/paulmach/orb"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/serasi/serasi/graph/loaders"
	"github.com/serasi/serasi/graph/model"
	"github.com/serasi/serasi/internal/changefeed"
	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/httpx"
	"github.com/serasi/serasi/internal/store"
)

// ChangeRecord is the Go side of the GraphQL union ChangeRecord: a
// domain.Project, domain.Forum or domain.Activity (the union's members
// bind to the domain types, which know nothing of GraphQL).
type ChangeRecord interface{}

// maxKelurahanCodes bounds ChangeFilter.kelurahanCodes (Baubau has 43).
const maxKelurahanCodes = 100

// Changes is what the changes subscription reads: the instance's hub
// (fed by its one follower of the feed) and the feed itself, for
// subscribers that resume.
type Changes struct {
	Hub  *changefeed.Hub
	Feed store.ChangeFeed
}

// Conn is one client connection that carries subscriptions: a WebSocket,
// or one SSE request. The HTTP layer puts it in the context (WithConn).
type Conn struct {
	// Max bounds the subscriptions open on it at once (0: no bound).
	Max int
	// Kill, when set, ends the connection because a subscription on it
	// ended with err (a slow consumer, a reset of the feed): the WebSocket
	// transport closes with a 4xxx code.
	Kill func(err error)

	mu sync.Mutex
	n  int
}

type connKey struct{}

// WithConn returns ctx carrying c.
func WithConn(ctx context.Context, c *Conn) context.Context {
	return context.WithValue(ctx, connKey{}, c)
}

// ConnFrom returns the Conn of ctx, if any.
func ConnFrom(ctx context.Context) (*Conn, bool) {
	c, ok := ctx.Value(connKey{}).(*Conn)
	return c, ok
}

func (c *Conn) acquire() bool {
	if c == nil {
		return true
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.Max > 0 && c.n >= c.Max {
		return false
	}
	c.n++
	return true
}

func (c *Conn) release() {
	if c == nil {
		return
	}
	c.mu.Lock()
	c.n--
	c.mu.Unlock()
}

// Reasons in extensions.reason of the error that ends a subscription.
const (
	ReasonSlowConsumer = "SLOW_CONSUMER"
	ReasonReset        = "FEED_RESET"
	ReasonShutdown     = "SHUTDOWN"
)

// EncodeChangeCursor makes the opaque cursor of a change's Seq.
func EncodeChangeCursor(seq int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte("change:" + strconv.FormatInt(seq, 10)))
}

// DecodeChangeCursor reads a cursor made by EncodeChangeCursor.
func DecodeChangeCursor(s string) (int64, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err == nil {
		if rest, ok := strings.CutPrefix(string(b), "change:"); ok {
			if seq, err := strconv.ParseInt(rest, 10, 64); err == nil && seq >= 0 {
				return seq, nil
			}
		}
	}
	return 0, domain.Invalid("since", "is not a cursor of the changes subscription")
}

func tooMany(msg string) error {
	return &gqlerror.Error{Message: msg, Extensions: map[string]any{"code": httpx.CodeTooManyRequests}}
}

// changeFilter translates the subscription's filter for the hub.
func (r *Resolver) changeFilter(ctx context.Context, f *model.ChangeFilter) (changefeed.Filter, error) {
	var out changefeed.Filter
	if f == nil {
		return out, nil
	}
	for _, l := range f.Layers {
		switch l {
		case model.ChangeLayerForums:
			out.Types = append(out.Types, domain.RecordForum)
		case model.ChangeLayerProjects:
			out.Types = append(out.Types, domain.RecordProject)
		case model.ChangeLayerActivities:
			out.Types = append(out.Types, domain.RecordActivity)
		}
	}
	bb, err := bound("filter.bbox", f.Bbox)
	if err != nil {
		return out, err
	}
	if err := store.ValidateBound("filter.bbox", bb); err != nil {
		return out, err
	}
	out.BBox = bb
	if f.KelurahanCodes != nil {
		if len(f.KelurahanCodes) == 0 || len(f.KelurahanCodes) > maxKelurahanCodes {
			return out, domain.Invalid("filter.kelurahanCodes", "must name 1 to %d kelurahan", maxKelurahanCodes)
		}
		ks, err := r.Store.KelurahansByCodes(ctx, f.KelurahanCodes)
		if err != nil {
			return out, err
		}
		found := map[string]orb.Geometry{}
		for _, k := range ks {
			found[k.Code] = k.Geometry
		}
		for _, c := range f.KelurahanCodes {
			g, ok := found[c]
			if !ok {
				return out, domain.Invalid("filter.kelurahanCodes", "unknown kelurahan code %q", c)
			}
			out.Areas = append(out.Areas, g)
		}
	}
	return out, nil
}

// subscribeChanges opens a changes subscription: the hub's events after
// its Start, preceded, with since, by what the feed holds between since
// and Start. The channel closes when ctx ends or the hub drops the
// subscriber; then a last, nil event stands for the reason, which
// subscriptionEnd puts in the response.
func (r *Resolver) subscribeChanges(ctx context.Context, filter *model.ChangeFilter, since *string) (<-chan *changefeed.Event, error) {
	if r.Changes == nil || r.Changes.Hub == nil {
		return nil, domain.Errorf(domain.EUNAVAILABLE, "this server has no change feed")
	}
	f, err := r.changeFilter(ctx, filter)
	if err != nil {
		return nil, err
	}
	from := int64(-1)
	if since != nil {
		if from, err = DecodeChangeCursor(*since); err != nil {
			return nil, err
		}
	}
	conn, _ := ConnFrom(ctx)
	if !conn.acquire() {
		return nil, tooMany(fmt.Sprintf("at most %d subscriptions per connection", conn.Max))
	}
	sub, err := r.Changes.Hub.Subscribe(f)
	if err != nil {
		conn.release()
		switch {
		case errors.Is(err, changefeed.ErrTooManySubscribers):
			return nil, tooMany("this server holds as many subscriptions as it may; retry later or on another instance")
		case errors.Is(err, changefeed.ErrNotReady):
			return nil, domain.Errorf(domain.EUNAVAILABLE, "the change feed cannot be read yet; retry later")
		}
		return nil, err
	}
	// A since older than retention is refused now, as the subscription's
	// error, rather than after some events; so is one ahead of the feed
	// (not a cursor of this feed), which would skip changes silently.
	if from >= 0 && from != sub.Start {
		page, err := r.Changes.Feed.Changes(ctx, from, 0)
		if err == nil && page.Missed(from) {
			err = &changefeed.MissedError{Since: from, Oldest: page.Oldest}
		}
		if err == nil && from > page.Latest {
			err = domain.Invalid("since", "is ahead of the change feed: not a cursor of this server's feed")
		}
		if err != nil {
			sub.Close()
			conn.release()
			return nil, resumeError(err)
		}
	}
	out := make(chan *changefeed.Event)
	go func() {
		defer close(out)
		defer conn.release()
		defer sub.Close()
		last := from
		send := func(ev *changefeed.Event) bool {
			if ev.Seq <= last {
				return true
			}
			select {
			case out <- ev:
				last = ev.Seq
				return true
			case <-ctx.Done():
			case <-sub.Done():
			}
			return false
		}
		if from >= 0 && from < sub.Start {
			if err := sub.Resume(ctx, r.Changes.Feed, from, send); err != nil {
				r.endChanges(ctx, out, conn, resumeError(err))
				return
			}
		}
	loop:
		for {
			select {
			case <-ctx.Done():
				return
			case ev := <-sub.Events():
				if !send(ev) {
					break loop
				}
			case <-sub.Done():
				break loop
			}
		}
		// Dropped by the hub: what is still queued is not sent; the
		// reason carries the cursor to resume from.
		if err := sub.Err(); err != nil && ctx.Err() == nil {
			r.endChanges(ctx, out, conn, dropError(err, last))
		}
	}()
	return out, nil
}

// endChanges delivers err as the subscription's last response, without
// waiting for a client that is not reading, and ends the connection.
func (r *Resolver) endChanges(ctx context.Context, out chan<- *changefeed.Event, conn *Conn, err error) {
	if st, _ := ctx.Value(subStateKey{}).(*subState); st != nil {
		st.set(err)
		select {
		case out <- nil:
		case <-time.After(100 * time.Millisecond): // a client that does not read
		}
	}
	if conn != nil && conn.Kill != nil {
		conn.Kill(err)
	}
}

func resumeError(err error) error {
	var missed *changefeed.MissedError
	if errors.As(err, &missed) {
		return domain.Invalid("since", "the changes after this cursor are past the feed's retention; reload the data and subscribe without since")
	}
	return err
}

// DropError is why the hub ended a subscription, as the GraphQL error
// its last response carries (UNAVAILABLE: subscribe again with since).
type DropError struct {
	Reason string // ReasonSlowConsumer or ReasonReset
	Last   int64  // the Seq of the last change delivered, -1 for none
	err    error
}

func (e *DropError) Error() string { return e.err.Error() }

func dropError(err error, last int64) *DropError {
	d := &DropError{Reason: ReasonReset, Last: last, err: err}
	switch {
	case errors.Is(err, changefeed.ErrSlowConsumer):
		d.Reason = ReasonSlowConsumer
	case errors.Is(err, changefeed.ErrClosed):
		d.Reason = ReasonShutdown
	}
	return d
}

func (e *DropError) gqlError() *gqlerror.Error {
	msg := "this instance lost its place in the change feed; subscribe again with since"
	switch e.Reason {
	case ReasonSlowConsumer:
		msg = "the subscriber fell too far behind and was dropped; subscribe again with since"
	case ReasonShutdown:
		msg = "this instance is shutting down; subscribe again with since, to another instance"
	}
	ext := map[string]any{"code": httpx.CodeUnavailable, "reason": e.Reason}
	if e.Last >= 0 {
		ext["since"] = EncodeChangeCursor(e.Last)
	}
	return &gqlerror.Error{Message: msg, Extensions: ext}
}

// subscriptionEnd is the extension that gives the last response of a
// changes subscription that the server ended (endChanges) its coded error
// instead of gqlgen's "null where the schema does not allow it".
// It also gives each response loaders of its own (loaders.Fresh).
type subscriptionEnd struct {
	present graphql.ErrorPresenterFunc
	store   store.Store
}

var (
	_ graphql.HandlerExtension     = subscriptionEnd{}
	_ graphql.OperationInterceptor = subscriptionEnd{}
	_ graphql.ResponseInterceptor  = subscriptionEnd{}
)

type subStateKey struct{}

// subState is one subscription operation's reason to end.
type subState struct {
	mu  sync.Mutex
	err error
}

func (s *subState) set(err error) {
	s.mu.Lock()
	s.err = err
	s.mu.Unlock()
}

func (s *subState) get() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

func (subscriptionEnd) ExtensionName() string                   { return "SubscriptionEnd" }
func (subscriptionEnd) Validate(graphql.ExecutableSchema) error { return nil }

func (subscriptionEnd) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	if oc := graphql.GetOperationContext(ctx); oc.Operation != nil && oc.Operation.Operation == ast.Subscription {
		ctx = context.WithValue(ctx, subStateKey{}, &subState{})
	}
	return next(ctx)
}

func (s subscriptionEnd) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	st, _ := ctx.Value(subStateKey{}).(*subState)
	if st == nil {
		return next(ctx)
	}
	resp := next(loaders.Fresh(ctx, s.store))
	if resp == nil {
		return resp
	}
	if err := st.get(); err != nil {
		var de *DropError
		if errors.As(err, &de) {
			resp.Errors = gqlerror.List{de.gqlError()}
		} else {
			resp.Errors = gqlerror.List{s.present(ctx, err)}
		}
		resp.Data = []byte("null")
	}
	return resp
}

func boundSlice(b *orb.Bound) []float64 {
	if b == nil {
		return nil
	}
	return []float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]}
}

// LoadRecord reads the record a change is about from st (the hub's
// HubOptions.Load).
func LoadRecord(st store.Store) func(ctx context.Context, c domain.Change) (any, error) {
	return func(ctx context.Context, c domain.Change) (any, error) {
		if c.Operation == domain.OpDelete {
			return nil, nil
		}
		switch c.RecordType {
		case domain.RecordProject:
			return st.Project(ctx, c.RecordID)
		case domain.RecordForum:
			return st.Forum(ctx, c.RecordID)
		case domain.RecordActivity:
			return st.Activity(ctx, c.RecordID)
		}
		return nil, nil
	}
}
