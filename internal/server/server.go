// Package server is serasi's HTTP layer: the GraphQL endpoint (per the
// GraphQL-over-HTTP specification), GraphiQL, health and readiness probes,
// request ids, access logs, limits, timeouts and graceful shutdown.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/paulmach/orb"

	"github.com/serasi/serasi/graph"
	"github.com/serasi/serasi/graph/loaders"
	"github.com/serasi/serasi/internal/changefeed"
	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/httpx"
	"github.com/serasi/serasi/internal/importer"
	"github.com/serasi/serasi/internal/layers"
	"github.com/serasi/serasi/internal/logging"
	"github.com/serasi/serasi/internal/metrics"
	"github.com/serasi/serasi/internal/mirror"
	"github.com/serasi/serasi/internal/ogcapi"
	"github.com/serasi/serasi/internal/store"
	"github.com/serasi/serasi/internal/tiles"
	"github.com/serasi/serasi/internal/transfer"
	"github.com/serasi/serasi/internal/webmap"
)

// Config holds the HTTP settings; zero fields take the defaults below.
type Config struct {
	Addr string // listen address, e.g. ":8080"

	// ReadHeaderTimeout bounds slow clients (Slowloris) before a handler runs.
	ReadHeaderTimeout time.Duration
	ReadTimeout       time.Duration
	WriteTimeout      time.Duration
	IdleTimeout       time.Duration
	// ShutdownTimeout is how long in-flight requests may finish after the
	// run context is cancelled (and ShutdownDelay has passed).
	ShutdownTimeout time.Duration
	// ShutdownDelay is how long the server keeps serving after the run
	// context is cancelled, with /readyz answering 503, so that a load
	// balancer takes it out of rotation before it stops accepting; 0
	// stops accepting at once.
	ShutdownDelay time.Duration
	// ReadyTimeout bounds the store ping of /readyz.
	ReadyTimeout time.Duration
	// MaxBodyBytes limits request bodies; larger ones get 413.
	MaxBodyBytes int64
	// RequestTimeout is the deadline of each request's context: store
	// queries and resolvers stop when it passes.
	RequestTimeout time.Duration
	// GraphQL holds the query-safety settings (depth, complexity,
	// introspection).
	GraphQL graph.Options
	// RequireTokenForReads makes every data request (GraphQL, GeoJSON,
	// tiles, OGC API) need a valid bearer token, of any role; by default
	// reads are public and only writes need one.
	RequireTokenForReads bool
	// TileCacheSize is the number of vector tiles cached (tiles.Options);
	// 0 is the default, below 0 caches none (to measure rendering).
	TileCacheSize int
	// AccessLog receives the access log, a line per request; nil sends
	// it to the logger given to New. serve hands a buffered one here.
	AccessLog *logging.AccessLog
	// CORS says which other origins may send tokens; any origin may read
	// (see httpx.CORS).
	CORS httpx.CORSOptions
	// RateLimit gives tokens and client IPs token buckets (off by
	// default; see httpx.RateLimit).
	RateLimit httpx.RateLimitOptions
	// Metrics, when not nil, receives every request (by route pattern and
	// GraphQL operation name), the error codes answered and the tile
	// cache's hits and misses; serve exposes it on --metrics-addr.
	Metrics *metrics.Metrics
	// ChangePoll is how often the instance reads the store's change feed
	// besides its wake-ups (LISTEN on PostGIS): the most a lost
	// notification delays the tiles of another instance's write; default
	// changefeed.DefaultPoll.
	ChangePoll time.Duration
	// Subscriptions holds the limits of GraphQL subscriptions (WebSocket
	// and SSE on /graphql).
	Subscriptions SubscriptionOptions
	// NoMapCopy turns off the in-process copy of the map layers
	// (internal/mirror) that tiles, OGC API and /geojson answer from when
	// the store has a change feed to keep it fresh and is not itself in
	// this process (store.InProcess; see CopyInProcess).
	NoMapCopy bool
	// CopyInProcess copies also a store in this process (the embedded
	// store), whose tiles and pages the copy answers from values encoded
	// once, for about 3 KB per project more (README, "Map delivery"); the
	// areas are drawn from the store's zoom bands all the same.
	CopyInProcess bool
}

// Defaults.
const (
	DefaultAddr              = ":8080"
	DefaultReadHeaderTimeout = 5 * time.Second
	DefaultReadTimeout       = 15 * time.Second
	DefaultWriteTimeout      = 30 * time.Second
	DefaultIdleTimeout       = 120 * time.Second
	DefaultShutdownTimeout   = 15 * time.Second
	DefaultReadyTimeout      = 2 * time.Second
	DefaultMaxBodyBytes      = 1 << 20 // 1 MiB
	DefaultRequestTimeout    = 10 * time.Second
)

func (c Config) withDefaults() Config {
	set := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	if c.Addr == "" {
		c.Addr = DefaultAddr
	}
	set(&c.ReadHeaderTimeout, DefaultReadHeaderTimeout)
	set(&c.ReadTimeout, DefaultReadTimeout)
	set(&c.WriteTimeout, DefaultWriteTimeout)
	set(&c.IdleTimeout, DefaultIdleTimeout)
	set(&c.ShutdownTimeout, DefaultShutdownTimeout)
	set(&c.ReadyTimeout, DefaultReadyTimeout)
	set(&c.RequestTimeout, DefaultRequestTimeout)
	if c.MaxBodyBytes <= 0 {
		c.MaxBodyBytes = DefaultMaxBodyBytes
	}
	c.Subscriptions = c.Subscriptions.withDefaults()
	return c
}

// Server serves the API. It is an http.Handler, so tests can drive the
// real routes and middleware through httptest.
type Server struct {
	cfg   Config
	store store.Store
	// writer is the store's store.Writer side, nil for a read-only store:
	// it takes the mutations and authenticates tokens.
	writer  store.Writer
	logger  *slog.Logger
	access  accessLogger
	handler http.Handler
	// tiles is kept so that the change feed can invalidate its cache.
	tiles *tiles.Server
	// draining is set once shutdown began: /readyz answers 503.
	draining atomic.Bool
	// feed follows the store's change feed (nil for a store without one):
	// every instance forgets the tiles of every change, whoever made it.
	feed *changefeed.Follower
	// hub hands what feed reads to this instance's subscribers (nil
	// without a feed).
	hub *changefeed.Hub
	// copy is the in-process copy of the map layers, kept fresh by feed
	// (nil without a feed, with Config.NoMapCopy, or when it failed to load).
	copy *mirror.Mirror
	// mapStore is what the map outputs read: the store, or the store
	// answering from copy.
	mapStore store.Store
}

// New builds the server over st. When st is also a store.Writer (both
// stores are), the API takes mutations and bearer tokens; otherwise it is
// read-only: mutations are FORBIDDEN and any token is refused. logger
// receives access logs and internal errors; every record logged with a
// request's context gets its request_id.
func New(cfg Config, st store.Store, logger *slog.Logger) *Server {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	s := &Server{
		cfg:    cfg.withDefaults(),
		store:  st,
		logger: slog.New(requestIDHandler{logger.Handler()}),
	}
	s.access = slogAccess{logger}
	if cfg.AccessLog != nil {
		s.access = cfg.AccessLog
	}
	s.writer, _ = st.(store.Writer)
	cf, hasFeed := st.(store.ChangeFeed)
	if hasFeed {
		// The follower starts before the copy loads, so that a change
		// committed meanwhile is read again after it.
		s.feed = changefeed.New(context.Background(), cf, changefeed.Options{Poll: s.cfg.ChangePoll, Logger: s.logger,
			Apply: s.applyChanges, Reset: s.resetChanges})
		s.hub = changefeed.NewHub(changefeed.HubOptions{Max: s.cfg.Subscriptions.Max,
			Buffer: s.cfg.Subscriptions.Buffer, Load: graph.LoadRecord(st)})
		s.feed.Subscribe(s.hub)
	}
	s.mapStore = st
	// A store in this process's memory answers the map outputs from there
	// already; a copy costs memory again (the embedded store at national
	// size must stay under 1 GB), so it is copied only when asked.
	_, inProcess := st.(store.InProcess)
	if hasFeed && !cfg.NoMapCopy && (!inProcess || cfg.CopyInProcess) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		m, err := mirror.New(ctx, st, mirror.Options{Logger: s.logger})
		cancel()
		if err != nil {
			s.logger.Warn("map copy: load failed; map outputs read the store", "err", err)
		} else {
			s.copy, s.mapStore = m, m.Wrap(st)
		}
	}
	s.tiles = tiles.New(s.mapStore, tiles.Options{Logger: s.logger, CacheSize: cfg.TileCacheSize})
	cfg.Metrics.RegisterTileCache(s.tiles.CacheStats)
	s.handler = s.routes()
	return s
}

func (s *Server) routes() http.Handler {
	var changes *graph.Changes
	if s.hub != nil {
		changes = &graph.Changes{Hub: s.hub, Feed: s.store.(store.ChangeFeed)}
	}
	gql := graph.NewServer(&graph.Resolver{Store: s.store, Writer: s.writer, OnWrite: s.caughtUp, Changes: changes}, s.logger, s.cfg.GraphQL)
	s.addStreamTransports(gql)
	gql.AddTransport(graphqlHTTP{})
	endpoint := loaders.Middleware(s.store, gql)
	auth := func(h http.Handler) http.Handler { return s.authenticate(s.cfg.RequireTokenForReads, h) }
	endpoint = s.streams(endpoint, auth(endpoint))

	mux := http.NewServeMux()
	// The method patterns make the mux answer other methods with 405 and
	// an Allow header; GET also matches HEAD.
	mux.Handle("GET /graphql", endpoint)
	mux.Handle("POST /graphql", endpoint)
	// GraphiQL at / and the web map at /map, both built into the binary.
	web := webmap.Handler(webmap.Options{})
	for _, p := range webmap.Patterns() {
		mux.Handle(p, web)
	}
	// Whatever no other pattern matches: the mux's own 404 and 405 are
	// plain text, and every answer of serasi has the one error shape.
	mux.Handle("/", noRoute(mux))
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)

	// Map frontends: GeoJSON layers, vector tiles, OGC API - Features.
	mux.Handle("/geojson/", auth(layers.Routes(s.mapStore, layers.Options{Logger: s.logger})))
	mux.Handle("/tiles/", auth(s.tiles))
	ogc := auth(ogcapi.New(s.mapStore, ogcapi.Options{Logger: s.logger}))
	mux.Handle("/ogcapi", ogc)
	mux.Handle("/ogcapi/", ogc)

	// Records in and out: imports (EDITOR), exports, templates.
	var batch importer.BatchWriter
	if b, ok := s.store.(store.Batcher); ok {
		batch = importer.FlowBatch{Store: b}
	}
	records := auth(transfer.Routes(s.store, transfer.Options{Writer: batch, OnWrite: s.caughtUp, Logger: s.logger}))
	mux.Handle("/export/", records)
	mux.Handle("/templates/", records)

	// Uploads have their own, larger body limit (transfer.MaxUploadBytes).
	// A prefix test rather than a second ServeMux: every other request
	// would pay a second pattern match.
	limited := limitBody(s.cfg.MaxBodyBytes, mux)
	var h http.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && strings.HasPrefix(r.URL.Path, "/import/") {
			records.ServeHTTP(w, r)
			return
		}
		limited.ServeHTTP(w, r)
	})
	// Around the mux, which would answer a preflight (OPTIONS) with 405,
	// and outside authentication: a preflight carries no token.
	h = httpx.RateLimit(s.cfg.RateLimit)(h)
	// Outside the rate limit too: a preflight is the browser's, not a
	// request the client chose to send.
	h = httpx.CORS(s.cfg.CORS)(h)
	h = recoverPanics(s.logger, h)
	h = accessLog(s.access, s.cfg.Metrics, h)
	// Outermost, so that the access log line carries the request id too.
	h = requestContext(s.cfg.RequestTimeout, h)
	return h
}

// noRoute answers a request no route takes: 405 with Allow when the path
// has routes for other methods, else 404, both in the edge's error shape.
// It runs only for such requests, so asking the mux about each method
// costs nothing on the paths that work.
func noRoute(mux *http.ServeMux) http.Handler {
	methods := []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Pattern = "" // counted as "other" in the metrics, not as a route
		var allow []string
		for _, m := range methods {
			if m == r.Method {
				continue
			}
			probe := r.Clone(r.Context())
			probe.Method = m
			if _, pat := mux.Handler(probe); pat != "" && pat != "/" {
				allow = append(allow, m)
			}
		}
		if len(allow) > 0 {
			w.Header().Set("Allow", strings.Join(allow, ", "))
			httpx.Errorf(w, http.StatusMethodNotAllowed, httpx.CodeBadRequest,
				fmt.Sprintf("%s is not allowed on %s; use %s", r.Method, r.URL.Path, strings.Join(allow, ", ")))
			return
		}
		httpx.Errorf(w, http.StatusNotFound, httpx.CodeNotFound, "no such resource "+r.URL.Path)
	})
}

// InvalidateTiles empties the vector-tile cache (the only map output that
// is cached). Changes of the store's records need not call it: the change
// feed forgets exactly their tiles (invalidateChanges); it is for what the
// feed does not carry, and for stores without one.
func (s *Server) InvalidateTiles() { s.tiles.Invalidate() }

// applyChanges brings the map copy up to changes read from the feed, then
// forgets their tiles: a tile rendered after that reads the new records.
func (s *Server) applyChanges(cs []domain.Change) {
	if s.copy != nil {
		s.copy.Apply(cs)
	}
	s.invalidateChanges(cs)
}

// resetChanges is the follower's Reset: it cannot tell what changed.
func (s *Server) resetChanges() {
	if s.copy != nil {
		s.copy.Reset()
	}
	s.tiles.Invalidate()
}

// invalidateChanges forgets the tiles that meet the old or new bounds of
// changes read from the feed.
func (s *Server) invalidateChanges(cs []domain.Change) {
	bs := make([]orb.Bound, 0, 2*len(cs))
	for _, c := range cs {
		for _, b := range []*orb.Bound{c.OldBound, c.NewBound} {
			if b != nil {
				bs = append(bs, *b)
			}
		}
	}
	s.tiles.InvalidateBounds(bs...)
}

// caughtUp runs after each mutation this instance answers: it reads the
// feed up to that write before the answer goes out, so that the writer's
// next tile request sees it (other instances follow within a wake-up, or
// ChangePoll at most). Without a feed, or when it cannot be read, the
// whole cache goes.
func (s *Server) caughtUp() {
	if s.feed == nil {
		s.tiles.Invalidate()
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := s.feed.CatchUp(ctx); err != nil {
		s.logger.Warn("change feed: catching up after a write failed; tile cache emptied", "err", err)
		s.tiles.Invalidate()
	}
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.handler.ServeHTTP(w, r)
}

// healthz says the process is up; it checks nothing else, so that an
// orchestrator does not restart a healthy process whose database is down.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	writeText(w, http.StatusOK, "ok\n")
}

// readyz says whether the store answers within ReadyTimeout; 503 takes
// the instance out of a load balancer until it does.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	if s.draining.Load() {
		writeText(w, http.StatusServiceUnavailable, "shutting down\n")
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.ReadyTimeout)
	defer cancel()
	if err := s.store.Ping(ctx); err != nil {
		s.logger.WarnContext(ctx, "not ready: store ping failed", "err", err)
		writeText(w, http.StatusServiceUnavailable, "store unavailable\n")
		return
	}
	writeText(w, http.StatusOK, "ready\n")
}

func writeText(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = fmt.Fprint(w, body)
}

// Run listens on cfg.Addr and serves until ctx is cancelled, then shuts
// down gracefully.
func (s *Server) Run(ctx context.Context) error {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("server: listen: %w", err)
	}
	return s.Serve(ctx, ln)
}

// Serve serves on ln until ctx is cancelled; it then stops accepting,
// lets in-flight requests finish within ShutdownTimeout and returns nil
// (or the error that stopped it).
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	hs := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: s.cfg.ReadHeaderTimeout,
		ReadTimeout:       s.cfg.ReadTimeout,
		WriteTimeout:      s.cfg.WriteTimeout,
		IdleTimeout:       s.cfg.IdleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.logger.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	s.logger.Info("listening", "addr", ln.Addr().String())

	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	if s.feed != nil {
		feedCtx, stopFeed := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { defer close(done); s.feed.Run(feedCtx) }()
		defer func() { stopFeed(); <-done }()
	}

	select {
	case err := <-errc:
		return fmt.Errorf("server: %w", err)
	case <-ctx.Done():
	}
	s.draining.Store(true)
	if s.cfg.ShutdownDelay > 0 {
		s.logger.Info("draining: /readyz answers 503", "delay", s.cfg.ShutdownDelay.String())
		select {
		case err := <-errc:
			return fmt.Errorf("server: %w", err)
		case <-time.After(s.cfg.ShutdownDelay):
		}
	}
	s.logger.Info("shutting down", "timeout", s.cfg.ShutdownTimeout.String())
	// Subscriptions would hold Shutdown up to its timeout; their clients
	// hear why and resume elsewhere.
	if s.hub != nil {
		s.hub.Close()
	}
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.cfg.ShutdownTimeout)
	defer cancel()
	err := hs.Shutdown(shutdownCtx)
	if serveErr := <-errc; serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) && err == nil {
		err = serveErr
	}
	if err != nil {
		return fmt.Errorf("server: shutdown: %w", err)
	}
	return nil
}
