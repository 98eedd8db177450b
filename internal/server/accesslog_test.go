package server_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/serasi/serasi/geodata"
	"github.com/serasi/serasi/internal/logging"
	"github.com/serasi/serasi/internal/server"
	"github.com/serasi/serasi/internal/store/memory"
)

// Each request gets one access line with its request id, status and size,
// whether the server has an AccessLog or falls back to its slog logger.
func TestAccessLogLine(t *testing.T) {
	st, err := memory.New(geodata.FS)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		new  func(*bytes.Buffer) *server.Server
	}{
		{"AccessLog", func(b *bytes.Buffer) *server.Server {
			return server.New(server.Config{AccessLog: logging.NewAccessLog(b)}, st, nil)
		}},
		{"slog fallback", func(b *bytes.Buffer) *server.Server {
			return server.New(server.Config{}, st, slog.New(slog.NewJSONHandler(b, nil)))
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			h := tc.new(&out)
			req := httptest.NewRequest(http.MethodPost, "/graphql",
				strings.NewReader(`{"query":"{kelurahanAt(lon:122.6077,lat:-5.456){name}}"}`))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-Request-Id", "trace-42")
			req.RemoteAddr = "192.0.2.7:4321"
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				t.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
			var line struct {
				Msg       string
				RequestID string `json:"request_id"`
				Method    string
				Path      string
				Status    int
				Bytes     int
				Duration  int64
				Remote    string
			}
			lines := strings.Split(strings.TrimSpace(out.String()), "\n")
			if len(lines) != 1 {
				t.Fatalf("want one access line, got %q", out.String())
			}
			if err := json.Unmarshal([]byte(lines[0]), &line); err != nil {
				t.Fatalf("%v: %q", err, lines[0])
			}
			if line.Msg != "http request" || line.RequestID != "trace-42" || line.Method != "POST" ||
				line.Path != "/graphql" || line.Status != 200 || line.Bytes != rec.Body.Len() ||
				line.Duration <= 0 || line.Remote != "192.0.2.7:4321" {
				t.Errorf("access line %+v (response %d bytes)", line, rec.Body.Len())
			}
		})
	}
}
