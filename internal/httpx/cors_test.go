package httpx_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/serasi/serasi/internal/httpx"
)

func TestParseOrigins(t *testing.T) {
	got, err := httpx.ParseOrigins(" https://Peta.example, http://127.0.0.1:5173 ,*,")
	if err != nil || strings.Join(got, " ") != "https://peta.example http://127.0.0.1:5173 *" {
		t.Errorf("got %q, %v", got, err)
	}
	for _, bad := range []string{"peta.example", "https://peta.example/app", "ftp://x", "https://u@x", "https://x?a=1"} {
		if _, err := httpx.ParseOrigins(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestCORS(t *testing.T) {
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusTeapot) })
	listed := httpx.CORS(httpx.CORSOptions{Origins: []string{"https://peta.example"}})(next)
	any := httpx.CORS(httpx.CORSOptions{Origins: []string{"*"}})(next)
	const other = "https://other.example"
	for _, tc := range []struct {
		name       string
		h          http.Handler
		method     string
		origin     string
		reqMethod  string // Access-Control-Request-Method: a preflight
		reqHeaders string
		auth       bool
		status     int
		allowO     string
		allowH     string
		methods    string
	}{
		{"no origin passes", listed, "GET", "", "", "", false, 418, "", "", ""},
		{"read from any origin", listed, "GET", other, "", "", false, 418, "*", "", ""},
		{"query from any origin", listed, "POST", other, "", "", false, 418, "*", "", ""},
		{"preflight from any origin: no Authorization", listed, "OPTIONS", other, "POST", "content-type, authorization", false, 204, "*", "content-type", "GET, HEAD, POST"},
		{"token from an unlisted origin", listed, "POST", other, "", "", true, 403, "*", "", ""},
		{"preflight from a listed origin", listed, "OPTIONS", "https://peta.example", "POST", "Content-Type, Authorization", false, 204, "https://peta.example", "content-type, authorization", "GET, HEAD, POST, PUT, PATCH, DELETE"},
		{"token from a listed origin", listed, "POST", "https://peta.example", "", "", true, 418, "https://peta.example", "", ""},
		{"token from any origin under *", any, "POST", other, "", "", true, 418, "*", "", ""},
		{"preflight under *", any, "OPTIONS", other, "DELETE", "authorization", false, 204, "*", "authorization", "GET, HEAD, POST, PUT, PATCH, DELETE"},
		{"plain OPTIONS is routed", listed, "OPTIONS", other, "", "", false, 418, "*", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(tc.method, "http://api.example/graphql", nil)
			if tc.origin != "" {
				r.Header.Set("Origin", tc.origin)
			}
			if tc.reqMethod != "" {
				r.Header.Set("Access-Control-Request-Method", tc.reqMethod)
			}
			if tc.reqHeaders != "" {
				r.Header.Set("Access-Control-Request-Headers", tc.reqHeaders)
			}
			if tc.auth {
				r.Header.Set("Authorization", "Bearer x")
			}
			rec := httptest.NewRecorder()
			tc.h.ServeHTTP(rec, r)
			h := rec.Header()
			if rec.Code != tc.status || h.Get("Access-Control-Allow-Origin") != tc.allowO ||
				h.Get("Access-Control-Allow-Headers") != tc.allowH || h.Get("Access-Control-Allow-Methods") != tc.methods {
				t.Errorf("status %d, headers %v", rec.Code, h)
			}
			if tc.origin != "" && !strings.Contains(strings.Join(h.Values("Vary"), ","), "Origin") {
				t.Errorf("no Vary: Origin: %v", h)
			}
			if tc.reqMethod != "" && h.Get("Access-Control-Max-Age") != "600" {
				t.Errorf("max-age %q", h.Get("Access-Control-Max-Age"))
			}
			if h.Get("Access-Control-Allow-Credentials") != "" {
				t.Error("credentials allowed: tokens are headers, never cookies")
			}
		})
	}
}
