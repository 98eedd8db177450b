package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/serasi/serasi/internal/httpx"
	"github.com/serasi/serasi/internal/logging"
	"github.com/serasi/serasi/internal/metrics"
)

type requestIDKey struct{}

// RequestIDHeader carries the request id in both directions.
const RequestIDHeader = "X-Request-Id"

// RequestID returns the id of the request ctx belongs to, or "".
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// requestContext gives each request its context: an id and a deadline, in
// one Request copy (each WithContext copies the whole Request).
//
// The id is the caller's X-Request-Id when it is a sane token (so a proxy's
// id follows the request through), else a new one. It is echoed in the
// response header, so a client can quote it when reporting an INTERNAL
// error. The deadline stops a slow store query or resolver instead of
// letting it hold a connection.
func requestContext(timeout time.Duration, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get(RequestIDHeader)
		if !validRequestID(id) {
			id = newRequestID()
		}
		w.Header()[RequestIDHeader] = []string{id}
		ctx := context.WithValue(r.Context(), requestIDKey{}, id)
		// A subscription stream lives as long as its client wants.
		if !isStream(r) {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, timeout)
			defer cancel()
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

func validRequestID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, c := range id {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.'
		if !ok {
			return false
		}
	}
	return true
}

// Request ids are a random per-process prefix and a counter: unique
// across restarts and instances without reading the random source on
// every request (ids are not secrets).
var (
	requestIDPrefix = func() string {
		var b [8]byte
		_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
		return hex.EncodeToString(b[:]) + "-"
	}()
	requestIDCounter atomic.Uint64
)

func newRequestID() string {
	var buf [40]byte
	b := append(buf[:0], requestIDPrefix...)
	b = strconv.AppendUint(b, requestIDCounter.Add(1), 36)
	return string(b)
}

// requestIDHandler adds request_id to every record logged with a request's
// context, so handlers and the GraphQL error presenter need not know about
// request ids at all.
type requestIDHandler struct{ slog.Handler }

func (h requestIDHandler) Handle(ctx context.Context, rec slog.Record) error {
	if id := RequestID(ctx); id != "" {
		rec.AddAttrs(slog.String("request_id", id))
	}
	return h.Handler.Handle(ctx, rec)
}

func (h requestIDHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return requestIDHandler{h.Handler.WithAttrs(attrs)}
}

func (h requestIDHandler) WithGroup(name string) slog.Handler {
	return requestIDHandler{h.Handler.WithGroup(name)}
}

// statusRecorder remembers the status and size of a response for the
// access log, and what handlers note about it (httpx.Noter) for the
// metrics.
type statusRecorder struct {
	http.ResponseWriter
	status  int
	bytes   int
	metrics *metrics.Metrics
	// operation is the GraphQL operation name, once the transport noted one.
	operation    string
	hasOperation bool
}

var _ httpx.Noter = (*statusRecorder)(nil)

// NoteErrorCode implements httpx.Noter.
func (s *statusRecorder) NoteErrorCode(code string) { s.metrics.ObserveError(code) }

// NoteOperation implements httpx.Noter.
func (s *statusRecorder) NoteOperation(name string) { s.operation, s.hasOperation = name, true }

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	n, err := s.ResponseWriter.Write(b)
	s.bytes += n
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// accessLogger takes the access log's lines: a logging.AccessLog, or
// slogAccess when the server was given none.
type accessLogger interface{ Log(logging.Request) }

// slogAccess writes access lines as slog records.
type slogAccess struct{ logger *slog.Logger }

func (s slogAccess) Log(r logging.Request) {
	s.logger.LogAttrs(context.Background(), slog.LevelInfo, "http request",
		slog.String("request_id", r.ID),
		slog.String("method", r.Method),
		slog.String("path", r.Path),
		slog.Int("status", r.Status),
		slog.Int("bytes", r.Bytes),
		slog.Duration("duration", r.Duration),
		slog.String("remote", r.Remote),
	)
}

// accessLog logs one line per request, and records it in m (when not
// nil) by the route pattern the mux matched: r.Pattern, which the mux sets
// on this very request, since nothing between here and the mux copies it.
func accessLog(log accessLogger, m *metrics.Metrics, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, metrics: m}
		next.ServeHTTP(rec, r)
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		if m != nil {
			var op *string
			if rec.hasOperation {
				op = &rec.operation
			}
			m.ObserveRequest(r.Pattern, r.Method, rec.status, time.Since(start), op)
		}
		log.Log(logging.Request{
			ID:       RequestID(r.Context()),
			Method:   r.Method,
			Path:     r.URL.Path,
			Status:   rec.status,
			Bytes:    rec.bytes,
			Duration: time.Since(start),
			Remote:   r.RemoteAddr,
		})
	})
}

// recoverPanics answers 500 instead of dropping the connection when a
// handler outside GraphQL (which recovers its own) panics.
func recoverPanics(logger *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				logger.ErrorContext(r.Context(), "panic in handler", "panic", p, "stack", string(debug.Stack()))
				writeText(w, http.StatusInternalServerError, "internal error\n")
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// limitBody caps request bodies; reading past the cap fails with
// *http.MaxBytesError, which the GraphQL transport answers with 413.
func limitBody(limit int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		next.ServeHTTP(w, r)
	})
}
