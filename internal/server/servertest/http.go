package servertest

import (
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// testHTTP covers the transport: GraphQL over HTTP, probes, limits.
func testHTTP(t *testing.T, h *harness) {
	const q = `{ kecamatans { code } }`

	t.Run("GET query", func(t *testing.T) {
		req := httptest.NewRequest(http.MethodGet, "/graphql?query="+url.QueryEscape(q), nil)
		req.Header.Set("Accept", "application/graphql-response+json")
		res := h.do(t, req)
		if res.Status != http.StatusOK || len(res.Errors) > 0 || !bytes.Contains(res.Data, []byte(`"code"`)) {
			t.Fatalf("status %d\n%s", res.Status, res.Raw)
		}
		if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/graphql-response+json") {
			t.Errorf("Content-Type %q, want application/graphql-response+json", ct)
		}
	})
	t.Run("GET with variables", func(t *testing.T) {
		v := url.Values{
			"query":     {`query K($code: String!) { kecamatan(code: $code) { code } }`},
			"variables": {`{"code":"74.72.02"}`},
		}
		res := h.do(t, httptest.NewRequest(http.MethodGet, "/graphql?"+v.Encode(), nil))
		if res.Status != http.StatusOK || !bytes.Contains(res.Data, []byte(`"74.72.02"`)) {
			t.Fatalf("status %d\n%s", res.Status, res.Raw)
		}
	})
	t.Run("GET mutation is 405", func(t *testing.T) {
		for _, query := range []string{`mutation { __typename }`, `subscription S { __typename }`} {
			res := h.do(t, httptest.NewRequest(http.MethodGet, "/graphql?query="+url.QueryEscape(query), nil))
			if res.Status != http.StatusMethodNotAllowed {
				t.Errorf("%s: status %d, want 405\n%s", query, res.Status, res.Raw)
			}
			if allow := res.Header.Get("Allow"); allow != "POST" {
				t.Errorf("%s: Allow %q, want POST", query, allow)
			}
		}
	})
	t.Run("Accept selects the media type", func(t *testing.T) {
		tests := []struct {
			accept, want string
			status       int
		}{
			{"", "application/json", 200},
			{"*/*", "application/json", 200},
			{"application/json", "application/json", 200},
			{"application/graphql-response+json", "application/graphql-response+json", 200},
			{"application/json;q=0.5, application/graphql-response+json", "application/graphql-response+json", 200},
			{"application/graphql-response+json;q=0.2, application/json", "application/json", 200},
			{"text/html", "application/json", http.StatusNotAcceptable},
		}
		for _, tc := range tests {
			req := postJSON(`{"query":"{ __typename }"}`)
			req.Header.Set("Accept", tc.accept)
			res := h.do(t, req)
			if res.Status != tc.status || !strings.HasPrefix(res.Header.Get("Content-Type"), tc.want+"; charset=utf-8") {
				t.Errorf("Accept %q: status %d, Content-Type %q; want %d, %s", tc.accept, res.Status, res.Header.Get("Content-Type"), tc.status, tc.want)
			}
		}
	})
	t.Run("bad requests", func(t *testing.T) {
		tests := []struct {
			name   string
			req    *http.Request
			status int
		}{
			{"invalid JSON", postJSON(`{"query": `), http.StatusBadRequest},
			{"trailing data", postJSON(`{"query":"{ __typename }"} {}`), http.StatusBadRequest},
			{"not an object", postJSON(`["{ __typename }"]`), http.StatusBadRequest},
			{"null body", postJSON(`null`), http.StatusBadRequest},
			{"empty body", postJSON(``), http.StatusBadRequest},
			{"no query", postJSON(`{"variables":{}}`), http.StatusBadRequest},
			{"query not a string", postJSON(`{"query":42}`), http.StatusBadRequest},
			{"variables not an object", postJSON(`{"query":"{ __typename }","variables":"{}"}`), http.StatusBadRequest},
			{"no content type", withHeader(postJSON(`{"query":"{ __typename }"}`), "Content-Type", ""), http.StatusUnsupportedMediaType},
			{"form content type", withHeader(postJSON(`query=x`), "Content-Type", "application/x-www-form-urlencoded"), http.StatusUnsupportedMediaType},
			{"latin-1 body", withHeader(postJSON(`{"query":"{ __typename }"}`), "Content-Type", "application/json; charset=iso-8859-1"), http.StatusUnsupportedMediaType},
			{"body over 1 MiB", postJSON(`{"query":"{ __typename }","x":"` + strings.Repeat("a", 1<<20) + `"}`), http.StatusRequestEntityTooLarge},
			{"GET without query", httptest.NewRequest(http.MethodGet, "/graphql", nil), http.StatusBadRequest},
			{"GET bad variables", httptest.NewRequest(http.MethodGet, "/graphql?query=%7B__typename%7D&variables=%7B", nil), http.StatusBadRequest},
			{"PUT", httptest.NewRequest(http.MethodPut, "/graphql", nil), http.StatusMethodNotAllowed},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				res := h.do(t, tc.req)
				if res.Status != tc.status {
					t.Fatalf("status %d, want %d\n%.300s", res.Status, tc.status, res.Raw)
				}
				if tc.status != http.StatusMethodNotAllowed && (len(res.Errors) == 0 || res.Errors[0].Extensions.Code != "BAD_REQUEST") {
					t.Errorf("want one BAD_REQUEST error, got %.300s", res.Raw)
				}
				if res.HasData {
					t.Errorf("a request that never ran has a data entry: %.300s", res.Raw)
				}
				if bytes.Contains(res.Raw, []byte("aaaaaaaa")) {
					t.Errorf("the error echoes the request body")
				}
			})
		}
	})
	t.Run("document errors", func(t *testing.T) {
		tests := []struct {
			name, body, accept, code string
			status                   int
		}{
			{"parse, json", `{"query":"{"}`, "application/json", "GRAPHQL_PARSE_FAILED", 200},
			{"parse, graphql-response", `{"query":"{"}`, "application/graphql-response+json", "GRAPHQL_PARSE_FAILED", 400},
			{"validation, json", `{"query":"{ nope }"}`, "application/json", "GRAPHQL_VALIDATION_FAILED", 200},
			{"validation, graphql-response", `{"query":"{ nope }"}`, "application/graphql-response+json", "GRAPHQL_VALIDATION_FAILED", 400},
			{"variables, graphql-response", `{"query":"query($c: String!) { kecamatan(code: $c) { code } }","variables":{"c":null}}`,
				"application/graphql-response+json", "GRAPHQL_VALIDATION_FAILED", 400},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				res := h.do(t, withHeader(postJSON(tc.body), "Accept", tc.accept))
				if res.Status != tc.status || len(res.Errors) == 0 || res.Errors[0].Extensions.Code != tc.code || res.HasData {
					t.Fatalf("status %d, want %d with %s and no data\n%s", res.Status, tc.status, tc.code, res.Raw)
				}
			})
		}
	})
	t.Run("request id", func(t *testing.T) {
		res := h.do(t, postJSON(`{"query":"{ __typename }"}`))
		if id := res.Header.Get("X-Request-Id"); len(id) < 16 {
			t.Errorf("generated X-Request-Id %q", id)
		}
		res = h.do(t, withHeader(postJSON(`{"query":"{ __typename }"}`), "X-Request-Id", "abc-123"))
		if id := res.Header.Get("X-Request-Id"); id != "abc-123" {
			t.Errorf("X-Request-Id %q, want the caller's abc-123", id)
		}
		res = h.do(t, withHeader(postJSON(`{"query":"{ __typename }"}`), "X-Request-Id", "bad id\nwith newline"))
		if id := res.Header.Get("X-Request-Id"); strings.ContainsAny(id, " \n") || id == "" {
			t.Errorf("an unsafe caller id was kept: %q", id)
		}
	})
	t.Run("GraphiQL", func(t *testing.T) {
		res := h.do(t, httptest.NewRequest(http.MethodGet, "/", nil))
		if res.Status != http.StatusOK || !bytes.Contains(bytes.ToLower(res.Raw), []byte("graphiql")) {
			t.Errorf("status %d, body %.200s", res.Status, res.Raw)
		}
		if res := h.do(t, httptest.NewRequest(http.MethodGet, "/nope", nil)); res.Status != http.StatusNotFound {
			t.Errorf("GET /nope: status %d, want 404", res.Status)
		}
	})
	t.Run("probes", func(t *testing.T) {
		for _, path := range []string{"/healthz", "/readyz"} {
			if res := h.do(t, httptest.NewRequest(http.MethodGet, path, nil)); res.Status != http.StatusOK {
				t.Errorf("%s: status %d", path, res.Status)
			}
		}
		h.counter.Fail = func(method string) error {
			if method == "Ping" {
				return errors.New("database is down")
			}
			return nil
		}
		defer func() { h.counter.Fail = nil }()
		if res := h.do(t, httptest.NewRequest(http.MethodGet, "/readyz", nil)); res.Status != http.StatusServiceUnavailable {
			t.Errorf("/readyz with a failing store: status %d, want 503", res.Status)
		}
		if res := h.do(t, httptest.NewRequest(http.MethodGet, "/healthz", nil)); res.Status != http.StatusOK {
			t.Errorf("/healthz with a failing store: status %d, want 200 (the process is up)", res.Status)
		}
	})
}

func postJSON(body string) *http.Request {
	req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	return req
}

func withHeader(req *http.Request, key, value string) *http.Request {
	if value == "" {
		req.Header.Del(key)
	} else {
		req.Header.Set(key, value)
	}
	return req
}
