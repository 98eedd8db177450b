// Package servertest is the GraphQL API test suite. It drives the real
// http.Handler of internal/server through httptest, over any store.Store, so
// that every store (memory, PostGIS) can prove it serves the same API:
//
//	func TestGraphQL(t *testing.T) {
//		servertest.Run(t, func(t *testing.T) store.Store { return newStore(t) })
//	}
//
// The stores must hold the embedded sample data (geodata.FS). Expected
// answers come from that store itself, asked through the Store interface
// with the domain filter a GraphQL argument should translate to, or from
// facts of the real data (a point in Wale, a point at sea): the suite tests
// the GraphQL layer, storetest tests the stores.
package servertest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/serasi/serasi/internal/server"
	"github.com/serasi/serasi/internal/store"
)

// Run runs every test group against servers over stores made by newStore.
// newStore is called once per group; the suite only reads the store.
func Run(t *testing.T, newStore func(t *testing.T) store.Store) {
	groups := []struct {
		name string
		run  func(t *testing.T, h *harness)
	}{
		{"HTTP", testHTTP},
		{"Errors", testErrors},
		{"Wilayah", testWilayah},
		{"Kecamatan", testKecamatan},
		{"Kelurahan", testKelurahan},
		{"KelurahanAt", testKelurahanAt},
		{"Forums", testForums},
		{"Projects", testProjects},
		{"Pagination", testPagination},
		{"NearestProjects", testNearestProjects},
		{"Activities", testActivities},
		{"ProjectStats", testProjectStats},
		{"Analytics", testAnalytics},
		{"Node", testNode},
		{"Geometry", testGeometry},
		{"Layers", testLayers},
		{"EnumLabels", testEnumLabels},
		{"BadInput", testBadInput},
		{"NoNPlusOne", testNoNPlusOne},
		{"QuerySafety", testQuerySafety},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			g.run(t, newHarness(t, newStore(t)))
		})
	}
}

// harness is a server over one store, with its log captured. The server
// reads the store through counter, which counts calls and can inject
// failures; store is the bare store, the oracle for expected answers.
type harness struct {
	store   store.Store
	counter *CountingStore
	handler http.Handler
	log     *syncBuffer
	// bearer, when set, is sent as "Authorization: Bearer <bearer>" (see as).
	bearer string
}

// as returns the harness sending requests with token (a token's
// plaintext, or any string to try as one); "" sends none.
func (h *harness) as(token string) *harness {
	c := *h
	c.bearer = token
	return &c
}

func newHarness(t *testing.T, st store.Store) *harness {
	t.Helper()
	h := &harness{log: &syncBuffer{}, counter: NewCountingStore(st)}
	h.store = st
	logger := slog.New(slog.NewJSONHandler(h.log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	h.handler = server.New(server.Config{}, h.counter, logger)
	return h
}

func (h *harness) ctx() context.Context { return context.Background() }

// Response is a decoded GraphQL response.
type Response struct {
	Status int
	Header http.Header
	Raw    []byte
	Data   json.RawMessage `json:"data"`
	Errors []GQLError      `json:"errors"`
	// HasData says whether the response had a data entry at all.
	HasData bool
}

// GQLError is one entry of errors.
type GQLError struct {
	Message    string `json:"message"`
	Path       []any  `json:"path"`
	Extensions struct {
		Code   string `json:"code"`
		Field  string `json:"field"`
		Fields []struct {
			Field   string `json:"field"`
			Message string `json:"message"`
		} `json:"fields"`
	} `json:"extensions"`
}

// do sends an HTTP request through the handler and decodes a JSON body.
func (h *harness) do(t *testing.T, req *http.Request) Response {
	t.Helper()
	rec := httptest.NewRecorder()
	h.handler.ServeHTTP(rec, req)
	res := Response{Status: rec.Code, Header: rec.Header(), Raw: rec.Body.Bytes()}
	if strings.Contains(res.Header.Get("Content-Type"), "json") {
		if err := json.Unmarshal(res.Raw, &res); err != nil {
			t.Fatalf("%s %s: response is not JSON: %v\n%s", req.Method, req.URL, err, res.Raw)
		}
		var probe map[string]json.RawMessage
		_ = json.Unmarshal(res.Raw, &probe)
		_, res.HasData = probe["data"]
	}
	return res
}

// post sends a GraphQL request as POST application/json.
func (h *harness) post(t *testing.T, query string, vars map[string]any) Response {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/graphql-response+json")
	if h.bearer != "" {
		req.Header.Set("Authorization", "Bearer "+h.bearer)
	}
	res := h.do(t, req)
	if res.Status >= 500 {
		t.Fatalf("status %d for %s\n%s", res.Status, query, res.Raw)
	}
	return res
}

// query runs a query that must succeed and decodes data into out.
func (h *harness) query(t *testing.T, query string, vars map[string]any, out any) {
	t.Helper()
	res := h.post(t, query, vars)
	if res.Status != http.StatusOK || len(res.Errors) > 0 {
		t.Fatalf("query failed: status %d\n%s\nquery: %s\nvars: %v", res.Status, res.Raw, query, vars)
	}
	if err := json.Unmarshal(res.Data, out); err != nil {
		t.Fatalf("decoding data: %v\n%s", err, res.Data)
	}
}

// queryError runs a query that must fail with one error of the given
// extensions.code, and returns that error. A client mistake must never be
// a 5xx.
func (h *harness) queryError(t *testing.T, query string, vars map[string]any, code string) GQLError {
	t.Helper()
	res := h.post(t, query, vars)
	if len(res.Errors) == 0 {
		t.Fatalf("want a %s error, got none: status %d\n%s\nquery: %s\nvars: %v", code, res.Status, res.Raw, query, vars)
	}
	e := res.Errors[0]
	if e.Extensions.Code != code {
		t.Fatalf("want extensions.code %s, got %q (%s)\nquery: %s\nvars: %v", code, e.Extensions.Code, res.Raw, query, vars)
	}
	if code != "INTERNAL" && strings.Contains(e.Message, "internal error") {
		t.Errorf("a %s error reads like an internal one: %q", code, e.Message)
	}
	return e
}

// syncBuffer is a log sink that concurrent handlers may write to.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

var _ io.Writer = (*syncBuffer)(nil)
