package server_test

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/serasi/serasi/internal/httpx"
	"github.com/serasi/serasi/internal/server"
)

// Every error of every endpoint, the mux's own 404 and 405 included, has
// the one shape {"errors":[{"message","extensions":{"code"}}]}.
func TestOneErrorShape(t *testing.T) {
	h := server.New(server.Config{RequireTokenForReads: false}, newMemory(t), nil)
	for _, tc := range []struct {
		method, path, auth string
		status             int
		code, allow        string
	}{
		{"GET", "/nowhere", "", 404, "NOT_FOUND", ""},
		{"PUT", "/graphql", "", 405, "BAD_REQUEST", "GET, HEAD, POST"},
		{"DELETE", "/healthz", "", 405, "BAD_REQUEST", "GET, HEAD"},
		{"GET", "/geojson/roads", "", 404, "NOT_FOUND", ""},
		{"GET", "/geojson/projects?kinds=CASTLE", "", 400, "BAD_USER_INPUT", ""},
		{"GET", "/tiles/kelurahan/99/0/0.mvt", "", 400, "BAD_USER_INPUT", ""},
		{"GET", "/tiles/kelurahan/12/3443/2111.mvt", "Bearer nope", 401, "UNAUTHENTICATED", ""},
		{"GET", "/tiles/nothing.json", "", 404, "NOT_FOUND", ""},
		{"GET", "/ogcapi/collections/roads", "", 404, "NOT_FOUND", ""},
		{"GET", "/ogcapi/collections/kelurahan/items?limit=0", "", 400, "BAD_USER_INPUT", ""},
		{"POST", "/graphql", "Basic x", 401, "UNAUTHENTICATED", ""},
	} {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			req := httptest.NewRequest(tc.method, tc.path, strings.NewReader(`{"query":"{ __typename }"}`))
			req.Header.Set("Content-Type", "application/json")
			if tc.auth != "" {
				req.Header.Set("Authorization", tc.auth)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			var body httpx.ErrorResponse
			err := json.Unmarshal(rec.Body.Bytes(), &body)
			if rec.Code != tc.status || err != nil || len(body.Errors) != 1 || body.Errors[0].Extensions.Code != tc.code || body.Errors[0].Message == "" {
				t.Fatalf("status %d, body %s; want %d %s", rec.Code, rec.Body, tc.status, tc.code)
			}
			if !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
				t.Errorf("Content-Type %q", rec.Header().Get("Content-Type"))
			}
			if got := rec.Header().Get("Allow"); got != tc.allow {
				t.Errorf("Allow %q, want %q", got, tc.allow)
			}
		})
	}
}
