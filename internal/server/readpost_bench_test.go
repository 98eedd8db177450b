package server

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// BenchmarkReadPOST measures decoding a typical request body, the first
// thing every GraphQL POST costs.
func BenchmarkReadPOST(b *testing.B) {
	body := []byte(`{"query":"query($lon:Float!,$lat:Float!){kelurahanAt(lon:$lon,lat:$lat){code name}}","variables":{"lon":122.607700,"lat":-5.456000}}`)
	req := httptest.NewRequest(http.MethodPost, "/graphql", nil)
	req.Header.Set("Content-Type", "application/json")
	rd := bytes.NewReader(body)
	b.ReportAllocs()
	for b.Loop() {
		rd.Reset(body)
		req.Body = io.NopCloser(rd)
		if _, err := readPOST(req); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAccessLogLine measures writing one access-log line.
func BenchmarkAccessLogLine(b *testing.B) {
	logger := slog.New(requestIDHandler{slog.NewJSONHandler(io.Discard, nil)})
	ctx := t0ctx()
	b.ReportAllocs()
	for b.Loop() {
		logger.LogAttrs(ctx, slog.LevelInfo, "http request",
			slog.String("method", "POST"),
			slog.String("path", "/graphql"),
			slog.Int("status", 200),
			slog.Int("bytes", 65),
			slog.Duration("duration", 47*time.Microsecond),
			slog.String("remote", "127.0.0.1:58888"),
		)
	}
}

func t0ctx() context.Context {
	return context.WithValue(context.Background(), requestIDKey{}, "4c100415093522eb-3svm")
}
