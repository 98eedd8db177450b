package server_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/metrics"
	"github.com/serasi/serasi/internal/server"
	"github.com/serasi/serasi/internal/store"
)

// TestMetrics drives requests through the real handler and reads them back
// from the Prometheus exposition: by route, by GraphQL operation name, by
// error code, tile cache hits and misses, and the Go runtime.
func TestMetrics(t *testing.T) {
	m := metrics.New()
	st := newMemory(t)
	_, token, err := st.(store.Writer).CreateToken(context.Background(), domain.Actor{Name: "test", Role: domain.RoleAdmin}, "metrik", domain.RoleViewer)
	if err != nil {
		t.Fatal(err)
	}
	h := server.New(server.Config{Metrics: m}, st, nil)
	post(t, h, map[string]any{"query": `query Lokasi { kelurahanAt(lon: 122.6077, lat: -5.456) { name } }`})
	post(t, h, map[string]any{"query": `query Lokasi { kelurahanAt(lon: 122.6077, lat: -5.456) { name } }`})
	post(t, h, map[string]any{"query": `{ kelurahanAt(lon: 200, lat: 0) { name } }`})
	post(t, h, map[string]any{"query": `query Lain { nothing }`})
	for i, path := range []string{"/tiles/kelurahan/12/3443/2111.mvt", "/tiles/kelurahan/12/3443/2111.mvt", "/geojson/nothing", "/nowhere"} {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		if i == 1 {
			// Authenticated and anonymous requests count under one route.
			req.Header.Set("Authorization", "Bearer "+token)
		}
		h.ServeHTTP(httptest.NewRecorder(), req)
	}
	// 300 distinct operation names: the label values stop at the limit.
	for i := range 300 {
		post(t, h, map[string]any{"query": `query Op` + strings.Repeat("x", i%64) + string(rune('a'+i/64)) + ` { __typename }`})
	}

	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	text := string(body)
	for _, want := range []string{
		`serasi_http_requests_total{method="POST",route="POST /graphql",status="200"} 304`,
		`serasi_http_requests_total{method="GET",route="GET /tiles/{layer}/{z}/{x}/{y}",status="200"} 2`,
		`serasi_http_requests_total{method="GET",route="GET /geojson/{layer}",status="404"} 1`,
		`serasi_http_requests_total{method="GET",route="other",status="404"} 1`,
		`serasi_graphql_operations_total{operation="Lokasi"} 2`,
		`serasi_graphql_operations_total{operation=""} 2`,
		`serasi_graphql_operations_total{operation="other"}`,
		`serasi_graphql_operation_duration_seconds_count{operation="Lokasi"} 2`,
		`serasi_http_request_duration_seconds_bucket{route="POST /graphql",le="+Inf"} 304`,
		`serasi_errors_total{code="BAD_USER_INPUT"} 1`,
		`serasi_errors_total{code="GRAPHQL_VALIDATION_FAILED"} 1`,
		`serasi_errors_total{code="NOT_FOUND"} 2`,
		`serasi_tile_cache_hits_total 1`,
		`serasi_tile_cache_misses_total 1`,
		`go_goroutines `,
		`process_resident_memory_bytes `,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("no %s in the metrics", want)
		}
	}
	if n := strings.Count(text, "serasi_graphql_operations_total{"); n > metrics.MaxOperationNames+1 {
		t.Errorf("%d operation label values, limit %d", n, metrics.MaxOperationNames)
	}
	if t.Failed() {
		t.Logf("metrics:\n%s", text)
	}
}
