// Package logging builds serasi's structured loggers: JSON lines on one
// writer, where the access log (a line per request, the bulk of all output)
// is buffered and everything else is written at once.
package logging

import (
	"context"
	"io"
	"log/slog"
	"time"

	"go.uber.org/zap/zapcore"
)

// DefaultFlushInterval is how long an access-log line may wait in the buffer.
const DefaultFlushInterval = 200 * time.Millisecond

// bufferSize is how much access log is kept before it is written anyway.
const bufferSize = 64 << 10

// Loggers share one buffered writer.
type Loggers struct {
	// Logger writes each record before Handle returns, together with any
	// buffered access-log lines before it, so the order on the writer is
	// the order of logging and nothing but access lines can be lost.
	Logger *slog.Logger
	// Access buffers its lines: a write(2) per request cost about a
	// tenth of a kelurahanAt request's CPU (scripts/load/run). A crash
	// loses at most the last FlushInterval of access lines.
	Access *AccessLog

	out *zapcore.BufferedWriteSyncer
}

// New returns loggers writing JSON lines to w; flushInterval ≤ 0 takes
// DefaultFlushInterval. Close flushes and stops them.
func New(w io.Writer, flushInterval time.Duration) *Loggers {
	if flushInterval <= 0 {
		flushInterval = DefaultFlushInterval
	}
	// Only Write of w is used: zapcore would call Sync on an *os.File,
	// and an fsync per warning is not wanted on a log.
	out := &zapcore.BufferedWriteSyncer{
		WS:            zapcore.AddSync(writerOnly{w}),
		Size:          bufferSize,
		FlushInterval: flushInterval,
	}
	h := slog.NewJSONHandler(out, nil)
	return &Loggers{
		Logger: slog.New(flushing{h, out}),
		Access: NewAccessLog(out),
		out:    out,
	}
}

// Close writes what is buffered and stops the flushing goroutine.
func (l *Loggers) Close() error { return l.out.Stop() }

type writerOnly struct{ w io.Writer }

func (w writerOnly) Write(p []byte) (int, error) { return w.w.Write(p) }

// flushing writes the buffer out after each record.
type flushing struct {
	slog.Handler
	out *zapcore.BufferedWriteSyncer
}

func (h flushing) Handle(ctx context.Context, r slog.Record) error {
	if err := h.Handler.Handle(ctx, r); err != nil {
		return err
	}
	return h.out.Sync()
}

func (h flushing) WithAttrs(attrs []slog.Attr) slog.Handler {
	return flushing{h.Handler.WithAttrs(attrs), h.out}
}

func (h flushing) WithGroup(name string) slog.Handler {
	return flushing{h.Handler.WithGroup(name), h.out}
}
