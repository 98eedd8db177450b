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
	"time"

	"github.com/serasi/serasi/graph"
	"github.com/serasi/serasi/graph/loaders"
	"github.com/serasi/serasi/internal/layers"
	"github.com/serasi/serasi/internal/logging"
	"github.com/serasi/serasi/internal/ogcapi"
	"github.com/serasi/serasi/internal/store"
	"github.com/serasi/serasi/internal/tiles"
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
	// run context is cancelled.
	ShutdownTimeout time.Duration
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
	// tiles is kept so that the write path can invalidate its cache.
	tiles *tiles.Server
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
	s.tiles = tiles.New(st, tiles.Options{Logger: s.logger, CacheSize: cfg.TileCacheSize})
	s.handler = s.routes()
	return s
}

func (s *Server) routes() http.Handler {
	gql := graph.NewServer(&graph.Resolver{Store: s.store, Writer: s.writer, OnWrite: s.InvalidateTiles}, s.logger, s.cfg.GraphQL)
	gql.AddTransport(graphqlHTTP{})
	endpoint := loaders.Middleware(s.store, gql)
	auth := func(h http.Handler) http.Handler { return s.authenticate(s.cfg.RequireTokenForReads, h) }
	endpoint = auth(endpoint)

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
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)

	// Map frontends: GeoJSON layers, vector tiles, OGC API - Features.
	mux.Handle("/geojson/", auth(layers.Routes(s.store, layers.Options{Logger: s.logger})))
	mux.Handle("/tiles/", auth(s.tiles))
	ogc := auth(ogcapi.New(s.store, ogcapi.Options{Logger: s.logger}))
	mux.Handle("/ogcapi", ogc)
	mux.Handle("/ogcapi/", ogc)

	var h http.Handler = mux
	h = limitBody(s.cfg.MaxBodyBytes, h)
	h = recoverPanics(s.logger, h)
	h = accessLog(s.access, h)
	// Outermost, so that the access log line carries the request id too.
	h = requestContext(s.cfg.RequestTimeout, h)
	return h
}

// InvalidateTiles empties the vector-tile cache (the only map output that
// is cached). Every write that changes what a map layer shows must call it
// once the write has committed; see tiles.Server.Invalidate.
func (s *Server) InvalidateTiles() { s.tiles.Invalidate() }

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

	select {
	case err := <-errc:
		return fmt.Errorf("server: %w", err)
	case <-ctx.Done():
	}
	s.logger.Info("shutting down", "timeout", s.cfg.ShutdownTimeout.String())
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
