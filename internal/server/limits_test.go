package server_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/serasi/serasi/geodata"
	"github.com/serasi/serasi/graph"
	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/server"
	"github.com/serasi/serasi/internal/store"
	"github.com/serasi/serasi/internal/store/memory"
)

type gqlResponse struct {
	Data   map[string]any `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
}

func post(t *testing.T, h http.Handler, body any) (int, gqlResponse) {
	t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(string(b)))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var out gqlResponse
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		t.Fatalf("response is not JSON: %v: %s", err, rec.Body)
	}
	return rec.Code, out
}

func errorCode(r gqlResponse) string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

func newMemory(t testing.TB) store.Store {
	t.Helper()
	st, err := memory.New(geodata.FS)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func TestQueryLimits(t *testing.T) {
	h := server.New(server.Config{GraphQL: graph.Options{MaxDepth: 6}}, newMemory(t), nil)
	tests := []struct {
		name     string
		query    string
		wantCode string
	}{
		{"shallow query passes", `{ kelurahan(code: "74.72.02.1001") { name forums { name } } }`, ""},
		{"depth at the limit passes",
			`{ kelurahan(code: "74.72.02.1001") { forums { kelurahan { kecamatan { kelurahan { code } } } } } }`, ""},
		{"one level deeper is refused",
			`{ kelurahan(code: "74.72.02.1001") { forums { kelurahan { kecamatan { kelurahan { kecamatan { code } } } } } } }`,
			"QUERY_TOO_DEEP"},
		{"depth counts through fragments",
			`query { kelurahan(code: "74.72.02.1001") { ...F } } fragment F on Kelurahan { forums { kelurahan { kecamatan { kelurahan { kecamatan { code } } } } } }`,
			"QUERY_TOO_DEEP"},
		{"a full page with geometry passes",
			`{ projects(first: 500) { edges { node { id geometry kelurahan { name } } } } }`, ""},
		{"every kelurahan with 500 projects each is too complex",
			`{ kelurahans { projects(first: 500) { edges { node { id title geometry } } } } }`,
			"COMPLEXITY_LIMIT_EXCEEDED"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, res := post(t, h, map[string]any{"query": tc.query})
			if got := errorCode(res); got != tc.wantCode {
				t.Fatalf("error code %q, want %q (status %d, errors %+v)", got, tc.wantCode, status, res.Errors)
			}
			if tc.wantCode != "" && res.Data != nil {
				t.Errorf("a refused operation must not execute, got data %v", res.Data)
			}
		})
	}
}

// The same document is refused or admitted by the page size its variables
// ask for, in any order: a remembered cost must not leak between requests.
func TestComplexityFollowsVariables(t *testing.T) {
	h := server.New(server.Config{}, newMemory(t), nil)
	q := `query($n: Int) { kelurahans { projects(first: $n) { edges { node { id title geometry } } } } }`
	for _, tc := range []struct {
		n        int
		wantCode string
	}{{1, ""}, {500, "COMPLEXITY_LIMIT_EXCEEDED"}, {1, ""}, {500, "COMPLEXITY_LIMIT_EXCEEDED"}} {
		_, res := post(t, h, map[string]any{"query": q, "variables": map[string]any{"n": tc.n}})
		if got := errorCode(res); got != tc.wantCode {
			t.Fatalf("first: %d: error code %q, want %q (%+v)", tc.n, got, tc.wantCode, res.Errors)
		}
	}
}

func TestIntrospectionSwitch(t *testing.T) {
	q := map[string]any{"query": `{ __schema { queryType { name } } }`}
	_, on := post(t, server.New(server.Config{}, newMemory(t), nil), q)
	if len(on.Errors) != 0 {
		t.Fatalf("introspection on by default: %+v", on.Errors)
	}
	_, off := post(t, server.New(server.Config{GraphQL: graph.Options{DisableIntrospection: true}}, newMemory(t), nil), q)
	if len(off.Errors) == 0 {
		t.Fatal("introspection answered although disabled")
	}
}

func TestAutomaticPersistedQueries(t *testing.T) {
	h := server.New(server.Config{}, newMemory(t), nil)
	query := `{ kelurahanAt(lon: 122.6077, lat: -5.456) { name } }`
	sum := sha256.Sum256([]byte(query))
	ext := map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": hex.EncodeToString(sum[:])}}

	_, res := post(t, h, map[string]any{"extensions": ext})
	if len(res.Errors) == 0 || res.Errors[0].Message != "PersistedQueryNotFound" {
		t.Fatalf("unknown hash: got %+v, want PersistedQueryNotFound", res.Errors)
	}
	_, res = post(t, h, map[string]any{"query": query, "extensions": ext})
	if len(res.Errors) != 0 {
		t.Fatalf("registering the query: %+v", res.Errors)
	}
	_, res = post(t, h, map[string]any{"extensions": ext})
	if len(res.Errors) != 0 {
		t.Fatalf("hash only after registering: %+v", res.Errors)
	}
	if got := res.Data["kelurahanAt"].(map[string]any)["name"]; got != "Wale" {
		t.Fatalf("got %v, want Wale", got)
	}
	status, _ := post(t, h, map[string]any{"extensions": map[string]any{}})
	if status != http.StatusBadRequest {
		t.Errorf("no query and no persisted query: status %d, want 400", status)
	}
}

// stuckStore blocks KelurahanAt until the request's context ends.
type stuckStore struct{ store.Store }

func (s stuckStore) KelurahanAt(ctx context.Context, _ orb.Point) (domain.Kelurahan, error) {
	<-ctx.Done()
	return domain.Kelurahan{}, ctx.Err()
}

func TestRequestDeadline(t *testing.T) {
	h := server.New(server.Config{RequestTimeout: 50 * time.Millisecond}, stuckStore{newMemory(t)}, nil)
	start := time.Now()
	status, res := post(t, h, map[string]any{"query": `{ kelurahanAt(lon: 122.6077, lat: -5.456) { name } }`})
	if took := time.Since(start); took > 5*time.Second {
		t.Fatalf("the request took %v despite a 50 ms deadline", took)
	}
	// The store did not answer within the deadline: the client should
	// retry, not report a bug.
	if status != http.StatusServiceUnavailable || errorCode(res) != "UNAVAILABLE" {
		t.Fatalf("status %d, errors %+v; want 503 with an UNAVAILABLE error", status, res.Errors)
	}
	if strings.Contains(res.Errors[0].Message, "deadline") {
		t.Errorf("internal details leaked: %q", res.Errors[0].Message)
	}
}

// GraphiQL's introspection query (graphql-js getIntrospectionQuery with the
// options GraphiQL sends; 15 levels deep) passes the default limits, while
// data fields nested as deep are still refused.
func TestIntrospectionUnderTheLimits(t *testing.T) {
	h := server.New(server.Config{}, newMemory(t), nil)
	q, err := os.ReadFile("testdata/graphiql-introspection.graphql")
	if err != nil {
		t.Fatal(err)
	}
	status, res := post(t, h, map[string]any{"query": string(q), "operationName": "IntrospectionQuery"})
	if status != http.StatusOK || len(res.Errors) != 0 {
		t.Fatalf("status %d, errors %+v", status, res.Errors)
	}
	types, _ := res.Data["__schema"].(map[string]any)["types"].([]any)
	found := false
	for _, ty := range types {
		if ty.(map[string]any)["name"] == "Kelurahan" {
			found = true
		}
	}
	if !found {
		t.Errorf("no Kelurahan among %d types", len(types))
	}

	deep := `{ kelurahan(code: "74.72.02.1001") { forums { kelurahan { forums { kelurahan { forums { kelurahan { forums { kelurahan { forums { kelurahan { forums { kelurahan { forums { kelurahan { name } } } } } } } } } } } } } } } }`
	if _, res := post(t, h, map[string]any{"query": deep}); errorCode(res) != "QUERY_TOO_DEEP" {
		t.Errorf("15 levels of data fields: %+v, want QUERY_TOO_DEEP", res.Errors)
	}
	// Nor does introspection open a way around the limit for data.
	mixed := `{ __typename __schema { queryType { name } } ` + deep[1:]
	if _, res := post(t, h, map[string]any{"query": mixed}); errorCode(res) != "QUERY_TOO_DEEP" {
		t.Errorf("data beside introspection: %+v, want QUERY_TOO_DEEP", res.Errors)
	}
	// A hostile introspection query is refused by validation.
	fan := `{ __schema { types { fields { type { fields { type { fields { type { fields { name } } } } } } } } } }`
	if _, res := post(t, h, map[string]any{"query": fan}); errorCode(res) != "GRAPHQL_VALIDATION_FAILED" {
		t.Errorf("introspection fan-out: %+v, want GRAPHQL_VALIDATION_FAILED", res.Errors)
	}
}
