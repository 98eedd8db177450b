package server

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	coderws "github.com/coder/websocket"

	"github.com/serasi/serasi/graph"
	"github.com/serasi/serasi/internal/changefeed"
	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/httpx"
	"github.com/serasi/serasi/internal/store"
)

// Defaults of the subscription limits (Config.Subscriptions).
const (
	DefaultSubscriptionsPerConn = 20
	DefaultSubscriptionPing     = 30 * time.Second
	// subscriptionInitTimeout is how long a WebSocket may wait before its
	// connection_init.
	subscriptionInitTimeout = 10 * time.Second
)

// WebSocket close codes of the changes subscription (4000-4999 are the
// application's; graphql-transport-ws uses 4400, 4401, 4403, 4408, 4409,
// 4429, 4500).
const (
	CloseSlowConsumer = 4001 // the subscriber fell a whole buffer behind: resubscribe with since
	CloseFeedReset    = 4002 // the instance lost its place in the feed: resubscribe with since
	CloseUnauthorized = 4401 // a token is required, or the token is unknown or revoked
	CloseForbidden    = 4403 // a token sent from a page whose origin is not in --cors-origins
	CloseUnavailable  = 4503 // the token could not be checked: the store does not answer
)

// SubscriptionOptions are the limits of GraphQL subscriptions; zero
// fields take the defaults.
type SubscriptionOptions struct {
	// PerConn bounds the subscriptions open at once on one WebSocket
	// (DefaultSubscriptionsPerConn; an SSE request carries one).
	PerConn int
	// Max bounds the subscriptions of the instance
	// (changefeed.DefaultMaxSubscribers).
	Max int
	// Buffer is how many changes a subscriber may fall behind before it
	// is dropped (changefeed.DefaultBuffer).
	Buffer int
	// Ping is how often the server pings a WebSocket (and sends an SSE
	// comment); a WebSocket that does not answer within twice that is
	// closed. DefaultSubscriptionPing; below 0 never.
	Ping time.Duration
}

func (o SubscriptionOptions) withDefaults() SubscriptionOptions {
	if o.PerConn <= 0 {
		o.PerConn = DefaultSubscriptionsPerConn
	}
	if o.Max <= 0 {
		o.Max = changefeed.DefaultMaxSubscribers
	}
	if o.Buffer <= 0 {
		o.Buffer = changefeed.DefaultBuffer
	}
	if o.Ping == 0 {
		o.Ping = DefaultSubscriptionPing
	}
	if o.Ping < 0 {
		o.Ping = 0
	}
	return o
}

// isStream reports whether r opens a subscription stream (a WebSocket or
// SSE), which lives longer than any request deadline.
func isStream(r *http.Request) bool {
	return r.Header.Get("Upgrade") != "" || strings.Contains(r.Header.Get("Accept"), "text/event-stream")
}

// addStreamTransports gives gql the subscription transports, before the
// plain HTTP one (gqlgen takes the first transport that supports a
// request): SSE for POSTs that accept text/event-stream, and WebSockets
// with graphql-transport-ws (and the older graphql-ws).
func (s *Server) addStreamTransports(gql *handler.Server) {
	o := s.cfg.Subscriptions
	gql.AddTransport(transport.SSE{KeepAlivePingInterval: o.Ping})
	gql.AddTransport(transport.Websocket{
		// Any origin may connect, as any may read over HTTP; a token
		// from an origin that is not listed is refused in wsInit.
		Implementation:        wsImplementation{coderws.AcceptOptions{OriginPatterns: []string{"*"}}},
		InitFunc:              s.wsInit,
		InitTimeout:           subscriptionInitTimeout,
		KeepAlivePingInterval: o.Ping,
		PingPongInterval:      o.Ping,
	})
}

type streamInfoKey struct{}

// streamInfo is what wsInit needs to know of the upgrade request.
type streamInfo struct {
	trustedOrigin bool
}

// streams routes /graphql requests: a WebSocket goes straight to gql
// (its token comes in connection_init, see wsInit); an SSE request goes
// through authentication like any request; both get a graph.Conn that
// counts their subscriptions, and neither a request deadline nor a write
// timeout.
func (s *Server) streams(gql, authed http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !isStream(r) {
			authed.ServeHTTP(w, r)
			return
		}
		// The connection outlives http.Server's WriteTimeout.
		_ = http.NewResponseController(w).SetWriteDeadline(time.Time{})
		conn := &graph.Conn{Max: s.cfg.Subscriptions.PerConn}
		ctx := graph.WithConn(r.Context(), conn)
		if r.Header.Get("Upgrade") != "" {
			ctx = context.WithValue(ctx, streamInfoKey{}, streamInfo{trustedOrigin: s.cfg.CORS.Trusts(r)})
			gql.ServeHTTP(w, r.WithContext(ctx))
			return
		}
		authed.ServeHTTP(flushWriter{w}, r.WithContext(ctx))
	})
}

// wsInit authenticates a WebSocket from its connection_init payload:
// {"Authorization": "Bearer <token>"} (or {"token": "<token>"}). Without
// one the connection reads anonymously, unless tokens are required.
func (s *Server) wsInit(ctx context.Context, p transport.InitPayload) (context.Context, *transport.InitPayload, error) {
	refuse := func(code int, msg string) (context.Context, *transport.InitPayload, error) {
		ctx = transport.WithWebsocketCloseCode(ctx, code)
		ctx = transport.AppendCloseReason(ctx, msg)
		return ctx, nil, errors.New(msg)
	}
	token := strings.TrimSpace(p.Authorization())
	if scheme, rest, ok := strings.Cut(token, " "); ok && strings.EqualFold(scheme, "Bearer") {
		token = strings.TrimSpace(rest)
	}
	if token == "" {
		token = strings.TrimSpace(p.GetString("token"))
	}
	if token == "" {
		if s.cfg.RequireTokenForReads {
			return refuse(CloseUnauthorized, `UNAUTHENTICATED: this server requires a token: send {"Authorization": "Bearer <token>"} in connection_init`)
		}
		return ctx, nil, nil
	}
	if info, _ := ctx.Value(streamInfoKey{}).(streamInfo); !info.trustedOrigin {
		return refuse(CloseForbidden, "FORBIDDEN: a page may send a token only from an origin listed in serve --cors-origins")
	}
	if s.writer == nil {
		return refuse(CloseUnauthorized, "UNAUTHENTICATED: this server has no tokens")
	}
	actor, err := s.writer.AuthenticateToken(ctx, token)
	if err == nil {
		err = store.Authorize(actor, domain.RoleViewer)
	}
	if err != nil {
		if domain.ErrorCode(err) == domain.EUNAUTHENTICATED {
			return refuse(CloseUnauthorized, "UNAUTHENTICATED: "+domain.ErrorMessage(err))
		}
		httpx.Logged(ctx, s.logger, "websocket: connection_init", err)
		return refuse(CloseUnavailable, "UNAVAILABLE: the token could not be checked; retry later")
	}
	return domain.NewContextWithActor(ctx, actor), nil, nil
}

// wsImplementation is gqlgen's coder/websocket adapter with one more
// power: the subscription of a connection that must end (a slow consumer,
// a reset of the feed, shutdown) closes it with its own 4xxx code
// (graph.Conn.Kill).
type wsImplementation struct {
	opts coderws.AcceptOptions
}

func (i wsImplementation) Accept(w http.ResponseWriter, r *http.Request, o transport.WebsocketAcceptOptions) (transport.WebsocketConn, error) {
	ws, err := transport.CoderWebsocketImplementation{AcceptOptions: i.opts}.Accept(w, r, o)
	if err != nil {
		return nil, err
	}
	kc := &killableConn{WebsocketConn: ws}
	if conn, ok := graph.ConnFrom(r.Context()); ok {
		conn.Kill = kc.kill
	}
	return kc, nil
}

// killableConn closes its WebSocket with a code of its own once the
// subscription that must end has had its last result and its complete
// written (gqlgen writes them after the resolver's channel closes), or
// after killGrace at the latest.
type killableConn struct {
	transport.WebsocketConn

	mu      sync.Mutex
	pending bool
	code    int
	reason  string
	closed  bool
}

const killGrace = time.Second

var (
	_ transport.WebsocketReadLimiter   = (*killableConn)(nil)
	_ transport.WebsocketReadDeadliner = (*killableConn)(nil)
)

func (k *killableConn) kill(err error) {
	k.mu.Lock()
	k.pending = true
	k.code, k.reason = closeFor(err)
	k.mu.Unlock()
	time.AfterFunc(killGrace, k.closeNow)
}

func (k *killableConn) closeNow() {
	k.mu.Lock()
	if k.closed {
		k.mu.Unlock()
		return
	}
	k.closed = true
	code, reason := k.code, k.reason
	k.mu.Unlock()
	_ = k.WebsocketConn.WriteClose(code, reason)
	_ = k.WebsocketConn.Close()
}

func (k *killableConn) WriteJSON(v any) error {
	err := k.WebsocketConn.WriteJSON(v)
	k.mu.Lock()
	pending := k.pending && !k.closed
	k.mu.Unlock()
	if pending {
		// Rare, so the message is looked at only then.
		var m struct{ Type string }
		if b, e := json.Marshal(v); e == nil && json.Unmarshal(b, &m) == nil && (m.Type == "complete" || m.Type == "error") {
			k.closeNow()
		}
	}
	return err
}

func (k *killableConn) WriteClose(code int, msg string) error {
	k.mu.Lock()
	if k.closed {
		k.mu.Unlock()
		return nil
	}
	if k.pending { // gqlgen closing after our kill: ours is the reason
		k.mu.Unlock()
		k.closeNow()
		return nil
	}
	k.closed = true
	k.mu.Unlock()
	return k.WebsocketConn.WriteClose(code, msg)
}

func (k *killableConn) SetReadLimit(n int64) {
	if l, ok := k.WebsocketConn.(transport.WebsocketReadLimiter); ok {
		l.SetReadLimit(n)
	}
}

func (k *killableConn) SetReadDeadline(t time.Time) error {
	if d, ok := k.WebsocketConn.(transport.WebsocketReadDeadliner); ok {
		return d.SetReadDeadline(t)
	}
	return nil
}

// closeFor is the close code and reason of a subscription that ended
// because of err.
func closeFor(err error) (int, string) {
	var d *graph.DropError
	if errors.As(err, &d) {
		switch d.Reason {
		case graph.ReasonSlowConsumer:
			return CloseSlowConsumer, "slow consumer: more changes queued than the buffer holds; resubscribe with since"
		case graph.ReasonShutdown:
			return int(coderws.StatusGoingAway), "server shutting down; resubscribe with since elsewhere"
		}
		return CloseFeedReset, "change feed reset; resubscribe with since"
	}
	return int(coderws.StatusInternalError), "internal error"
}

// flushWriter gives gqlgen's SSE transport, which asks the writer itself
// for http.Flusher, the flush of the writer under the middleware.
type flushWriter struct{ http.ResponseWriter }

func (f flushWriter) Flush() { _ = http.NewResponseController(f.ResponseWriter).Flush() }

func (f flushWriter) Unwrap() http.ResponseWriter { return f.ResponseWriter }
